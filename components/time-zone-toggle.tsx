"use client";
import { setTimeZoneMode, useTimeZoneMode } from "@/lib/client/time-zone";

export function TimeZoneToggle() {
  const mode = useTimeZoneMode();
  return (
    <button
      type="button"
      aria-pressed={mode === "utc"}
      onClick={() => setTimeZoneMode(mode === "utc" ? "local" : "utc")}
      className="focus-ring rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
      title="Show times in UTC instead of your local time zone"
    >
      UTC <span className="sr-only">times</span>
      <span
        aria-hidden="true"
        className={mode === "utc" ? "ml-1 font-semibold text-emerald-600 dark:text-emerald-400" : "ml-1 text-slate-400"}
      >
        {mode === "utc" ? "on" : "off"}
      </span>
    </button>
  );
}
