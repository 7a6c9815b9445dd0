"use client";
import { useFormatter, useTranslations } from "next-intl";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, ChartTooltip, COLORS } from "@/components/chart-tooltip";
import { Timestamp } from "@/components/timestamp";
import { UserText } from "@/components/user-id";
import { useFormatTime } from "@/lib/client/time-zone";

type Point = { at: string; unreadMsgNum: number };

/**
 * The unread count reported with each recall the user received, over time. The same points are in
 * a data table under the chart (for screen readers and keyboard users; hovering is mouse-only).
 */
function sliceLength(ms: number): { n: number; unit: "minute" | "hour" | "day" } {
  if (ms < 3600_000) return { n: Math.max(1, Math.round(ms / 60_000)), unit: "minute" };
  if (ms < 48 * 3600_000) return { n: Math.round(ms / 3600_000), unit: "hour" };
  return { n: Math.round(ms / 86_400_000), unit: "day" };
}

export function UnreadTrendChart({
  userId,
  points,
  sampled,
}: {
  userId: string;
  points: Point[];
  /** Set when the range held too many recalls to send each report: one point per slice, its last count. */
  sampled?: { sliceMs: number; recalls: number } | null;
}) {
  const formatTime = useFormatTime();
  const t = useTranslations("charts");
  const format = useFormatter();
  const user = () => <UserText value={userId} />;
  const data = points.map((p) => ({ t: Date.parse(p.at), unread: p.unreadMsgNum }));
  // The axis spans the points (not the whole range), so label it at the points' own scale.
  const span = data.length ? (data[data.length - 1]?.t ?? 0) - (data[0]?.t ?? 0) : 0;
  const unit = span > 3 * 24 * 3600_000 ? "day" : span > 20 * 3600_000 ? "hour" : span > 10 * 60_000 ? "time" : "second";
  return (
    <figure data-testid="unread-chart" data-values={points.map((p) => p.unreadMsgNum).join(",")} className="space-y-2">
      {/* Hidden from assistive technology (the table below has the same points), so nothing in it
          may take focus: accessibilityLayer off removes recharts' tabindex. */}
      <div className="h-64 w-full" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke={COLORS.grid} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={["dataMin", "dataMax"]}
              tick={AXIS_TICK}
              tickFormatter={(t: number) => formatTime(new Date(t), unit)}
              minTickGap={24}
            />
            <YAxis allowDecimals={false} tick={AXIS_TICK} width={40} />
            <Tooltip content={(p) => <ChartTooltip active={p.active} payload={p.payload} label={p.label} />} />
            <Line
              type="stepAfter"
              dataKey="unread"
              name={t("unreadCount")}
              stroke={COLORS.primary}
              strokeWidth={2}
              dot={data.length <= 200}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-sm text-slate-500 dark:text-slate-400" data-testid="unread-caption">
        {sampled
          ? t.rich("sampledCaption", {
              count: sampled.recalls,
              recalls: format.number(sampled.recalls),
              user,
              ...sliceLength(sampled.sliceMs),
            })
          : t.rich("pointsCaption", { count: points.length, points: format.number(points.length), user })}
      </figcaption>
      <details className="text-sm">
        <summary className="focus-ring cursor-pointer rounded text-sky-700 dark:text-sky-400">{t("showPoints")}</summary>
        <div className="mt-2 max-h-72 overflow-auto">
          <table className="text-left" data-testid="unread-points">
            <caption className="sr-only">{t.rich("pointsTableCaption", { user })}</caption>
            <thead>
              <tr>
                <th scope="col" className="pr-6 font-medium">
                  {t("received")}
                </th>
                <th scope="col" className="text-right font-medium">
                  {sampled ? t("lastInSlice") : t("unreadCount")}
                </th>
              </tr>
            </thead>
            <tbody>
              {points.map((p, i) => (
                // Several reports can share one millisecond: the position keeps keys unique.
                // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced as a whole, never reordered
                <tr key={`${p.at}/${i}`}>
                  <td className="pr-6">
                    <Timestamp value={p.at} />
                  </td>
                  <td className="text-right tabular-nums">{p.unreadMsgNum}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
