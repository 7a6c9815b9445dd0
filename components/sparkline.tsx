"use client";
// A tiny line of a user's unread counts, drawn as plain SVG: dozens of these sit in one table.
// `values` are equal time slices over the range; null where no count was reported (the line
// bridges those gaps).

import { useTranslations } from "next-intl";

export function Sparkline({ values, label }: { values: (number | null)[]; label: string }) {
  const t = useTranslations("charts");
  const width = 120;
  const height = 28;
  const known = values.flatMap((v, i) => (v === null ? [] : [{ i, v }]));
  if (known.length === 0) return <span className="text-xs text-slate-400">{t("noUnread")}</span>;
  const min = Math.min(...known.map((p) => p.v));
  const max = Math.max(...known.map((p) => p.v));
  const x = (i: number) => (values.length <= 1 ? width / 2 : (i / (values.length - 1)) * (width - 4) + 2);
  const y = (v: number) => (max === min ? height / 2 : height - 2 - ((v - min) / (max - min)) * (height - 4));
  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className="text-sky-600 dark:text-sky-400"
    >
      <title>{label}</title>
      {known.length === 1 ? (
        <circle cx={x(known[0]?.i ?? 0)} cy={y(known[0]?.v ?? 0)} r={2} fill="currentColor" />
      ) : (
        <polyline
          points={known.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ")}
          fill="none"
          stroke="currentColor"
          strokeWidth={1.5}
          strokeLinejoin="round"
        />
      )}
    </svg>
  );
}
