// npm run bench [-- <name> ...] [--flag value ...]: runs bench/<name>.bench.ts, every one (in name
// order) or the named ones, collects the figures each returns (bench/results.ts), and ends with one
// table of figures, same-run baselines, ratios and targets, written also to bench/results/ as JSON.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runScript, UsageError } from "@/scripts/cli";
import { type BenchResult, type Figure, formatTable } from "./results";

type BenchModule = { default: (args: string[]) => Promise<BenchResult | undefined>; usage?: string };

const SUFFIX = ".bench.ts";
const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(SUFFIX))
  .map((f) => f.slice(0, -SUFFIX.length))
  .sort();

const load = (name: string) => import(path.join(import.meta.dirname, `${name}${SUFFIX}`)) as Promise<BenchModule>;

const usages = await Promise.all(available.map(async (name) => (await load(name)).usage?.trim() ?? name));

const USAGE = `
Usage: npm run bench [-- <name> ...] [--flag value ...]

Runs the named benchmarks, or all of them in name order, each with its same-run baseline, and ends
with one table of every figure against its target (met / MISSED). The result, with the machine
(CPUs, memory, load average), node version, date and git commit, is written to
bench/results/<date>-<commit>.json. Flags after the names go to every benchmark; each takes the
ones it knows. Figures depend on the machine and its load: judge by the ratios measured in the same
run, and by medians of rounds.

Common flags:
  --database sqlite|postgresql   the database of ingest, dashboard, export, ingest-load (default sqlite)
  --sizes 100000,1000000,10000000  data sizes of dashboard and export (growth); seeded once into
                                 bench/.cache/ (SQLite file, PostgreSQL template database)
  --no-save                      do not write bench/results/
  --help                         this text

Needs a production build (npx next build). PostgreSQL: the server of TEST_POSTGRES_URL
(default postgresql://postgres@127.0.0.1:5432/postgres).

Benchmarks:
${usages.map((u) => `  ${u.replace(/\n/g, "\n  ")}`).join("\n\n")}
`;

const git = (...args: string[]) => {
  try {
    return execFileSync("git", args, { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
};

const machine = () => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
});

await runScript(USAGE, async (args) => {
  const save = !args.includes("--no-save");
  const rest = args.filter((a) => a !== "--no-save");
  const firstFlag = rest.findIndex((a) => a.startsWith("--"));
  const names = firstFlag === -1 ? rest : rest.slice(0, firstFlag);
  const flags = firstFlag === -1 ? [] : rest.slice(firstFlag);
  for (const name of names) {
    if (!available.includes(name)) throw new UsageError(`No benchmark named ${JSON.stringify(name)}; available: ${available.join(", ")}`);
  }
  const started = new Date();
  const before = machine();
  const figures: Figure[] = [];
  const notes: string[] = [];
  const runs: { name: string; seconds: number; error?: string; printedOnly?: boolean }[] = [];
  for (const name of names.length > 0 ? names : available) {
    console.log(`\n== ${name} ==`);
    const t0 = performance.now();
    try {
      const result = await (await load(name)).default(flags);
      figures.push(...(result?.figures ?? []));
      notes.push(...(result?.notes ?? []).map((n) => `${name}: ${n}`));
      runs.push({ name, seconds: (performance.now() - t0) / 1000, printedOnly: result === undefined });
    } catch (error) {
      // One benchmark failing (a missing PostgreSQL, say) should not lose the others' figures.
      const message = error instanceof Error ? error.message : String(error);
      console.error(`${name} failed: ${message}`);
      runs.push({ name, seconds: (performance.now() - t0) / 1000, error: message });
    }
  }
  const after = machine();
  console.log(
    `\n== Summary (${started.toISOString()}, ${before.cpus} CPUs, load average ${before.loadAverage.join(" ")} -> ${after.loadAverage.join(" ")}) ==`,
  );
  if (figures.length > 0) console.log(formatTable(figures));
  for (const r of runs) {
    if (r.error) console.log(`${r.name}: FAILED: ${r.error}`);
    else if (r.printedOnly) console.log(`${r.name}: figures printed above only (this benchmark returns none to the runner)`);
  }
  for (const n of notes) console.log(`note: ${n}`);

  if (save) {
    const commit = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
    const dir = path.join(import.meta.dirname, "results");
    mkdirSync(dir, { recursive: true });
    const stamp = started
      .toISOString()
      .replace(/:/g, "")
      .replace(/\.\d+Z$/, "Z");
    const file = path.join(dir, `${stamp}-${commit}.json`);
    const result = {
      date: started.toISOString(),
      commit,
      dirty,
      args,
      machine: { ...before, loadAverageAtEnd: after.loadAverage },
      benchmarks: runs,
      figures,
      notes,
    };
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    // In the repository's JSON style, so that a committed result passes `biome ci`.
    try {
      execFileSync(path.join(process.cwd(), "node_modules", ".bin", "biome"), ["format", "--write", file], { stdio: "ignore" });
    } catch {}
    console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
  }
  if (runs.some((r) => r.error)) process.exitCode = 1;
});
