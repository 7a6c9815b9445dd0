"use client";
import { useFormatter } from "next-intl";
import type { TooltipContentProps } from "recharts";
import { useFormatTime } from "@/lib/client/time-zone";

/** Hover values for the time-based charts: the time in the viewer's chosen zone, then each series. */
export function ChartTooltip({ active, payload, label }: Pick<TooltipContentProps, "active" | "payload" | "label">) {
  const formatTime = useFormatTime();
  const format = useFormatter();
  if (!active || !payload?.length) return null;
  const at = typeof label === "number" ? new Date(label) : typeof label === "string" ? new Date(label) : null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm shadow dark:border-slate-700 dark:bg-slate-900">
      {at && !Number.isNaN(at.getTime()) ? <p className="font-medium">{formatTime(at)}</p> : null}
      <ul>
        {payload.map((p) => (
          <li key={String(p.dataKey ?? p.name)} className="tabular-nums">
            <span aria-hidden="true" className="mr-1 inline-block size-2 rounded-full" style={{ background: p.color }} />
            {String(p.name)}: {typeof p.value === "number" ? format.number(p.value) : String(p.value)}
          </li>
        ))}
      </ul>
    </div>
  );
}

export const AXIS_TICK = { fill: "#94a3b8", fontSize: 12 };
export const COLORS = { primary: "#0ea5e9", secondary: "#f59e0b", grid: "#94a3b833" };
