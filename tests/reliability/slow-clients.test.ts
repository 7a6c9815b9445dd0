// Slow and many clients: 500 connections held open at once while signed callbacks keep coming.
// Some send a callback's body a byte per second, some send their headers a byte per second
// (slowloris), and the rest are live streams of the recall log (/api/recalls/stream, signed in as
// staff by session or API token, with the filters dashboards use) that are opened and never read.
// Every callback of the steady load must be answered OK within IM's 2 s timeout and stored (a
// callback answered later is one IM gave up on), health must keep answering, a dashboard that does
// read its stream must still get every matching recall, and once the slow clients are gone the
// server must have let go of their connections and live streams, with memory bounded (see
// RSS_BOUND_MB). A behavioural bound, IM's own timeout, not a performance figure; the latencies,
// the server's own timing, CPU and (PostgreSQL) transactions are printed for comparison.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/api-tokens";
import { MAX_BUFFERED_BYTES } from "@/lib/recalls/stream";
import type { Rng } from "@/lib/simulator/traffic";
import { startApp, type TestApp } from "../support/app";
import { createTestStaff, signInCookie } from "../support/auth";
import { createTestDatabase } from "../support/databases";
import { callbackUrl, RECALL } from "../support/im";
import { openSse, type SseConnection } from "../support/sse";
import type { DriverOptions } from "./slow-clients-driver";
import {
  type Delivery,
  expectAllAcknowledgedStored,
  rssMb,
  type SentRecall,
  scale,
  seededRng,
  settledRssMb,
  sleep,
  watchEventLoop,
  watchHealthFromChild,
} from "./support";

let app: TestApp | undefined;
const drivers = new Set<ChildProcess>();
const streams: SseConnection[] = [];
afterEach(async () => {
  for (const d of drivers) d.kill("SIGKILL");
  drivers.clear();
  for (const s of streams.splice(0)) s.close();
  await app?.stop();
  app = undefined;
});

const CONNECTIONS = 500;
/** Of which: live streams never read. STREAM_MAX_CLIENTS (200) bounds them per instance, 10 per session or token. */
const STREAMS = 150;
const STREAMS_PER_OWNER = 10;
/** Owners that sign in (the rest use API tokens); sign-ins are rate-limited per address. */
const SESSION_OWNERS = 3;
/** The rest: half trickle a callback's body, half their headers. */
const TRICKLERS = CONNECTIONS - STREAMS;
const DURATION_MS = scale(10_000, 300_000);
/** The warm-up wave: every kind of slow client connected and served for a while. */
const WARM_WAVE_MS = 4_000;
const IM_TIMEOUT_MS = 2_000;
/** IM_CALLBACK_TOKEN: every callback, slow or not, is signed as IM signs it. */
const TOKEN = "slow-clients-callback-token";
const PLATFORMS = ["iOS", "Android", "Web"];

/**
 * `concurrency` senders posting fresh signed recalls, as IM does, until stopped; remembers how long
 * each answer took and which were answered OK.
 */
function signedLoad(base: string, options: { concurrency: number; prefix: string; rng: Rng; users: number }) {
  const acknowledged: SentRecall[] = [];
  const outcomes = new Map<string, number>();
  const started = performance.now();
  /** Every answer, with when it was asked (ms after the load started). */
  const history: (Delivery & { at: number })[] = [];
  let stopped = false;
  let next = 0;
  const sender = async () => {
    while (!stopped) {
      const r: SentRecall = {
        fromAccount: `u${Math.floor(options.rng() * options.users)}`,
        toAccount: `u${Math.floor(options.rng() * options.users)}`,
        msgKey: `${options.prefix}_${next++}`,
        unreadMsgNum: Math.floor(options.rng() * 50),
      };
      const platform = PLATFORMS[Math.floor(options.rng() * PLATFORMS.length)] ?? "iOS";
      const body = JSON.stringify({
        CallbackCommand: RECALL,
        From_Account: r.fromAccount,
        To_Account: r.toAccount,
        MsgKey: r.msgKey,
        UnreadMsgNum: r.unreadMsgNum,
      });
      const asked = performance.now();
      let d: Delivery;
      try {
        const res = await fetch(callbackUrl(base, { token: TOKEN, optPlatform: platform }), {
          method: "POST",
          body,
          signal: AbortSignal.timeout(10_000),
        });
        const answer = (await res.json().catch(() => ({}))) as { ActionStatus?: string };
        d = {
          status: res.status,
          ok: res.status === 200 && answer.ActionStatus === "OK",
          ms: performance.now() - asked,
          actionStatus: answer.ActionStatus,
        };
      } catch (error) {
        d = { status: 0, ok: false, ms: performance.now() - asked, error: error instanceof Error ? error.name : String(error) };
      }
      history.push({ ...d, at: asked - started });
      const label = d.ok ? "OK" : d.status === 0 ? `no answer (${d.error ?? "?"})` : `HTTP ${d.status}`;
      outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
      if (d.ok) acknowledged.push(r);
    }
  };
  const running = Promise.all(Array.from({ length: options.concurrency }, sender));
  return {
    acknowledged,
    outcomes,
    history,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

/**
 * Memory. While they are open, unread streams may cost up to MAX_BUFFERED_BYTES each (past it the
 * server drops the stream) and slow requests a few bytes each, so the server's RSS may grow by up
 * to that much (and some slack). Once the clients are gone none of it is needed, but V8 returns an
 * idle heap only at its next full collection, which a server with nothing to do may not run for
 * minutes (seen on SQLite: heap used unchanged 30 s after the clients left). So RSS is required to
 * stay within that bound and to stop growing once they have left, not to be back at its baseline;
 * the figures are printed.
 */
const RSS_BOUND_MB = (STREAMS * MAX_BUFFERED_BYTES) / 2 ** 20 + 50;
/** Growth allowed after the clients have left (a late allocation, not a leak). */
const RSS_AFTER_SLACK_MB = 16;

/** The server's established connections: sockets on its port in /proc/net/tcp (loopback, IPv4). */
function serverConnections(url: string): number {
  const port = Number(new URL(url).port).toString(16).toUpperCase().padStart(4, "0");
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .filter((line) => {
      const [, local, , state] = line.trim().split(/\s+/);
      return local?.endsWith(`:${port}`) && state === "01";
    }).length;
}

/** CPU seconds the server process (all its threads) has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Starts tests/reliability/slow-clients-driver.ts: `opened` resolves with the unread streams'
 * statuses once they are open; `stop()` ends every slow client and resolves with how the slow
 * requests ended.
 */
function startDriver(options: DriverOptions) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join("tests", "reliability", "slow-clients-driver.ts"), JSON.stringify(options)],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  drivers.add(child);
  const reports: { opened?: Record<string, number>; trickled?: Record<string, number> }[] = [];
  let buffered = "";
  child.stdout?.on("data", (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const l of lines) reports.push(JSON.parse(l) as (typeof reports)[number]);
  });
  let exitCode: number | null | undefined;
  child.once("close", (code) => {
    exitCode = code;
    drivers.delete(child);
  });
  const reported = async (key: "opened" | "trickled") => {
    for (;;) {
      const found = reports.find((r) => r[key])?.[key];
      if (found) return found;
      if (exitCode !== undefined) throw new Error(`the slow-clients driver exited with ${exitCode} before reporting ${key}`);
      await sleep(100);
    }
  };
  return {
    opened: reported("opened"),
    stop: () => {
      child.stdin?.end("stop");
      return reported("trickled");
    },
  };
}

/** The filters open dashboards use: the whole log, one platform, one sender, a platform and recipient. */
const STREAM_QUERIES = ["", "?platform=iOS", "?from=u1", "?platform=Android&to=u2"];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

describe.each(["sqlite", "postgresql"] as const)("slow and many clients (%s)", (dialect) => {
  it(`answers every callback OK within 2 s while ${CONNECTIONS} connections trickle bytes or hold unread streams`, async () => {
    const { rng } = seededRng(`slow-clients ${dialect}`);
    const a = await startApp({ database: await createTestDatabase(dialect), env: { IM_CALLBACK_TOKEN: TOKEN } });
    app = a;
    const db = await a.db();
    const metricsHeaders = await a.headersFor("viewer");

    // Stream owners: staff signed in with a session, and API tokens (each its own quota of 10).
    const owners: string[] = [];
    for (let i = 0; i < SESSION_OWNERS; i++) owners.push(`Cookie: ${await signInCookie(a, await createTestStaff(a, "viewer"))}`);
    const auditor = await createTestStaff(a, "auditor");
    while (owners.length < STREAMS / STREAMS_PER_OWNER) {
      const { token } = await createApiToken(
        db,
        { id: auditor.id, email: auditor.email, role: "auditor" },
        { name: `slow ${owners.length}`, role: "viewer", days: 1 },
        { address: "test", via: "test" },
      );
      owners.push(`Authorization: Bearer ${token}`);
    }

    // The unread streams and the tricklers, from a process of their own (tests/reliability/slow-clients-driver.ts).
    const callback = new URL(callbackUrl(a.url));
    const driverOptions: DriverOptions = {
      url: a.url,
      streams: Array.from({ length: STREAMS }, (_, i) => ({
        path: `/api/recalls/stream${STREAM_QUERIES[i % STREAM_QUERIES.length]}`,
        auth: owners[i % owners.length] ?? "",
      })),
      tricklers: TRICKLERS,
      callbackPath: `${callback.pathname}${callback.search}`,
      token: TOKEN,
    };
    const heapMb = async () => {
      const text = await (await fetch(`${a.url}/api/metrics`, { headers: metricsHeaders })).text();
      const used = Number(/^recall_monitor_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1]);
      const external = Number(/^recall_monitor_nodejs_external_memory_bytes (\S+)$/m.exec(text)?.[1]);
      return `heap ${(used / 2 ** 20).toFixed(0)} MB + external ${(external / 2 ** 20).toFixed(0)} MB`;
    };
    /** Waits (up to 20 s) until the server holds no client connection but one and no live stream. */
    const released = async () => {
      let connections = serverConnections(a.url);
      let liveStreams = Number.NaN;
      for (const until = Date.now() + 20_000; Date.now() < until; await sleep(500)) {
        connections = serverConnections(a.url);
        const metrics = await (await fetch(`${a.url}/api/metrics`, { headers: metricsHeaders })).text();
        liveStreams = Number(/^recall_monitor_live_streams (\S+)$/m.exec(metrics)?.[1]);
        // The metrics request itself is one connection, kept alive.
        if (connections <= 1 && liveStreams === 0) break;
      }
      return { connections, liveStreams };
    };
    const t0 = Date.now();
    const phase = (name: string) => console.log(`[slow-clients ${dialect}] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${name}`);

    // Warm up: callbacks committed, and a first wave of the same slow clients come and gone, so
    // that memory's baseline includes what serving them at all leaves behind (loaded routes, pools,
    // allocator high-water marks). What the measured wave leaves beyond that is kept per client.
    const warmLoad = signedLoad(a.url, { concurrency: 4, prefix: `warm_${dialect}`, rng, users: 50 });
    const firstWave = startDriver(driverOptions);
    await firstWave.opened;
    await sleep(WARM_WAVE_MS);
    await warmLoad.stop();
    await firstWave.stop();
    await released();
    phase("first wave gone");
    const baselineMb = rssMb(a.pid());
    const baselineHeap = await heapMb();

    const driver = startDriver(driverOptions);
    const streamStatuses = await driver.opened;
    phase("unread streams open");

    // One dashboard that does read, filtered to one sender: it must get every one of that sender's recalls.
    const reader = await openSse(`${a.url}/api/recalls/stream?from=u7`, metricsHeaders);
    streams.push(reader);
    await sleep(1_000);
    let peakConnections = 0;
    const counting = setInterval(() => {
      peakConnections = Math.max(peakConnections, serverConnections(a.url));
    }, 500);

    const health = watchHealthFromChild(a.url, { everyMs: 250, withinMs: IM_TIMEOUT_MS });
    const eventLoop = watchEventLoop(a.url, metricsHeaders);
    const cpuBefore = cpuSeconds(a.pid());
    // PostgreSQL: the transactions (statements, mostly) the server ran against its database meanwhile.
    const transactions = async () => {
      if (dialect !== "postgresql") return 0;
      const [row] = await db.$queryRaw<
        { n: bigint }[]
      >`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`;
      return Number(row?.n ?? 0);
    };
    const transactionsBefore = await transactions();
    const logsAt = a.logs().length;
    const load = signedLoad(a.url, { concurrency: 4, prefix: `steady_${dialect}`, rng, users: 50 });
    await sleep(DURATION_MS);
    await load.stop();
    clearInterval(counting);
    await health.stop();
    await eventLoop.stop();
    const cpuUsed = cpuSeconds(a.pid()) - cpuBefore;
    await sleep(1_000); // statistics are flushed about once a second
    const transactionsRun = (await transactions()) - transactionsBefore;
    const peakMb = rssMb(a.pid());
    const peakHeap = await heapMb();
    phase("load stopped");
    const trickleOutcomes = await driver.stop();

    // The reading dashboard gets every recall of its sender that was answered OK.
    const fromU7 = load.acknowledged.filter((r) => r.fromAccount === "u7").map((r) => r.msgKey);
    const deadline = Date.now() + 15_000;
    const seen = () => new Set(reader.events.map((e) => (JSON.parse(e.data) as { msgKey: string }).msgKey));
    while (fromU7.some((k) => !seen().has(k)) && Date.now() < deadline) await sleep(200);

    // Released: the server's connections (slow senders' and streams') and, within slack, its memory.
    reader.close();
    const { connections, liveStreams } = await released();
    phase("connections released");
    // A few seconds for what the server frees by itself (most of it, on PostgreSQL).
    const settledMb = await settledRssMb(a.pid(), baselineMb, 50, 3_000);
    phase(`memory: ${baselineHeap} -> ${peakHeap} -> ${await heapMb()}`);

    const ms = load.history.map((d) => d.ms).sort((x, y) => x - y);
    // The server's own timing of the same callbacks (from its receipt of the request to its answer),
    // to tell time spent in the handler (the commit) from time before it (accept, parse, scheduling).
    const serverMs = a
      .logs()
      .slice(logsAt)
      .split("\n")
      .filter((l) => l.includes('"im_callback"') && l.includes('"outcome":"stored"'))
      .map((l) => Number(/"ms":([\d.]+)/.exec(l)?.[1]))
      .filter(Number.isFinite)
      .sort((x, y) => x - y);
    const late = load.history.filter((d) => d.ms > IM_TIMEOUT_MS);
    console.log(
      `[slow-clients ${dialect}] ${load.history.length} callbacks: p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms, max ${(ms.at(-1) ?? 0).toFixed(0)} ms (in the handler: p50 ${percentile(serverMs, 50).toFixed(0)} ms, p99 ${percentile(serverMs, 99).toFixed(0)} ms, max ${(serverMs.at(-1) ?? 0).toFixed(0)} ms); outcomes ${JSON.stringify(
        Object.fromEntries(load.outcomes),
      )}; streams ${JSON.stringify(streamStatuses)}; slow requests ended ${JSON.stringify(
        trickleOutcomes,
      )}; server connections ${peakConnections} -> ${connections}, live streams after ${liveStreams}; ${dialect === "postgresql" ? `${transactionsRun} database transactions, ` : ""}server CPU ${cpuUsed.toFixed(1)} s in ${DURATION_MS / 1000} s, worst event-loop stall ${eventLoop.worstMs().toFixed(0)} ms; health ${health.probes()} probes, worst ${health
        .worstMs()
        .toFixed(0)} ms; RSS ${baselineMb.toFixed(0)} -> ${peakMb.toFixed(0)} -> ${settledMb.toFixed(0)} MB`,
    );

    expect(streamStatuses["200"], "every unread stream was opened").toBe(STREAMS);
    expect(peakConnections, "the server held the slow connections at once").toBeGreaterThanOrEqual(CONNECTIONS * 0.9);
    expect(load.history.length, "callbacks were answered").toBeGreaterThan(0);
    expect(
      late.slice(0, 10).map((d) => `${d.status} after ${d.ms.toFixed(0)} ms, asked ${(d.at / 1000).toFixed(1)} s into the load`),
      `${late.length} of ${load.history.length} callbacks answered after IM's 2 s timeout`,
    ).toEqual([]);
    expect(Object.fromEntries(load.outcomes), "every callback answered OK").toEqual({ OK: load.history.length });
    await expectAllAcknowledgedStored(db, load.acknowledged);
    expect(health.failures.slice(0, 10), "health answered throughout").toEqual([]);
    expect(
      fromU7.filter((k) => !seen().has(k)),
      "recalls the reading dashboard never got",
    ).toEqual([]);
    // The server cut the slow senders off itself (408 or a closed connection), never a 5xx, and
    // stored none of their half-sent recalls.
    expect(
      Object.keys(trickleOutcomes).filter((k) => /HTTP (?!408)/.test(k)),
      "slow requests answered other than 408",
    ).toEqual([]);
    expect(await db.recall.count({ where: { fromAccount: { startsWith: "slow" } } }), "half-sent recalls stored").toBe(0);
    expect(connections, "server connections left open after the clients left").toBeLessThanOrEqual(1);
    expect(liveStreams, "live streams left open after the clients left").toBe(0);
    expect(settledMb - baselineMb, `RSS growth (MB) within what ${STREAMS} unread streams may hold`).toBeLessThanOrEqual(RSS_BOUND_MB);
    expect(settledMb - peakMb, "RSS growth (MB) after the clients left").toBeLessThanOrEqual(RSS_AFTER_SLACK_MB);
  });
});
