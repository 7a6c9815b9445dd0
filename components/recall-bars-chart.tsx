"use client";
import { useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, ChartTooltip, COLORS } from "@/components/chart-tooltip";
import { Timestamp } from "@/components/timestamp";
import { useFormatTime } from "@/lib/client/time-zone";

export type BarSeries = { key: string; name: string }[];

/** Counts per hour or day as bars (one or two series), with the same numbers in a table below. */
export function RecallBarsChart<T extends { start: string }>({
  data,
  series,
  unit,
  caption,
  testId,
}: {
  data: (T & Record<string, number | string>)[];
  series: BarSeries;
  unit: "hour" | "day";
  caption: string;
  testId?: string;
}) {
  const formatTime = useFormatTime();
  const t = useTranslations("charts");
  const rows = data.map((d) => ({ ...d, t: Date.parse(d.start) }));
  const palette = [COLORS.primary, COLORS.secondary];
  return (
    <figure className="space-y-2" data-testid={testId}>
      {/* Hidden from assistive technology (the table below has the same numbers), so nothing in it
          may take focus: accessibilityLayer off removes recharts' tabindex. */}
      <div className="h-56 w-full" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke={COLORS.grid} vertical={false} />
            <XAxis dataKey="t" tick={AXIS_TICK} tickFormatter={(t: number) => formatTime(new Date(t), unit)} minTickGap={24} />
            <YAxis allowDecimals={false} tick={AXIS_TICK} width={40} />
            <Tooltip
              content={(p) => <ChartTooltip active={p.active} payload={p.payload} label={p.label} />}
              cursor={{ fill: COLORS.grid }}
            />
            {series.length > 1 ? <Legend /> : null}
            {series.map((s, i) => (
              <Bar key={s.key} dataKey={s.key} name={s.name} fill={palette[i % palette.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-sm text-slate-500 dark:text-slate-400">{caption}</figcaption>
      <details className="text-sm">
        <summary className="focus-ring cursor-pointer rounded text-sky-700 dark:text-sky-400">{t("showTable")}</summary>
        <div className="mt-2 max-h-72 overflow-auto">
          <table className="text-left">
            <caption className="sr-only">{caption}</caption>
            <thead>
              <tr>
                <th scope="col" className="pr-6 font-medium">
                  {unit === "hour" ? t("hourStarting") : t("dayStarting")}
                </th>
                {series.map((s) => (
                  <th key={s.key} scope="col" className="pr-6 text-right font-medium">
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.map((d) => (
                <tr key={d.start}>
                  <td className="pr-6">
                    <Timestamp value={d.start} />
                  </td>
                  {series.map((s) => (
                    <td key={s.key} className="pr-6 text-right tabular-nums">
                      {String(d[s.key] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
