// Dashboard read latency (the query benchmark) on seeded databases of each size (bench/dataset.ts:
// 100k, 1M and 10M recalls, seeded once and cached), on SQLite or PostgreSQL: the first page of the
// recall log with each single filter, the users list with each sort and for a 7-day range, a heavy
// user's 90-day trend and the overview, each over sequential signed-in requests to the production
// server (scripts/serve.ts, what `npm start` runs). Growth: each case's p95 against the smallest
// size's, same run. Ranges are relative to the newest recall (the data set has a fixed end).
import { pathToFileURL } from "node:url";
import { toDate } from "@/lib/db/values";
import { parseFlags, UsageError } from "@/scripts/cli";
import { startApp } from "@/tests/support/app";
import { datasetCopy } from "./dataset";
import { type BenchResult, type Dialect, type Figure, figure } from "./results";
import { ensureBuild, median } from "./support";

export const usage = `
dashboard [--database sqlite|postgresql] [--sizes 100000,1000000,10000000] [--requests 100] [--max-seconds 20] [--only recalls,users,users-7d,trend,overview]
  The query benchmark: p95 of each dashboard API case at each size against its target (recalls and
  users <= 50 ms, users for 7 days <= 100 ms, trend <= 100 ms, overview <= 200 ms), and growth of
  p95 against the smallest size. Each case: --requests sequential requests after 5 warm-up ones, or
  as many as fit in --max-seconds (at least 20).
`;

const TARGETS_MS = { recalls: 50, users: 50, "users-7d": 100, trend: 100, overview: 200 } as const;
type Group = keyof typeof TARGETS_MS;
type Case = { group: Group; name: string; path: string };
type Result = Case & { p50: number; p95: number; max: number; bytes: number; n: number };

const DAY_MS = 86_400_000;

type Db = Awaited<ReturnType<Awaited<ReturnType<typeof startApp>>["db"]>>;
type Inputs = Awaited<ReturnType<typeof inputs>>;

/** Inputs that exercise the heavy end: the busiest sender, recipient and IP, and a common platform. */
async function inputs(db: Db) {
  const one = async <T>(sql: string, ...params: unknown[]) => ((await db.$queryRawUnsafe<T[]>(sql, ...params))[0] ?? {}) as T;
  const newest = toDate((await one<{ t: unknown }>("SELECT MAX(received_at) AS t FROM recalls")).t).getTime();
  const heavySender = (await one<{ user_id: string }>("SELECT user_id FROM user_stats ORDER BY recalls_sent DESC LIMIT 1")).user_id;
  const heavyRecipient = (await one<{ user_id: string }>("SELECT user_id FROM user_stats ORDER BY recalls_received DESC LIMIT 1")).user_id;
  const heavy = (await one<{ user_id: string }>("SELECT user_id FROM user_stats ORDER BY recalls_sent + recalls_received DESC LIMIT 1"))
    .user_id;
  const ip = (
    await one<{ client_ip: string }>(
      `SELECT client_ip FROM recalls WHERE from_account = '${heavySender.replace(/'/g, "''")}' AND client_ip IS NOT NULL ORDER BY received_at DESC LIMIT 1`,
    )
  ).client_ip;
  const msgKey = (await one<{ msg_key: string }>("SELECT msg_key FROM recalls WHERE id = 1000")).msg_key;
  const sdkAppId = (await one<{ sdk_app_id: string }>("SELECT sdk_app_id FROM recalls WHERE id = 1")).sdk_app_id;
  const users = Number((await one<{ n: unknown }>("SELECT COUNT(*) AS n FROM user_stats")).n);
  return { newest, heavySender, heavyRecipient, heavy, ip, msgKey, sdkAppId, users };
}

function cases(i: Inputs): Case[] {
  const until = new Date(i.newest + 1).toISOString();
  const since90 = new Date(i.newest + 1 - 90 * DAY_MS).toISOString();
  const dayAgo = new Date(i.newest + 1 - DAY_MS).toISOString();
  const weekAgo = new Date(i.newest + 1 - 7 * DAY_MS).toISOString();
  const e = encodeURIComponent;
  const recalls = (name: string, query: string): Case => ({ group: "recalls", name, path: `/api/recalls?${query}` });
  return [
    recalls("no filter", ""),
    recalls("user (heaviest)", `user=${e(i.heavy)}`),
    recalls("from (heaviest sender)", `from=${e(i.heavySender)}`),
    recalls("to (heaviest recipient)", `to=${e(i.heavyRecipient)}`),
    recalls("platform=iOS", "platform=iOS"),
    recalls("platform=Unknown (rare)", "platform=Unknown"),
    recalls("ip (heaviest sender's)", `ip=${e(i.ip)}`),
    recalls("msgKey", `msgKey=${e(i.msgKey)}`),
    recalls("sdkAppId", `sdkAppId=${i.sdkAppId}`),
    recalls("since (last 24 h)", `since=${dayAgo}`),
    recalls("until (a week before the newest)", `until=${weekAgo}`),
    ...(["recallsSent", "recallsReceived", "lastUnreadMsgNum", "lastRecallAt", "userId"] as const).flatMap((sort) =>
      (["desc", "asc"] as const).map(
        (order): Case => ({ group: "users", name: `sort=${sort} ${order}`, path: `/api/users?sort=${sort}&order=${order}` }),
      ),
    ),
    { group: "users", name: "q=user_1 (prefix)", path: "/api/users?q=user_1" },
    { group: "users-7d", name: "sort=recallsSent, last 7 days", path: `/api/users?since=${weekAgo}&until=${until}` },
    {
      group: "trend",
      name: "heaviest user, 90 days, hour",
      path: `/api/users/${e(i.heavy)}/trend?since=${since90}&until=${until}&bucket=hour`,
    },
    {
      group: "trend",
      name: "heaviest user, 90 days, day",
      path: `/api/users/${e(i.heavy)}/trend?since=${since90}&until=${until}&bucket=day`,
    },
    {
      group: "trend",
      name: "heaviest recipient, 90 days, day",
      path: `/api/users/${e(i.heavyRecipient)}/trend?since=${since90}&until=${until}&bucket=day`,
    },
    { group: "overview", name: "90 days", path: `/api/overview?since=${since90}&until=${until}` },
    { group: "overview", name: "last 7 days (cuts the data)", path: `/api/overview?since=${weekAgo}&until=${until}` },
    { group: "overview", name: "last 24 hours", path: `/api/overview?since=${dayAgo}&until=${until}` },
  ];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function measure(
  url: string,
  c: Case,
  opts: { requests: number; maxSeconds: number },
  headers: Record<string, string>,
): Promise<Result> {
  let bytes = 0;
  const once = async () => {
    const started = performance.now();
    const res = await fetch(url + c.path, { headers });
    const body = await res.arrayBuffer();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`${c.path} answered ${res.status}: ${Buffer.from(body).toString().slice(0, 300)}`);
    bytes = body.byteLength;
    return ms;
  };
  for (let i = 0; i < 5; i++) await once();
  const times: number[] = [];
  const deadline = performance.now() + opts.maxSeconds * 1000;
  while (times.length < opts.requests && (times.length < 20 || performance.now() < deadline)) times.push(await once());
  times.sort((a, b) => a - b);
  return { ...c, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1) ?? Number.NaN, bytes, n: times.length };
}

const fmt = (ms: number) => ms.toFixed(1).padStart(7);

export function parseSizes(text: string | undefined, fallback: number[]): number[] {
  if (text === undefined) return fallback;
  const sizes = text.split(",").map((s) => Number(s.replace(/_/g, "")));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new UsageError("--sizes needs whole numbers >= 1000, comma-separated");
  return sizes;
}

export function parseDialect(text: string | undefined): Dialect {
  const d = text ?? "sqlite";
  if (d !== "sqlite" && d !== "postgresql") throw new UsageError(`--database must be sqlite or postgresql, got ${JSON.stringify(d)}`);
  return d;
}

/** The runner passes every benchmark the same flags: keep this one's, drop the rest. */
export function ownFlags(args: string[], known: readonly string[], switches: readonly string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    const name = a.startsWith("--") ? (a.slice(2).split("=")[0] ?? "") : "";
    if (switches.includes(name)) continue;
    const takesValue = !a.includes("=") && args[i + 1] !== undefined && !(args[i + 1] ?? "").startsWith("--");
    if (known.includes(name)) {
      out.push(a);
      if (takesValue) out.push(args[++i] ?? "");
    } else if (takesValue) i++;
  }
  return out;
}

export default async function runDashboardBench(args: string[]): Promise<BenchResult> {
  const flags = parseFlags(ownFlags(args, ["database", "sizes", "requests", "max-seconds", "only"]), [
    "database",
    "sizes",
    "requests",
    "max-seconds",
    "only",
  ]);
  const dialect = parseDialect(flags.get("database"));
  const sizes = parseSizes(flags.get("sizes"), [100_000, 1_000_000, 10_000_000]);
  const requests = Number(flags.get("requests") ?? 100);
  const maxSeconds = Number(flags.get("max-seconds") ?? 20);
  const only = (flags.get("only") ?? Object.keys(TARGETS_MS).join(",")).split(",");
  if (!Number.isInteger(requests) || requests < 20) throw new UsageError("--requests needs a whole number >= 20");
  ensureBuild();
  console.log(`\n## Dashboard read latency (${dialect}; sequential signed-in requests to the production server)`);
  const bySize = new Map<number, Result[]>();
  const notes: string[] = [];
  for (const size of sizes) {
    const copy = await datasetCopy(size, dialect);
    if (copy.seed.seedSeconds)
      notes.push(
        `${size.toLocaleString("en")} recalls (${dialect}) seeded with scripts/seed-bulk.ts in ${copy.seed.seedSeconds.toFixed(0)} s (${copy.seed.seededAt})`,
      );
    const app = await startApp({ database: copy, env: { LOG_LEVEL: "error", IM_SDKAPPID: "1400000000" } });
    try {
      const i = await inputs(await app.db());
      const headers = await app.cookieFor("admin");
      console.log(`\n### ${size.toLocaleString("en")} recalls, ${i.users.toLocaleString("en")} users (heaviest: ${i.heavy}), ${dialect}`);
      console.log(
        `${"group".padEnd(9)} ${"case".padEnd(36)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)} ${"max ms".padStart(7)} ${"n".padStart(4)} ${"KiB".padStart(6)}  target`,
      );
      // The machine's noise floor in the same run: a request that touches no database.
      const floor = await measure(
        app.url,
        { group: "recalls", name: "noise floor", path: "/api/health/live" },
        { requests, maxSeconds },
        headers,
      );
      console.log(
        `${"floor".padEnd(9)} ${"GET /api/health/live (no database)".padEnd(36)} ${fmt(floor.p50)} ${fmt(floor.p95)} ${fmt(floor.max)} ${String(floor.n).padStart(4)}`,
      );
      notes.push(
        `${dialect} ${size.toLocaleString("en")}: noise floor (GET /api/health/live, no database) p50 ${floor.p50.toFixed(1)} ms, p95 ${floor.p95.toFixed(1)} ms`,
      );
      const results: Result[] = [];
      for (const c of cases(i).filter((x) => only.includes(x.group))) {
        const r = await measure(app.url, c, { requests, maxSeconds }, headers);
        results.push(r);
        const target = TARGETS_MS[c.group];
        console.log(
          `${c.group.padEnd(9)} ${c.name.padEnd(36)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.max)} ${String(r.n).padStart(4)} ${(r.bytes / 1024).toFixed(0).padStart(6)}  p95 <= ${target}: ${r.p95 <= target ? "ok" : "MISSED"}`,
        );
      }
      bySize.set(size, results);
    } finally {
      await app.stop();
    }
  }
  const smallest = Math.min(...bySize.keys());
  const figures: Figure[] = [];
  for (const [size, results] of [...bySize.entries()].sort(([a], [b]) => a - b)) {
    for (const r of results) {
      const base = size === smallest ? undefined : bySize.get(smallest)?.find((x) => x.name === r.name && x.group === r.group);
      figures.push(
        figure({
          benchmark: "dashboard",
          case: `${r.path.split("?")[0]} ${r.name}`,
          database: dialect,
          size,
          metric: "p95",
          unit: "ms",
          value: r.p95,
          baseline: base ? { label: `at ${smallest.toLocaleString("en")}`, value: base.p95 } : undefined,
          target: { of: "value", op: "<=", limit: TARGETS_MS[r.group] },
          note: `p50 ${r.p50.toFixed(1)} ms, max ${r.max.toFixed(1)} ms, ${r.n} requests`,
        }),
      );
    }
  }
  const worst = (size: number, group: Group) => Math.max(...(bySize.get(size) ?? []).filter((r) => r.group === group).map((r) => r.p95));
  for (const size of bySize.keys()) {
    notes.push(
      `${dialect} ${size.toLocaleString("en")}: worst p95 recalls ${worst(size, "recalls").toFixed(1)} ms, users ${worst(size, "users").toFixed(1)} ms, users 7 days ${worst(size, "users-7d").toFixed(1)} ms; median p95 of all cases ${median((bySize.get(size) ?? []).map((r) => r.p95)).toFixed(1)} ms`,
    );
  }
  return { figures, notes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runDashboardBench(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
