// What a benchmark hands back to the runner (bench/run.ts): figures with their same-run baselines,
// ratios and targets, so that one table and one JSON file hold every benchmark's outcome.
import type { Config } from "@/lib/config";

export type Dialect = Config["database"]["dialect"];

/** `value` (or `ratio`, when `of` is "ratio") must be `op` `limit`. */
export type Target = { of: "value" | "ratio"; op: "<=" | ">="; limit: number };

export type Figure = {
  benchmark: string;
  /** What was measured, e.g. "/api/users sort=recallsSent desc". */
  case: string;
  database?: Dialect;
  /** Recalls in the database, for growth. */
  size?: number;
  /** e.g. "p95", "req/s", "rows/s". */
  metric: string;
  unit: string;
  value: number;
  /** The same-run comparison this figure is judged against. */
  baseline?: { label: string; value: number };
  /** value / baseline.value (or the inverse where stated in the case). */
  ratio?: number;
  target?: Target;
  /** Other conditions of the target (zero errors, stored == acknowledged), false when one failed. */
  conditions?: { label: string; ok: boolean }[];
  met?: boolean;
  note?: string;
};

export type BenchResult = { figures: Figure[]; notes?: string[] };

/** A figure with its ratio and verdict filled in. */
export function figure(f: Omit<Figure, "met" | "ratio"> & { ratio?: number }): Figure {
  const ratio = f.ratio ?? (f.baseline && f.baseline.value !== 0 ? f.value / f.baseline.value : undefined);
  let met: boolean | undefined;
  if (f.target) {
    const x = f.target.of === "ratio" ? ratio : f.value;
    met = x !== undefined && Number.isFinite(x) && (f.target.op === "<=" ? x <= f.target.limit : x >= f.target.limit);
    if (f.conditions?.some((c) => !c.ok)) met = false;
  }
  return { ...f, ratio, met };
}

const num = (n: number | undefined, unit = "") => {
  if (n === undefined || !Number.isFinite(n)) return "-";
  const text = Math.abs(n) >= 1000 ? Math.round(n).toLocaleString("en") : Math.abs(n) >= 10 ? n.toFixed(0) : n.toFixed(2);
  return unit ? `${text} ${unit}` : text;
};

const sizeText = (n: number | undefined) =>
  n === undefined ? "" : n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n);

export const targetText = (t: Target | undefined, unit: string) =>
  t === undefined ? "" : t.of === "ratio" ? `ratio ${t.op} ${t.limit}` : `${t.op} ${num(t.limit, unit)}`;

/** The one table at the end of a run. */
export function formatTable(figures: Figure[]): string {
  const rows = [
    ["benchmark", "db", "size", "case", "metric", "value", "baseline", "ratio", "target", "verdict"],
    ...figures.map((f) => [
      f.benchmark,
      f.database ?? "",
      sizeText(f.size),
      f.case,
      f.metric,
      num(f.value, f.unit),
      f.baseline ? `${num(f.baseline.value, f.unit)} (${f.baseline.label})` : "",
      f.ratio === undefined ? "" : f.ratio.toFixed(2),
      `${targetText(f.target, f.unit)}${f.conditions?.length ? ` & ${f.conditions.map((c) => c.label).join(" & ")}` : ""}`,
      f.met === undefined
        ? ""
        : f.met
          ? "met"
          : `MISSED${
              f.conditions?.some((c) => !c.ok)
                ? ` (${f.conditions
                    .filter((c) => !c.ok)
                    .map((c) => c.label)
                    .join(", ")})`
                : ""
            }`,
    ]),
  ];
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
