// Ingest throughput: POST /api/im/callback against the same pipeline without a database
// (/api/bench/parse-only) and against a route that answers OK without reading the request
// (/api/bench/no-op), one after the other on one production server, unique MsgKey per request.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import autocannon, { type AutocannonResult } from "autocannon";
import { ownFlags } from "@/bench/dashboard.bench";
import { type BenchResult, type Figure, figure } from "@/bench/results";
import { BENCH_DIR, type BenchServer, median, startBenchServer } from "@/bench/support";
import { RECALL_COMMAND } from "@/lib/im/recall-body";
import { parseFlags, UsageError } from "@/scripts/cli";

export const usage = `
ingest: callback route vs. parse-only baseline (same pipeline, no database) and a no-op route, 20 connections
  --duration <s>        seconds measured per route (default 15)
  --connections <n>     concurrent connections (default 20)
  --warmup <s>          seconds of warm-up per route before measuring (default 5)
  --rounds <n>          alternate baseline and callback n times; medians are reported (default 1)
  --database <d>        sqlite (default) or postgresql (a fresh database on TEST_POSTGRES_URL's server)
  --instances <n>       PostgreSQL: 2 (default) also spreads the load over two instances on one
                        database and compares with one instance, same run; 1 skips that
  --cpu-prof            write a V8 CPU profile of the server to bench/.tmp/
`;

const APP_ID = "1400000001";
const OK_BODY = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';
const PLATFORMS = ["Android", "iOS", "IOS", "Web", "Windows", "Mac", "IPad", "RESTAPI"];
const USERS = 2_000;

type Measured = {
  label: string;
  path: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  acknowledged: number;
  stored?: number;
  cpuMsPerRequest?: number;
};

function positiveInt(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number above 0, got ${JSON.stringify(raw)}`);
  return n;
}

/** Autocannon with a fresh recall per request; counts answers that are exactly Tencent's OK. */
async function load(server: BenchServer, route: string, connections: number, how: { duration: number } | { amount: number }) {
  const run = randomBytes(3).toString("hex");
  let n = 0;
  let acknowledged = 0;
  const started = performance.now();
  // autocannon resolves a fixed amount on its next one-second tick, up to a second after the last
  // response: rates come from the last response's time instead.
  let lastResponse = started;
  const result: AutocannonResult = await autocannon({
    url: server.url,
    connections,
    timeout: 10,
    ...how,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const i = n++;
          const platform = PLATFORMS[i % PLATFORMS.length] ?? "Android";
          return {
            ...request,
            path: `${route}?SdkAppid=${APP_ID}&CallbackCommand=${RECALL_COMMAND}&contenttype=json&ClientIP=203.0.113.${i % 250}&OptPlatform=${platform}`,
            // As IM sends it: no Content-Type header.
            body: JSON.stringify({
              CallbackCommand: RECALL_COMMAND,
              From_Account: `user_${(i * 7) % USERS}`,
              To_Account: `user_${(i * 13 + 1) % USERS}`,
              MsgKey: `${i}_${run}_${Math.floor(Date.now() / 1000)}`,
              UnreadMsgNum: i % 23,
            }),
          };
        },
        onResponse: (status, body) => {
          lastResponse = performance.now();
          if (status === 200 && body === OK_BODY) acknowledged++;
        },
      },
    ],
  });
  // No response at all (every request failed to connect): the whole time.
  const seconds = ((lastResponse > started ? lastResponse : performance.now()) - started) / 1000;
  return { result, acknowledged, seconds, ended: lastResponse };
}

async function countRecalls(server: BenchServer): Promise<number> {
  return (await server.db()).recall.count();
}

// The warm-up stops on time, leaving requests in flight that may still commit: wait until the
// count stops moving so they are not counted as the measured run's.
async function settledCount(server: BenchServer): Promise<number> {
  let last = await countRecalls(server);
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await countRecalls(server);
    if (now === last) return now;
    last = now;
  }
}

/** Runs the route for `seconds` so both routes are compiled and JIT-optimised before measuring; returns req/s. */
async function warmUp(server: BenchServer, route: string, seconds: number, connections: number): Promise<number> {
  process.stdout.write(`  warming up ${route} (${seconds} s) ... `);
  const warm = await load(server, route, connections, { duration: seconds });
  const rate = warm.result["2xx"] / warm.seconds;
  console.log(`${Math.round(rate)} req/s`);
  return rate;
}

async function measure(server: BenchServer, label: string, route: string, args: { amount: number; connections: number }) {
  const { amount } = args;
  process.stdout.write(`  measuring ${route}: ${amount} requests ... `);
  const before = await settledCount(server);
  const cpuBefore = server.cpuMs();
  const { result, acknowledged, seconds } = await load(server, route, args.connections, { amount });
  const cpuAfter = server.cpuMs();
  const stored = (await settledCount(server)) - before;
  const reqPerSec = (result["2xx"] + result.non2xx) / seconds;
  console.log(`${Math.round(reqPerSec)} req/s, p99 ${result.latency.p99} ms`);
  return {
    label,
    path: route,
    reqPerSec,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    acknowledged,
    stored,
    cpuMsPerRequest:
      cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / (result["2xx"] + result.non2xx),
  } satisfies Measured;
}

/** Several rounds of one route: medians of rates and latencies (a noisy neighbour hits one round, not all), sums of counts. */
function combine(rounds: Measured[]): Measured {
  const first = rounds[0];
  if (!first || rounds.length === 1) return first as Measured;
  const sum = (pick: (m: Measured) => number) => rounds.reduce((n, m) => n + pick(m), 0);
  const cpu = rounds.map((m) => m.cpuMsPerRequest);
  return {
    label: first.label,
    path: first.path,
    reqPerSec: median(rounds.map((m) => m.reqPerSec)),
    p50: median(rounds.map((m) => m.p50)),
    p99: median(rounds.map((m) => m.p99)),
    errors: sum((m) => m.errors),
    non2xx: sum((m) => m.non2xx),
    acknowledged: sum((m) => m.acknowledged),
    stored: sum((m) => m.stored ?? 0),
    cpuMsPerRequest: cpu.every((c) => c !== undefined) ? median(cpu as number[]) : undefined,
  };
}

/** Mean batch size from the commit queue's periodic "ingest_batches" log lines. */
function batchStats(logFile: string, text: string) {
  let batches = 0;
  let recalls = 0;
  let max = 0;
  let writeMs = 0;
  for (const line of text.split("\n")) {
    if (!line.includes('"ingest_batches"')) continue;
    try {
      const e = JSON.parse(line) as { batches: number; recalls: number; maxBatch: number; meanWriteMs: number };
      batches += e.batches;
      writeMs += e.meanWriteMs * e.batches;
      recalls += e.recalls;
      max = Math.max(max, e.maxBatch);
    } catch {}
  }
  return batches === 0
    ? `no batch statistics in ${logFile}`
    : `${batches} commits, ${(recalls / batches).toFixed(1)} recalls per commit on average, largest ${max}, ${(writeMs / batches).toFixed(1)} ms per commit on average`;
}

export default async function run(args: string[]): Promise<BenchResult> {
  const known = ["duration", "connections", "warmup", "database", "rounds", "instances"];
  const flags = parseFlags(ownFlags(args, known, ["cpu-prof"]), known);
  const duration = positiveInt(flags, "duration", 15);
  const connections = positiveInt(flags, "connections", 20);
  const warmup = positiveInt(flags, "warmup", 5);
  const rounds = positiveInt(flags, "rounds", 1);
  const dialect = flags.get("database") ?? "sqlite";
  if (dialect !== "sqlite" && dialect !== "postgresql")
    throw new UsageError(`--database must be sqlite or postgresql, got ${JSON.stringify(dialect)}`);

  const instances = positiveInt(flags, "instances", dialect === "postgresql" ? 2 : 1);
  if (instances > 2 || (instances === 2 && dialect !== "postgresql")) throw new UsageError("--instances 2 needs --database postgresql");

  const server = await startBenchServer({
    name: "ingest",
    dialect,
    env: { ENABLE_BENCH_ROUTES: "1", LOG_LEVEL: "info", IM_SDKAPPID: APP_ID },
    cpuProfileDir: args.includes("--cpu-prof") ? BENCH_DIR : undefined,
  });
  let rows: Measured[];
  let spread:
    | { one: number; two: number; oneP99: number; twoP99: number; acknowledged: number; stored: number; errors: number }
    | undefined;
  try {
    console.log(
      `ingest: next start (production build), ${dialect === "sqlite" ? "SQLite WAL, synchronous=FULL" : "PostgreSQL"}, ` +
        `${connections} connections, ~${duration} s per route after ${warmup} s warm-up, LOG_LEVEL=info (log to ${server.logFile})`,
    );
    const NOOP = "/api/bench/no-op";
    const BASELINE = "/api/bench/parse-only";
    const CALLBACK = "/api/im/callback";
    await warmUp(server, NOOP, warmup, connections);
    const warmRate = Math.max(await warmUp(server, BASELINE, warmup, connections), await warmUp(server, CALLBACK, warmup, connections));
    // A fixed number of requests rather than a fixed time: stopping on time would cut requests in
    // flight, which the server may store unanswered. The same number for every route (about
    // --duration seconds at the faster warm-up rate), so fixed per-second costs weigh the same.
    const amount = Math.max(connections, Math.round((warmRate * duration) / connections) * connections);
    const noops: Measured[] = [];
    const baselines: Measured[] = [];
    const callbacks: Measured[] = [];
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1) console.log(`  round ${round} of ${rounds}`);
      noops.push(await measure(server, "no-op", NOOP, { amount, connections }));
      baselines.push(await measure(server, "baseline", BASELINE, { amount, connections }));
      callbacks.push(await measure(server, "callback", CALLBACK, { amount, connections }));
    }
    rows = [combine(noops), combine(baselines), combine(callbacks)];
    if (instances === 2) spread = await twoInstances(server, { amount, connections, rounds });
  } finally {
    await server.stop();
  }
  const [noop, baseline, callback] = rows as [Measured, Measured, Measured];

  const table = [
    ["route", "req/s", "p50 ms", "p99 ms", "errors", "non-2xx", "acknowledged", "stored", "server CPU ms/req"],
    ...rows.map((r) => [
      `${r.label} ${r.path}`,
      r.reqPerSec.toFixed(0),
      String(r.p50),
      String(r.p99),
      String(r.errors),
      String(r.non2xx),
      String(r.acknowledged),
      r.label === "callback" ? String(r.stored) : "-",
      r.cpuMsPerRequest === undefined ? "n/a" : r.cpuMsPerRequest.toFixed(2),
    ]),
  ];
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((row) => (row[i] ?? "").length)));
  for (const row of table)
    console.log(`  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ")}`);

  console.log(`  batching: ${batchStats(server.logFile, readFileSync(server.logFile, "utf8"))}`);
  const ratio = callback.reqPerSec / baseline.reqPerSec;
  const ofNoop = callback.reqPerSec / noop.reqPerSec;
  const clean = [noop, baseline, callback].every((r) => r.errors === 0 && r.non2xx === 0);
  const consistent = callback.stored === callback.acknowledged;
  const met = ratio >= 0.85 && ofNoop >= 0.8 && clean && consistent && callback.p99 <= 50;
  console.log(
    `  ratio callback/baseline ${ratio.toFixed(2)} (target >= 0.85), callback/no-op ${ofNoop.toFixed(2)} (target >= 0.8), ` +
      `callback p99 ${callback.p99} ms (target <= 50), ` +
      `errors ${callback.errors + callback.non2xx}, stored ${consistent ? "==" : "!="} acknowledged: target ${met ? "MET" : "NOT met"}`,
  );
  const conditions = [
    { label: "0 errors", ok: clean },
    { label: "stored == acknowledged", ok: consistent },
  ];
  const figures: Figure[] = [
    figure({
      benchmark: "ingest",
      database: dialect,
      case: `POST /api/im/callback, ${connections} connections`,
      metric: "throughput",
      unit: "req/s",
      value: callback.reqPerSec,
      baseline: { label: "parse-only route", value: baseline.reqPerSec },
      target: { of: "ratio", op: ">=", limit: 0.85 },
      conditions,
      note: `${rounds} round(s), medians; acknowledged ${callback.acknowledged}, stored ${callback.stored}`,
    }),
    figure({
      benchmark: "ingest",
      database: dialect,
      case: `POST /api/im/callback vs a no-op route, ${connections} connections`,
      metric: "throughput",
      unit: "req/s",
      value: callback.reqPerSec,
      baseline: { label: "no-op route", value: noop.reqPerSec },
      target: { of: "ratio", op: ">=", limit: 0.8 },
      conditions,
    }),
    figure({
      benchmark: "ingest",
      database: dialect,
      case: `POST /api/im/callback, ${connections} connections`,
      metric: "p99",
      unit: "ms",
      value: callback.p99,
      baseline: { label: "parse-only route", value: baseline.p99 },
      target: { of: "value", op: "<=", limit: 50 },
    }),
  ];
  if (spread) {
    const ok = spread.errors === 0 && spread.stored === spread.acknowledged;
    console.log(
      `  two instances on one PostgreSQL: ${Math.round(spread.two)} req/s vs one instance ${Math.round(spread.one)} req/s (x${(spread.two / spread.one).toFixed(2)}), p99 ${spread.twoP99} vs ${spread.oneP99} ms, errors ${spread.errors}, stored ${spread.stored} of ${spread.acknowledged} acknowledged`,
    );
    figures.push(
      figure({
        benchmark: "ingest",
        database: dialect,
        case: `two instances, ${connections / 2} connections each (one database)`,
        metric: "throughput",
        unit: "req/s",
        value: spread.two,
        baseline: { label: "one instance", value: spread.one },
        conditions: [
          { label: "0 errors", ok: spread.errors === 0 },
          { label: "stored == acknowledged", ok },
        ],
        note: `p99 ${spread.twoP99} ms (one instance ${spread.oneP99} ms); no target: ${os.cpus().length} CPUs shared by both instances, PostgreSQL and the load generator`,
      }),
    );
  }
  return { figures };
}

/**
 * The same load on one instance and spread over two on one PostgreSQL database (half the connections
 * each, started together), alternating rounds; medians. Both count towards stored == acknowledged.
 */
async function twoInstances(a: BenchServer, args: { amount: number; connections: number; rounds: number }) {
  const b = await startBenchServer({
    name: "ingest-b",
    dialect: "postgresql",
    database: a.database,
    env: { ENABLE_BENCH_ROUTES: "1", LOG_LEVEL: "info", IM_SDKAPPID: APP_ID },
  });
  try {
    const CALLBACK = "/api/im/callback";
    await load(b, CALLBACK, args.connections, { duration: 3 });
    const ones: { rate: number; p99: number }[] = [];
    const twos: { rate: number; p99: number }[] = [];
    let acknowledged = 0;
    let errors = 0;
    const before = await settledCount(a);
    for (let round = 1; round <= args.rounds; round++) {
      const one = await load(a, CALLBACK, args.connections, { amount: args.amount });
      ones.push({ rate: (one.result["2xx"] + one.result.non2xx) / one.seconds, p99: one.result.latency.p99 });
      acknowledged += one.acknowledged;
      errors += one.result.errors + one.result.timeouts + one.result.non2xx;
      const half = Math.max(1, args.connections / 2);
      const started = performance.now();
      const [x, y] = await Promise.all([
        load(a, CALLBACK, half, { amount: args.amount / 2 }),
        load(b, CALLBACK, half, { amount: args.amount / 2 }),
      ]);
      const seconds = (Math.max(x.ended, y.ended) - started) / 1000;
      twos.push({
        rate: (x.result["2xx"] + x.result.non2xx + y.result["2xx"] + y.result.non2xx) / seconds,
        p99: Math.max(x.result.latency.p99, y.result.latency.p99),
      });
      acknowledged += x.acknowledged + y.acknowledged;
      errors += x.result.errors + x.result.timeouts + x.result.non2xx + y.result.errors + y.result.timeouts + y.result.non2xx;
      console.log(
        `  round ${round}: one instance ${Math.round(ones.at(-1)?.rate ?? 0)} req/s, two instances ${Math.round(twos.at(-1)?.rate ?? 0)} req/s`,
      );
    }
    const stored = (await settledCount(a)) - before;
    return {
      one: median(ones.map((o) => o.rate)),
      two: median(twos.map((o) => o.rate)),
      oneP99: median(ones.map((o) => o.p99)),
      twoP99: median(twos.map((o) => o.p99)),
      acknowledged,
      stored,
      errors,
    };
  } finally {
    await b.stop();
  }
}
