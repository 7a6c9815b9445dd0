"use client";
// A time to recall as people read one ("8.5 s", "3 min 20 s"), marked when it is estimated from the
// MsgKey rather than the captured send time (the MsgKey's time is whole seconds, from the sender's side).
import { useTranslations } from "next-intl";
import type { SendTime } from "@/lib/messages/recall-message";
import type { TimeToRecallStats } from "@/lib/messages/time-to-recall";

export function useDurationText() {
  const t = useTranslations("timeToRecall");
  return (ms: number) => {
    const seconds = ms / 1000;
    if (seconds < 60) return t("seconds", { s: Math.round(seconds * 10) / 10 });
    if (seconds < 3600) return t("minutes", { m: Math.floor(seconds / 60), s: Math.floor(seconds % 60) });
    return t("hours", { h: Math.floor(seconds / 3600), m: Math.floor((seconds % 3600) / 60) });
  };
}

export function TimeToRecall({ value }: { value: SendTime }) {
  const t = useTranslations("timeToRecall");
  const duration = useDurationText();
  if (value === null) return <span title={t("unknownHint")}>—</span>;
  if (!value.estimated) return <span data-estimated="false">{duration(value.timeToRecallMs)}</span>;
  return (
    <span data-estimated="true" title={t("estimatedHint")}>
      {t("estimated", { duration: duration(value.timeToRecallMs) })}
    </span>
  );
}

/**
 * The distribution of time to recall as a table with proportional bars (readable without the
 * bars, by screen readers and in print), the median above it and IM's 2-minute note below.
 */
export function TimeToRecallHistogram({ stats, testId }: { stats: TimeToRecallStats; testId: string }) {
  const t = useTranslations("timeToRecall");
  const duration = useDurationText();
  if (stats.medianMs === null) return <p className="text-sm text-slate-500 dark:text-slate-400">{t("none")}</p>;
  const most = Math.max(1, ...stats.buckets.map((b) => b.recalls));
  return (
    <div className="space-y-2 text-sm" data-testid={testId}>
      <p data-testid={`${testId}-median`}>
        {t("median", { duration: duration(stats.medianMs), count: stats.known, estimated: stats.estimated })}
      </p>
      <table className="w-full">
        <caption className="sr-only">{t("caption")}</caption>
        <thead className="text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-1 pr-3 text-left font-medium">
              {t("bucketColumn")}
            </th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">
              {t("recallsColumn")}
            </th>
            <th scope="col" className="py-1 pr-3 text-right font-medium">
              {t("estimatedColumn")}
            </th>
            <th scope="col" className="w-1/2 py-1">
              <span className="sr-only">{t("recallsColumn")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {stats.buckets.map((b) => (
            <tr key={b.bucket} data-bucket={b.bucket} className="border-t border-slate-100 dark:border-slate-800">
              <th scope="row" className="whitespace-nowrap py-1 pr-3 text-left font-normal">
                {t(`buckets.${b.bucket}`)}
              </th>
              <td className="py-1 pr-3 text-right tabular-nums">{b.recalls}</td>
              <td className="py-1 pr-3 text-right tabular-nums text-slate-500 dark:text-slate-400">{b.estimated}</td>
              <td className="py-1" aria-hidden="true">
                <div className="h-3 rounded bg-sky-600 dark:bg-sky-400" style={{ width: `${(b.recalls / most) * 100}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {stats.sampled ? <p className="text-slate-500 dark:text-slate-400">{t("sampled", { count: stats.recalls })}</p> : null}
      <p className="text-slate-500 dark:text-slate-400">{t("twoMinuteNote")}</p>
    </div>
  );
}
