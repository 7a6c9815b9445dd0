"use client";
import { useTranslations } from "next-intl";
import type { StreamStatus } from "@/lib/client/use-recall-stream";

const DOT: Record<StreamStatus | "off" | "paused", string> = {
  connecting: "bg-slate-400",
  live: "bg-emerald-500 animate-pulse",
  reconnecting: "bg-red-500",
  paused: "bg-amber-500",
  off: "bg-slate-400",
};

/** The live indicator and its pause control. */
export function LiveControls({
  status,
  paused,
  onPausedChange,
}: {
  status: StreamStatus | "off";
  paused: boolean;
  onPausedChange?: (paused: boolean) => void;
}) {
  const t = useTranslations("recalls.live");
  const state = status === "off" ? "off" : paused ? "paused" : status;
  return (
    <div className="flex items-center gap-3">
      <span role="status" data-testid="live-indicator" data-state={state} className="flex items-center gap-2 text-sm">
        <span aria-hidden="true" className={`size-2.5 rounded-full ${DOT[state]}`} />
        {t(state)}
      </span>
      {onPausedChange && status !== "off" ? (
        <button
          type="button"
          aria-pressed={paused}
          onClick={() => onPausedChange(!paused)}
          className="focus-ring rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          {paused ? t("resume") : t("pause")}
        </button>
      ) : null}
    </div>
  );
}
