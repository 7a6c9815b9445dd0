// What the custom server (scripts/serve.ts: client address, security headers and CSP nonce,
// malformed-path check, timeouts) costs per request against plain `next start`, same build, same
// run, alternating rounds: the callback pipeline without a database (/api/bench/parse-only) and a
// server-rendered page (/users).
import autocannon from "autocannon";
import { type BenchServer, median, startBenchServer } from "@/bench/support";
import { RECALL_COMMAND } from "@/lib/im/recall-body";
import { parseFlags, UsageError } from "@/scripts/cli";

export const usage = `
server: scripts/serve.ts vs. next start on the same build, 20 connections, alternating rounds
  --duration <s>   seconds per route, server and round (default 8)
  --rounds <n>     rounds; medians are reported (default 3)
`;

const APP_ID = "1400000001";
const BODY = JSON.stringify({ CallbackCommand: RECALL_COMMAND, From_Account: "a", To_Account: "b", MsgKey: "k", UnreadMsgNum: 1 });
const ROUTES = [
  {
    label: "callback pipeline (parse-only)",
    method: "POST" as const,
    path: `/api/bench/parse-only?SdkAppid=${APP_ID}&CallbackCommand=${RECALL_COMMAND}&contenttype=json`,
    body: BODY,
  },
  { label: "page /users (HTML)", method: "GET" as const, path: "/users" },
];

type Figures = { reqPerSec: number; p50: number; p99: number; cpuMsPerRequest: number | undefined; errors: number };

async function run(server: BenchServer, route: (typeof ROUTES)[number], duration: number): Promise<Figures> {
  const cpuBefore = server.cpuMs();
  const r = await autocannon({ url: server.url + route.path, method: route.method, body: route.body, connections: 20, duration });
  const cpuAfter = server.cpuMs();
  const n = r["2xx"] + r.non2xx;
  return {
    reqPerSec: n / duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuMsPerRequest: cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / n,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

export default async function main(args: string[]) {
  const flags = parseFlags(args, ["duration", "rounds"]);
  const duration = Number(flags.get("duration") ?? 8);
  const rounds = Number(flags.get("rounds") ?? 3);
  if (!Number.isInteger(duration) || duration < 1 || !Number.isInteger(rounds) || rounds < 1) {
    throw new UsageError("--duration and --rounds must be whole numbers above 0");
  }
  const env = { IM_SDKAPPID: APP_ID, ENABLE_BENCH_ROUTES: "1", LOG_LEVEL: "error" };
  const servers = {
    "next start": await startBenchServer({ name: "server-next-start", dialect: "sqlite", env }),
    "scripts/serve.ts": await startBenchServer({ name: "server-serve", dialect: "sqlite", env, server: "serve" }),
  };
  try {
    const results = new Map<string, Figures[]>();
    // Warm-up: both servers compile and JIT the routes before anything is measured.
    for (const server of Object.values(servers)) for (const route of ROUTES) await run(server, route, 2);
    for (let round = 0; round < rounds; round++) {
      for (const route of ROUTES) {
        for (const [name, server] of Object.entries(servers)) {
          const f = await run(server, route, duration);
          const key = `${route.label}|${name}`;
          results.set(key, [...(results.get(key) ?? []), f]);
          console.log(
            `  round ${round + 1} ${route.label}, ${name}: ${Math.round(f.reqPerSec)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, errors ${f.errors}`,
          );
        }
      }
    }
    console.log(`\n## Custom server cost (medians of ${rounds} rounds x ${duration} s, 20 connections, SQLite)\n`);
    console.log("| route | server | req/s | p50 ms | p99 ms | server CPU ms/request | errors |");
    console.log("|---|---|---|---|---|---|---|");
    for (const route of ROUTES) {
      for (const name of Object.keys(servers)) {
        const fs = results.get(`${route.label}|${name}`) ?? [];
        const cpu = fs.map((f) => f.cpuMsPerRequest).filter((v): v is number => v !== undefined);
        console.log(
          `| ${route.label} | ${name} | ${Math.round(median(fs.map((f) => f.reqPerSec)))} | ${median(fs.map((f) => f.p50))} | ${median(fs.map((f) => f.p99))} | ${cpu.length ? median(cpu).toFixed(3) : "n/a"} | ${fs.reduce((n, f) => n + f.errors, 0)} |`,
        );
      }
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
}
