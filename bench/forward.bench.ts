// Forwarding mode's cost: the same "before" callbacks sent straight to a no-op backend and through
// Recall Monitor (IM_FORWARD_URL) to that backend, same run, alternating rounds. The backend runs in
// a child process so it does not share this process (the load generator) with its own CPU.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { median, startBenchServer } from "@/bench/support";
import { parseFlags, UsageError } from "@/scripts/cli";
import { freePort } from "@/tests/support/app";

export const usage = `
forward: callbacks through Recall Monitor to a local no-op backend vs. straight to it, 20 connections, alternating rounds;
         also Recall Monitor with forwarding off and a no-op Next.js route, to tell forwarding's cost from Next.js's
         and both paths again at one connection (the latency one callback gains when nothing is queued)
  --duration <s>      seconds per path and round (default 8)
  --rounds <n>        rounds; medians are reported (default 3)
  --cpu-prof <dir>    write a V8 CPU profile of the forwarding server into <dir> (open it in Chrome DevTools)
`;

const APP_ID = "1400000001";
const COMMAND = "C2C.CallbackBeforeSendMsg";
const QUERY = `?SdkAppid=${APP_ID}&CallbackCommand=${COMMAND}&contenttype=json&ClientIP=203.0.113.7&OptPlatform=iOS`;
const BODY = JSON.stringify({
  CallbackCommand: COMMAND,
  From_Account: "alice",
  To_Account: "bob",
  MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "hello" } }],
});

// The backend's answer differs from Recall Monitor's own OK, so a fallback (IM_FORWARD_ON_FAILURE
// answers 200 too) counts as an error instead of passing for the backend's answer.
const BACKEND_ANSWER = '{"ActionStatus":"OK","ErrorInfo":"from the backend","ErrorCode":0}';
const OWN_OK = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';
const BACKEND = `
const http = require("node:http");
const ok = ${JSON.stringify(BACKEND_ANSWER)};
http.createServer((req, res) => { req.resume(); req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(ok)); })
  .listen(Number(process.argv[1]), "127.0.0.1", () => console.log("ready"));
`;

async function startBackend(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-e", BACKEND, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the no-op backend exited with ${code}`)));
    child.stdout?.once("data", () => resolve());
  });
  return child;
}

const cpuText = (f: { cpuMsPerRequest: number | undefined }) => (f.cpuMsPerRequest === undefined ? "n/a" : f.cpuMsPerRequest.toFixed(3));

type Figures = { reqPerSec: number; p50: number; p99: number; errors: number; cpuMsPerRequest: number | undefined };
/** `cpuMs`: CPU time used so far by the process that answers the path (not the load generator). */
type Path = { url: string; method: "POST" | "GET"; expect: string | null; cpuMs(): number | undefined };

/** A process's CPU time (user + system) from /proc, in ms; undefined where /proc is missing. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ ticks of 10 ms
  } catch {
    return undefined;
  }
}

async function run(path: Path, duration: number, connections = 20): Promise<Figures> {
  let wrongBodies = 0;
  const cpuBefore = path.cpuMs();
  const r = await autocannon({
    url: path.url,
    connections,
    duration,
    requests: [
      {
        method: path.method,
        body: path.method === "POST" ? BODY : undefined,
        onResponse: (status, body) => {
          if (status === 200 && path.expect !== null && body !== path.expect) wrongBodies += 1;
        },
      },
    ],
  });
  const cpuAfter = path.cpuMs();
  const n = r["2xx"] + r.non2xx;
  // CPU per request is what a busy, shared machine distorts least: throughput and latency also
  // measure whoever else has the cores at that moment.
  const cpuMsPerRequest = cpuBefore === undefined || cpuAfter === undefined || n === 0 ? undefined : (cpuAfter - cpuBefore) / n;
  return {
    reqPerSec: n / duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx + wrongBodies,
    cpuMsPerRequest,
  };
}

export default async function main(args: string[]) {
  const flags = parseFlags(args, ["duration", "rounds", "cpu-prof"]);
  const duration = Number(flags.get("duration") ?? 8);
  const rounds = Number(flags.get("rounds") ?? 3);
  if (!Number.isInteger(duration) || duration < 1 || !Number.isInteger(rounds) || rounds < 1) {
    throw new UsageError("--duration and --rounds must be whole numbers above 0");
  }
  const backendPort = await freePort();
  const backend = await startBackend(backendPort);
  const backendUrl = `http://127.0.0.1:${backendPort}/im/callback`;
  const server = await startBenchServer({
    name: "forward",
    dialect: "sqlite",
    server: "serve",
    env: { IM_SDKAPPID: APP_ID, LOG_LEVEL: "error", IM_FORWARD_URL: backendUrl, AUTH_SECRET: randomBytes(32).toString("base64url") },
    cpuProfileDir: flags.get("cpu-prof"),
  }).catch((error: unknown) => {
    backend.kill("SIGTERM");
    throw error;
  });
  // The same callbacks answered by Recall Monitor without forwarding: what is forwarding's own cost
  // and what is Next.js's, which no backend choice changes.
  const plain = await startBenchServer({
    name: "forward-off",
    dialect: "sqlite",
    server: "serve",
    env: { IM_SDKAPPID: APP_ID, LOG_LEVEL: "error", AUTH_SECRET: randomBytes(32).toString("base64url") },
  }).catch(async (error: unknown) => {
    backend.kill("SIGTERM");
    await server.stop();
    throw error;
  });
  const paths: Record<string, Path> = {
    "straight to the backend": {
      url: `${backendUrl}${QUERY}`,
      method: "POST",
      expect: BACKEND_ANSWER,
      cpuMs: () => processCpuMs(backend.pid),
    },
    "through Recall Monitor": { url: `${server.url}/api/im/callback${QUERY}`, method: "POST", expect: BACKEND_ANSWER, cpuMs: server.cpuMs },
    "Recall Monitor, forwarding off": { url: `${plain.url}/api/im/callback${QUERY}`, method: "POST", expect: OWN_OK, cpuMs: plain.cpuMs },
    // The cheapest thing a Next.js route can do (liveness: a constant JSON), on the same server:
    // the ceiling any route handler has on this machine, forwarding or not.
    "no-op Next.js route": { url: `${server.url}/api/health/live`, method: "GET", expect: null, cpuMs: server.cpuMs },
  };
  try {
    const results = new Map<string, Figures[]>();
    for (const path of Object.values(paths)) await run(path, 2); // warm-up: compile, JIT, connections
    for (let round = 0; round < rounds; round++) {
      for (const [name, path] of Object.entries(paths)) {
        const f = await run(path, duration);
        results.set(name, [...(results.get(name) ?? []), f]);
        console.log(
          `  round ${round + 1} ${name}: ${Math.round(f.reqPerSec)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, CPU ${cpuText(f)} ms/request, errors ${f.errors}`,
        );
      }
    }
    // At 20 connections every path is saturated, so its p50 is mostly queueing. One connection
    // shows what passing through Recall Monitor adds to a single callback when nothing waits,
    // which is what IM sees at an app's real callback rate (far below this machine's ceiling).
    const single = new Map<string, Figures[]>();
    for (let round = 0; round < rounds; round++) {
      for (const name of ["straight to the backend", "through Recall Monitor"] as const) {
        const f = await run(paths[name], duration, 1);
        single.set(name, [...(single.get(name) ?? []), f]);
        console.log(
          `  round ${round + 1} ${name}, 1 connection: ${Math.round(f.reqPerSec)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, errors ${f.errors}`,
        );
      }
    }
    const summary = (name: string) => {
      const fs = results.get(name) ?? [];
      const cpu = fs.map((f) => f.cpuMsPerRequest);
      return {
        cpuMsPerRequest: cpu.every((c) => c !== undefined) ? median(cpu as number[]) : undefined,
        reqPerSec: median(fs.map((f) => f.reqPerSec)),
        p50: median(fs.map((f) => f.p50)),
        p99: median(fs.map((f) => f.p99)),
        errors: fs.reduce((n, f) => n + f.errors, 0),
      };
    };
    const singleP50 = (name: string) => median((single.get(name) ?? []).map((f) => f.p50));
    const singleErrors = [...single.values()].flat().reduce((n, f) => n + f.errors, 0);
    const direct = summary("straight to the backend");
    const through = summary("through Recall Monitor");
    const off = summary("Recall Monitor, forwarding off");
    const noop = summary("no-op Next.js route");
    console.log(`\n## Forwarding (${COMMAND}; medians of ${rounds} rounds x ${duration} s, 20 connections)\n`);
    console.log("| path | req/s | p50 ms | p99 ms | server CPU ms/request | errors |");
    console.log("|---|---|---|---|---|---|");
    for (const [name, s] of [
      ["straight to the backend", direct],
      ["through Recall Monitor", through],
      ["Recall Monitor, forwarding off", off],
      ["no-op Next.js route", noop],
    ] as const) {
      console.log(`| ${name} | ${Math.round(s.reqPerSec)} | ${s.p50} | ${s.p99} | ${cpuText(s)} | ${s.errors} |`);
    }
    const ratio = (a: Figures, b: Figures) => (a.reqPerSec / b.reqPerSec).toFixed(3);
    const added = (a: Figures, b: Figures) => `${a.p50 - b.p50 >= 0 ? "+" : ""}${(a.p50 - b.p50).toFixed(1)} ms`;
    // The target compares with a bare node:http server, which answers from one small
    // function; any Next.js route (routing, the Web Request/Response adapters) costs far more than
    // that on its own, so the last two lines are what forwarding itself adds.
    console.log(
      `\nIssue's target (through / straight to the backend): added p50 ${added(through, direct)}, throughput ratio ${ratio(through, direct)}`,
    );
    console.log(
      `Forwarding's own cost (through / forwarding off): added p50 ${added(through, off)}, throughput ratio ${ratio(through, off)}`,
    );
    if (through.cpuMsPerRequest !== undefined && off.cpuMsPerRequest !== undefined) {
      console.log(
        `Forwarding's own CPU (through minus forwarding off, Recall Monitor's process): ${(through.cpuMsPerRequest - off.cpuMsPerRequest).toFixed(3)} ms/request`,
      );
    }
    console.log(`Against the no-op Next.js route: added p50 ${added(through, noop)}, throughput ratio ${ratio(through, noop)}`);
    const addedSingle = singleP50("through Recall Monitor") - singleP50("straight to the backend");
    console.log(
      `One connection (no queueing): p50 ${singleP50("through Recall Monitor")} ms through Recall Monitor vs ${singleP50("straight to the backend")} ms straight, added p50 ${addedSingle.toFixed(1)} ms (target <= 5 ms), errors ${singleErrors}`,
    );
    console.log(
      `Errors (failures, non-2xx, or a 200 that was not the backend's answer, e.g. a fallback): ${through.errors + direct.errors + off.errors + singleErrors}`,
    );
  } finally {
    await Promise.all([server.stop(), plain.stop()]);
    backend.kill("SIGTERM");
  }
}
