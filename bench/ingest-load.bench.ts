// Ingest under dashboard load: POST /api/im/callback throughput and p99 while 10 signed-in
// dashboard clients loop over the heaviest dashboard endpoints, as a ratio to the same route with no
// dashboard load, same run and server, alternating rounds (medians). On the 1M-recall data set
// (bench/dataset.ts), so that the dashboard's queries cost what they cost on a real database. The
// receiver must stay isolated from the dashboard: its answers within IM's 2 s timeout, no errors.
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { toDate } from "@/lib/db/values";
import { RECALL_COMMAND } from "@/lib/im/recall-body";
import { parseFlags, UsageError } from "@/scripts/cli";
import { startApp, type TestApp } from "@/tests/support/app";
import { ownFlags, parseDialect } from "./dashboard.bench";
import { datasetCopy } from "./dataset";
import { type BenchResult, figure } from "./results";
import { ensureBuild, median } from "./support";

export const usage = `
ingest-load [--database sqlite|postgresql] [--size 1000000] [--clients 10] [--duration 10] [--rounds 3] [--connections 20]
  Callback throughput and p99 with --clients dashboard clients looping over the heaviest endpoints
  (recall log unfiltered and by the heaviest user, users for 7 days and by sort, the 90-day overview
  and trend), as a ratio to no dashboard load, same run; on the --size data set.
  Target: ratio >= 0.7, p99 <= 500 ms, zero errors, stored == acknowledged.
`;

const APP_ID = "1400000001";
const OK_BODY = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';
const DAY_MS = 86_400_000;

const int = (flags: Map<string, string>, name: string, fallback: number) => {
  const raw = flags.get(name);
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number above 0`);
  return n;
};

/** A fixed number of callbacks (so none is cut in flight), each a new recall; counts exact OKs. */
async function callbacks(url: string, connections: number, how: { amount: number } | { duration: number }) {
  const run = randomBytes(3).toString("hex");
  let n = 0;
  let acknowledged = 0;
  const started = performance.now();
  // autocannon resolves a fixed amount on its next one-second tick, up to a second after the last
  // response: rates come from the last response's time instead.
  let lastResponse = started;
  const result = await autocannon({
    url,
    connections,
    timeout: 10,
    ...how,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const i = n++;
          return {
            ...request,
            path: `/api/im/callback?SdkAppid=${APP_ID}&CallbackCommand=${RECALL_COMMAND}&contenttype=json&ClientIP=203.0.113.${i % 250}&OptPlatform=Android`,
            body: JSON.stringify({
              CallbackCommand: RECALL_COMMAND,
              From_Account: `load_${(i * 7) % 2000}`,
              To_Account: `load_${(i * 13 + 1) % 2000}`,
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
  return {
    rate: (result["2xx"] + result.non2xx) / seconds,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    acknowledged,
  };
}

async function heavyPaths(app: TestApp): Promise<string[]> {
  const db = await app.db();
  const one = async <T>(sql: string) => ((await db.$queryRawUnsafe<T[]>(sql))[0] ?? {}) as T;
  const newest = toDate((await one<{ t: unknown }>("SELECT MAX(received_at) AS t FROM recalls")).t).getTime() + 1;
  const heavy = (await one<{ user_id: string }>("SELECT user_id FROM user_stats ORDER BY recalls_sent + recalls_received DESC LIMIT 1"))
    .user_id;
  const until = new Date(newest).toISOString();
  const week = new Date(newest - 7 * DAY_MS).toISOString();
  const since90 = new Date(newest - 90 * DAY_MS).toISOString();
  const e = encodeURIComponent;
  return [
    "/api/recalls",
    `/api/recalls?user=${e(heavy)}`,
    `/api/users?since=${week}&until=${until}`,
    "/api/users?sort=lastUnreadMsgNum&order=desc",
    `/api/overview?since=${since90}&until=${until}`,
    `/api/users/${e(heavy)}/trend?since=${since90}&until=${until}&bucket=day`,
    "/api/recalls?platform=iOS",
  ];
}

/** `clients` loops, each walking the paths from its own offset, until stop() is called. */
function dashboardLoad(url: string, paths: string[], clients: number, headers: Record<string, string>) {
  let running = true;
  let requests = 0;
  const failures = new Map<string, number>();
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = c; running; i++) {
      const p = paths[i % paths.length] ?? "/api/recalls";
      try {
        const res = await fetch(url + p, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) failures.set(`${res.status}`, (failures.get(`${res.status}`) ?? 0) + 1);
      } catch (error) {
        failures.set(String(error), (failures.get(String(error)) ?? 0) + 1);
      }
      requests++;
    }
  });
  const started = performance.now();
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { requests, perSecond: requests / ((performance.now() - started) / 1000), failures: Object.fromEntries(failures) };
    },
  };
}

async function settledCount(app: TestApp, sdkAppId: string): Promise<number> {
  const db = await app.db();
  let last = await db.recall.count({ where: { sdkAppId } });
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await db.recall.count({ where: { sdkAppId } });
    if (now === last) return now;
    last = now;
  }
}

export default async function run(args: string[]): Promise<BenchResult> {
  const known = ["database", "size", "clients", "duration", "rounds", "connections"];
  const flags = parseFlags(ownFlags(args, known), known);
  const dialect = parseDialect(flags.get("database"));
  const size = int(flags, "size", 1_000_000);
  const clients = int(flags, "clients", 10);
  const duration = int(flags, "duration", 10);
  const rounds = int(flags, "rounds", 3);
  const connections = int(flags, "connections", 20);
  ensureBuild();
  const copy = await datasetCopy(size, dialect);
  const app = await startApp({ database: copy, env: { LOG_LEVEL: "error", IM_SDKAPPID: `${APP_ID},1400000000` } });
  try {
    const headers = await app.cookieFor("admin");
    const paths = await heavyPaths(app);
    console.log(
      `ingest-load: ${dialect}, ${size.toLocaleString("en")} recalls, ${connections} callback connections, ${clients} dashboard clients over ${paths.length} endpoints`,
    );
    // Warm-up of both the receiver and the dashboard routes.
    const warmLoad = dashboardLoad(app.url, paths, clients, headers);
    const warm = await callbacks(app.url, connections, { duration: 5 });
    await warmLoad.stop();
    const amount = Math.max(connections, Math.round((warm.rate * 1.5 * duration) / connections) * connections);
    const before = await settledCount(app, APP_ID);
    const quiet: Awaited<ReturnType<typeof callbacks>>[] = [];
    const loaded: Awaited<ReturnType<typeof callbacks>>[] = [];
    const dashboard: Awaited<ReturnType<ReturnType<typeof dashboardLoad>["stop"]>>[] = [];
    for (let round = 1; round <= rounds; round++) {
      quiet.push(await callbacks(app.url, connections, { amount }));
      const load = dashboardLoad(app.url, paths, clients, headers);
      await new Promise((r) => setTimeout(r, 500));
      loaded.push(await callbacks(app.url, connections, { amount }));
      dashboard.push(await load.stop());
      const q = quiet.at(-1);
      const l = loaded.at(-1);
      const d = dashboard.at(-1);
      console.log(
        `  round ${round}: no load ${Math.round(q?.rate ?? 0)} req/s p99 ${q?.p99} ms; with ${clients} dashboard clients ${Math.round(l?.rate ?? 0)} req/s p99 ${l?.p99} ms max ${l?.max} ms (dashboard ${Math.round(d?.perSecond ?? 0)} req/s, failures ${JSON.stringify(d?.failures)})`,
      );
    }
    const stored = (await settledCount(app, APP_ID)) - before;
    const acknowledged = [...quiet, ...loaded].reduce((n, r) => n + r.acknowledged, 0);
    const errors = [...quiet, ...loaded].reduce((n, r) => n + r.errors, 0);
    const rate = median(loaded.map((r) => r.rate));
    const p99 = median(loaded.map((r) => r.p99));
    const maxLatency = Math.max(...loaded.map((r) => r.max));
    const conditions = [
      { label: "0 errors", ok: errors === 0 },
      { label: "stored == acknowledged", ok: stored === acknowledged },
    ];
    const common = { benchmark: "ingest-load", database: dialect, size } as const;
    const dashboardRate = median(dashboard.map((d) => d.perSecond));
    return {
      figures: [
        figure({
          ...common,
          case: `callbacks with ${clients} dashboard clients`,
          metric: "throughput",
          unit: "req/s",
          value: rate,
          baseline: { label: "no dashboard load", value: median(quiet.map((r) => r.rate)) },
          target: { of: "ratio", op: ">=", limit: 0.7 },
          conditions,
          note: `${rounds} rounds of ${amount} callbacks each, medians; dashboard served ${Math.round(dashboardRate)} req/s meanwhile; stored ${stored} of ${acknowledged} acknowledged, ${errors} errors`,
        }),
        figure({
          ...common,
          case: `callbacks with ${clients} dashboard clients`,
          metric: "p99",
          unit: "ms",
          value: p99,
          baseline: { label: "no dashboard load", value: median(quiet.map((r) => r.p99)) },
          target: { of: "value", op: "<=", limit: 500 },
          conditions: [{ label: "max < 2 s", ok: maxLatency < 2000 }],
          note: `max ${maxLatency} ms`,
        }),
      ],
    };
  } finally {
    await app.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
