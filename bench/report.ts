// Markdown tables from bench/results/*.json (for docs/benchmarks.md): every figure with its verdict,
// and the growth table (p95 or rows/s per case and database at each size).
//   npx tsx bench/report.ts bench/results/<file>.json ...
import { readFileSync } from "node:fs";
import { runScript } from "@/scripts/cli";
import type { Figure } from "./results";

const USAGE = `
Usage: npx tsx bench/report.ts <result.json> ...

Prints Markdown tables of the figures in the given bench/results files: the figures that have no
size (ingest, ingest-load, live), and the growth table of the dashboard and export figures by size.
`;

type Result = { date: string; commit: string; machine: { loadAverage: number[]; loadAverageAtEnd: number[] }; figures: Figure[] };

const n = (v: number) => (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en") : Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(2));
const size = (s: number) => (s >= 1_000_000 ? `${s / 1_000_000}M` : `${s / 1000}k`);

runScript(USAGE, async (files) => {
  const results = files.map((f) => ({ file: f, ...(JSON.parse(readFileSync(f, "utf8")) as Result) }));
  console.log("| run | commit | load average (start -> end) |\n|---|---|---|");
  for (const r of results)
    console.log(`| ${r.date} | ${r.commit} | ${r.machine.loadAverage.join(" ")} -> ${r.machine.loadAverageAtEnd.join(" ")} |`);
  const all = results.flatMap((r) => r.figures);
  console.log("\n| benchmark | db | size | case | metric | value | baseline | ratio | verdict |\n|---|---|---|---|---|---|---|---|---|");
  for (const f of all.filter((x) => x.benchmark !== "dashboard")) {
    console.log(
      `| ${f.benchmark} | ${f.database ?? ""} | ${f.size ? size(f.size) : ""} | ${f.case} | ${f.metric} | ${n(f.value)} ${f.unit} | ${f.baseline ? `${n(f.baseline.value)} (${f.baseline.label})` : ""} | ${f.ratio === undefined ? "" : f.ratio.toFixed(2)} | ${f.met === undefined ? "" : f.met ? "met" : "**missed**"} |`,
    );
  }
  const growth = all.filter((f) => f.size !== undefined && (f.benchmark === "dashboard" || f.metric === "rows/s"));
  const sizes = [...new Set(growth.map((f) => f.size ?? 0))].sort((a, b) => a - b);
  const dbs = [...new Set(growth.map((f) => f.database ?? ""))];
  const cases = [...new Set(growth.map((f) => `${f.benchmark}|${f.case}|${f.metric}`))];
  console.log(`\n| case | metric | ${dbs.flatMap((d) => sizes.map((s) => `${d} ${size(s)}`)).join(" | ")} |`);
  console.log(`|---|---|${dbs.flatMap(() => sizes.map(() => "---")).join("|")}|`);
  for (const c of cases) {
    const [benchmark, name, metric] = c.split("|");
    const cells = dbs.flatMap((d) =>
      sizes.map((s) => {
        const f = growth.find(
          (x) => x.benchmark === benchmark && x.case === name && x.metric === metric && x.database === d && x.size === s,
        );
        return f ? `${n(f.value)}${f.met === false ? " ✗" : ""}` : "-";
      }),
    );
    const unit = growth.find((x) => `${x.benchmark}|${x.case}|${x.metric}` === c)?.unit ?? "";
    console.log(`| ${name} | ${metric} (${unit}) | ${cells.join(" | ")} |`);
  }
});
