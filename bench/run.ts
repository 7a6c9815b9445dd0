// npm run bench [-- <name> ...] [-- flags]: runs bench/<name>.bench.ts, every one (sorted) or the named ones.
import { readdirSync } from "node:fs";
import path from "node:path";
import { runScript, UsageError } from "@/scripts/cli";

type BenchModule = { default: (args: string[]) => Promise<void>; usage?: string };

const SUFFIX = ".bench.ts";
const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(SUFFIX))
  .map((f) => f.slice(0, -SUFFIX.length))
  .sort();

const load = (name: string) => import(path.join(import.meta.dirname, `${name}${SUFFIX}`)) as Promise<BenchModule>;

const usages = await Promise.all(available.map(async (name) => (await load(name)).usage?.trim() ?? name));

const USAGE = `
Usage: npm run bench [-- <name> ...] [--flag value ...]

Runs the named benchmarks, or all of them in name order. Flags after the names are passed to each
benchmark. Figures depend on the machine and its load: compare ratios measured in the same run.

Benchmarks:
${usages.map((u) => `  ${u.replace(/\n/g, "\n  ")}`).join("\n\n")}
`;

await runScript(USAGE, async (args) => {
  const firstFlag = args.findIndex((a) => a.startsWith("--"));
  const names = firstFlag === -1 ? args : args.slice(0, firstFlag);
  const flags = firstFlag === -1 ? [] : args.slice(firstFlag);
  for (const name of names) {
    if (!available.includes(name)) throw new UsageError(`No benchmark named ${JSON.stringify(name)}; available: ${available.join(", ")}`);
  }
  for (const name of names.length > 0 ? names : available) {
    console.log(`\n== ${name} ==`);
    await (await load(name)).default(flags);
  }
});
