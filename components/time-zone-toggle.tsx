"use client";
import { useTranslations } from "next-intl";
import { setTimeZoneMode, useTimeZoneMode } from "@/lib/client/time-zone";

export function TimeZoneToggle() {
  const mode = useTimeZoneMode();
  const t = useTranslations("common.utcToggle");
  return (
    <button
      type="button"
      aria-pressed={mode === "utc"}
      onClick={() => setTimeZoneMode(mode === "utc" ? "local" : "utc")}
      className="focus-ring rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
      title={t("title")}
    >
      {t("label")} <span className="sr-only">{t("times")}</span>
      {/* slate-600 / slate-300: the "off" state passes 4.5:1 contrast in both themes. */}
      <span
        aria-hidden="true"
        className={mode === "utc" ? "ml-1 font-semibold text-emerald-700 dark:text-emerald-400" : "ml-1 text-slate-600 dark:text-slate-300"}
      >
        {mode === "utc" ? t("on") : t("off")}
      </span>
    </button>
  );
}
