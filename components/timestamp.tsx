"use client";
import { useFormatTime } from "@/lib/client/time-zone";

/** Every time on the dashboard: in the viewer's language and zone or UTC (their choice), the full ISO value on hover. */
export function Timestamp({ value, empty = "—" }: { value: string | Date | null | undefined; empty?: string }) {
  const formatTime = useFormatTime();
  if (value === null || value === undefined || value === "") return <span className="text-slate-500 dark:text-slate-400">{empty}</span>;
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return <span>{String(value)}</span>;
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums">
      {formatTime(date)}
    </time>
  );
}
