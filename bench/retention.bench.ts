// Callback latency while retention deletes: the same callback load with and without a retention run
// deleting old recalls from the same database, alternating, in one run. Target (issue 9): callback p99
// during retention within 1.5x of without.
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import { startBenchServer } from "@/bench/support";
import { RECALL_COMMAND } from "@/lib/im/recall-body";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { runRetention } from "@/lib/recalls/retention";
import { storeRecalls } from "@/lib/recalls/store";
import { parseFlags, UsageError } from "@/scripts/cli";

export const usage = `
retention: callback p50/p99 under load, alone and while a retention run deletes old recalls
  --old <n>             old recalls seeded per round for retention to delete (default 20000)
  --requests <n>        callbacks per measurement (default 3000)
  --connections <n>     concurrent connections (default 20)
  --rounds <n>          alternate without/with retention n times; medians reported (default 1)
  --database <d>        sqlite (default) or postgresql
The retention run is started from the benchmark process on the server's database (the same SQL,
batches and locks as the server's own background run); on SQLite the server's own run would also
take its event loop for each batch's few milliseconds, which this does not measure.
`;

const APP_ID = "1400000001";
const DAY = 86_400_000;

function positiveInt(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number above 0, got ${JSON.stringify(raw)}`);
  return n;
}

function oldRecalls(count: number, tag: string): NewRecall[] {
  const start = Date.now() - 120 * DAY;
  return Array.from({ length: count }, (_, i) => ({
    sdkAppId: APP_ID,
    fromAccount: `user_${(i * 7) % 2000}`,
    toAccount: `user_${(i * 13 + 1) % 2000}`,
    msgKey: `old_${tag}_${i}`,
    unreadMsgNum: i % 23,
    eventTime: null,
    receivedAt: new Date(start + i * 60_000),
    optPlatformRaw: "iOS",
    optPlatform: "iOS",
    clientIp: "203.0.113.9",
  }));
}

async function callbacks(url: string, amount: number, connections: number) {
  const run = randomBytes(3).toString("hex");
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    amount,
    timeout: 10,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const i = n++;
          return {
            ...request,
            path: `/api/im/callback?SdkAppid=${APP_ID}&CallbackCommand=${RECALL_COMMAND}&contenttype=json&OptPlatform=Android`,
            body: JSON.stringify({
              CallbackCommand: RECALL_COMMAND,
              From_Account: `user_${(i * 7) % 2000}`,
              To_Account: `user_${(i * 13 + 1) % 2000}`,
              MsgKey: `${i}_${run}`,
              UnreadMsgNum: i % 23,
            }),
          };
        },
      },
    ],
  });
  return { p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export default async function run(args: string[]): Promise<void> {
  const flags = parseFlags(args, ["old", "requests", "connections", "rounds", "database"]);
  const dialect = flags.get("database") ?? "sqlite";
  if (dialect !== "sqlite" && dialect !== "postgresql") throw new UsageError("--database must be sqlite or postgresql");
  const old = positiveInt(flags, "old", 20_000);
  const requests = positiveInt(flags, "requests", 3_000);
  const connections = positiveInt(flags, "connections", 20);
  const rounds = positiveInt(flags, "rounds", 1);

  const server = await startBenchServer({
    name: "retention",
    dialect,
    server: "serve",
    env: { IM_SDKAPPID: APP_ID, LOG_LEVEL: "error", AUTH_SECRET: "bench-secret-for-retention-0123456789abcdef" },
  });
  try {
    const db = await server.db();
    console.log(`  warming up (${requests} callbacks) ...`);
    await callbacks(server.url, requests, connections);
    const without: { p50: number; p99: number }[] = [];
    const during: { p50: number; p99: number }[] = [];
    for (let round = 1; round <= rounds; round++) {
      process.stdout.write(`  round ${round}: seeding ${old} old recalls ... `);
      const seed = oldRecalls(old, `${round}_${randomBytes(2).toString("hex")}`);
      for (let i = 0; i < seed.length; i += 500) await storeRecalls(db, seed.slice(i, i + 500));
      console.log("done");

      const alone = await callbacks(server.url, requests, connections);
      console.log(`    without retention: p50 ${alone.p50} ms, p99 ${alone.p99} ms, errors ${alone.errors}`);
      without.push(alone);

      const started = performance.now();
      let retentionMs = 0;
      const retention = runRetention(db, server.database, 30).then((r) => {
        retentionMs = performance.now() - started;
        return r;
      });
      const loaded = await callbacks(server.url, requests, connections);
      const loadMs = performance.now() - started;
      const result = await retention;
      console.log(
        `    during retention:  p50 ${loaded.p50} ms, p99 ${loaded.p99} ms, errors ${loaded.errors}; deleted ${result?.deleted ?? 0} in ${Math.round(retentionMs)} ms (load took ${Math.round(loadMs)} ms${retentionMs < loadMs ? ", retention ended first" : ""})`,
      );
      during.push(loaded);
    }
    const p99Without = median(without.map((m) => m.p99));
    const p99During = median(during.map((m) => m.p99));
    console.log(
      `  ${dialect}: median p99 without ${p99Without} ms, during retention ${p99During} ms, ratio ${(p99During / p99Without).toFixed(2)} (target <= 1.5)`,
    );
  } finally {
    await server.stop();
  }
}
