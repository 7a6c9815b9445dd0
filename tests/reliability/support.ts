// Shared by the reliability suite: run sizes (CI or --long), a seeded random source that prints its
// seed, a callback load generator that remembers what was answered OK, the server's RSS, and the
// check that every aggregate table equals a recount from the stored recalls.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { Db } from "@/lib/db/client";
import { createRng, type Rng } from "@/lib/simulator/traffic";
import { TEST_APP_ID } from "../support/app";
import { RECALL } from "../support/im";

/** `npm run test:reliability -- --long` sets RELIABILITY_LONG=1: longer runs and more kills. */
export const LONG = process.env.RELIABILITY_LONG === "1";

/** Picks CI-sized or long-run values. */
export const scale = <T>(ci: T, long: T): T => (LONG ? long : ci);

/**
 * A seeded random source. The seed is printed so a failing run can be replayed with
 * RELIABILITY_SEED=<seed>.
 */
export function seededRng(name: string): { rng: Rng; seed: number } {
  const fromEnv = Number(process.env.RELIABILITY_SEED);
  const seed = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1;
  console.log(`[${name}] seed ${seed} (replay with RELIABILITY_SEED=${seed})`);
  return { rng: createRng(seed), seed };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An identity as JSON: unambiguous whatever characters the IDs hold. */
export const identityKey = (r: { sdkAppId: string; fromAccount: string; toAccount: string; msgKey: string }) =>
  JSON.stringify([r.sdkAppId, r.fromAccount, r.toAccount, r.msgKey]);

export type SentRecall = { fromAccount: string; toAccount: string; msgKey: string; unreadMsgNum: number };

export const OK_ANSWER = { ActionStatus: "OK", ErrorInfo: "", ErrorCode: 0 };

export function recallCallbackUrl(base: string, platform = "iOS"): string {
  return `${base}/api/im/callback?SdkAppid=${TEST_APP_ID}&CallbackCommand=${RECALL}&contenttype=json&ClientIP=203.0.113.9&OptPlatform=${platform}`;
}

export type Delivery = { status: number; ok: boolean; ms: number; actionStatus?: string; error?: string };

/** POSTs one recall as IM does; never throws (a refused connection is an outcome too). */
export async function deliver(base: string, r: SentRecall, timeoutMs = 10_000, platform = "iOS"): Promise<Delivery> {
  const started = performance.now();
  try {
    const res = await fetch(recallCallbackUrl(base, platform), {
      method: "POST",
      body: JSON.stringify({
        CallbackCommand: RECALL,
        From_Account: r.fromAccount,
        To_Account: r.toAccount,
        MsgKey: r.msgKey,
        UnreadMsgNum: r.unreadMsgNum,
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let ok = false;
    let actionStatus: string | undefined;
    try {
      const json = JSON.parse(text) as { ActionStatus?: unknown };
      actionStatus = typeof json.ActionStatus === "string" ? json.ActionStatus : undefined;
      ok = res.status === 200 && json.ActionStatus === "OK";
    } catch {}
    return { status: res.status, ok, ms: performance.now() - started, actionStatus };
  } catch (error) {
    return { status: 0, ok: false, ms: performance.now() - started, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Keeps `concurrency` senders posting fresh recalls until stopped. Remembers every recall answered
 * OK and every other outcome, so a test can require that each OK was kept.
 */
export function callbackLoad(options: {
  url: () => string;
  concurrency: number;
  prefix: string;
  rng: Rng;
  users?: number;
  timeoutMs?: number;
}) {
  const users = options.users ?? 200;
  const acknowledged: SentRecall[] = [];
  const outcomes = new Map<string, number>();
  const slow: Delivery[] = [];
  /** Every answer, with when it came (ms since the epoch) and which recall it was for. */
  const history: (Delivery & { at: number; recall: SentRecall })[] = [];
  let stopped = false;
  let next = 0;
  const sender = async () => {
    while (!stopped) {
      const i = next++;
      const r: SentRecall = {
        fromAccount: `u${Math.floor(options.rng() * users)}`,
        toAccount: `u${Math.floor(options.rng() * users)}`,
        msgKey: `${options.prefix}_${i}`,
        unreadMsgNum: Math.floor(options.rng() * 50),
      };
      const d = await deliver(options.url(), r, options.timeoutMs);
      history.push({ ...d, at: Date.now(), recall: r });
      const label = d.ok ? "OK" : d.status === 0 ? `no answer (${d.error ?? "?"})` : `HTTP ${d.status}`;
      outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
      if (d.ok) acknowledged.push(r);
      else if (d.status === 0) await sleep(50); // server down: do not spin
      if (d.ms > 2_000) slow.push(d);
    }
  };
  const running = Promise.all(Array.from({ length: options.concurrency }, sender));
  return {
    acknowledged,
    outcomes,
    /** Answers that took longer than IM's 2 s timeout. */
    slow,
    history,
    sent: () => next,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

/** Requires every acknowledged recall to be stored exactly once, with the values it was sent with. */
export async function expectAllAcknowledgedStored(db: Db, acknowledged: readonly SentRecall[]) {
  const rows = await db.recall.findMany({
    select: { sdkAppId: true, fromAccount: true, toAccount: true, msgKey: true, unreadMsgNum: true },
  });
  const stored = new Map<string, number>();
  for (const r of rows) stored.set(identityKey(r), (stored.get(identityKey(r)) ?? 0) + 1);
  const missing = acknowledged.filter((r) => !stored.has(identityKey({ sdkAppId: TEST_APP_ID, ...r })));
  const doubled = [...stored].filter(([, n]) => n > 1);
  expect(missing.slice(0, 20), `${missing.length} of ${acknowledged.length} recalls answered OK are not stored`).toEqual([]);
  expect(doubled.slice(0, 20), "identities stored more than once").toEqual([]);
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const hourOf = (d: Date) => Math.floor(d.getTime() / HOUR_MS) * HOUR_MS;
const dayOf = (d: Date) => Math.floor(d.getTime() / DAY_MS) * DAY_MS;
const byKey = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

/**
 * Recounts user_stats, user_hourly_counts, user_daily_counts and recall_hourly_counts from the recalls table (in the
 * test, independently of lib/recalls/aggregates.ts) and requires the stored aggregates to equal it.
 * (callback_counts is not checked: it counts every command answered OK, duplicates included, so no
 * recount from recalls exists, and its tallies are flushed after the answer.)
 */
export async function expectAggregatesMatchRecount(db: Db) {
  const recalls = await db.recall.findMany({
    select: { sdkAppId: true, fromAccount: true, toAccount: true, receivedAt: true, optPlatform: true },
  });
  const users = new Map<string, { sdkAppId: string; userId: string; recallsSent: number; recallsReceived: number; lastRecallAt: number }>();
  const userHours = new Map<string, { sdkAppId: string; userId: string; hourStart: number; sent: number; received: number }>();
  const userDays = new Map<string, { sdkAppId: string; userId: string; dayStart: number; sent: number; received: number }>();
  const appHours = new Map<string, { sdkAppId: string; hourStart: number; optPlatform: string; recalls: number }>();
  for (const r of recalls) {
    const at = r.receivedAt.getTime();
    const hour = hourOf(r.receivedAt);
    const day = dayOf(r.receivedAt);
    for (const [userId, sent, received] of [
      [r.fromAccount, 1, 0],
      [r.toAccount, 0, 1],
    ] as const) {
      const uk = JSON.stringify([r.sdkAppId, userId]);
      const u = users.get(uk) ?? { sdkAppId: r.sdkAppId, userId, recallsSent: 0, recallsReceived: 0, lastRecallAt: at };
      u.recallsSent += sent;
      u.recallsReceived += received;
      u.lastRecallAt = Math.max(u.lastRecallAt, at);
      users.set(uk, u);
      const hk = JSON.stringify([r.sdkAppId, userId, hour]);
      const h = userHours.get(hk) ?? { sdkAppId: r.sdkAppId, userId, hourStart: hour, sent: 0, received: 0 };
      h.sent += sent;
      h.received += received;
      userHours.set(hk, h);
      const dk = JSON.stringify([r.sdkAppId, userId, day]);
      const d = userDays.get(dk) ?? { sdkAppId: r.sdkAppId, userId, dayStart: day, sent: 0, received: 0 };
      d.sent += sent;
      d.received += received;
      userDays.set(dk, d);
    }
    const platform = r.optPlatform ?? "";
    const ak = JSON.stringify([r.sdkAppId, hour, platform]);
    const a = appHours.get(ak) ?? { sdkAppId: r.sdkAppId, hourStart: hour, optPlatform: platform, recalls: 0 };
    a.recalls += 1;
    appHours.set(ak, a);
  }

  const storedUsers = new Map(
    (await db.userStats.findMany()).map((u) => [
      JSON.stringify([u.sdkAppId, u.userId]),
      {
        sdkAppId: u.sdkAppId,
        userId: u.userId,
        recallsSent: u.recallsSent,
        recallsReceived: u.recallsReceived,
        lastRecallAt: u.lastRecallAt.getTime(),
      },
    ]),
  );
  const storedUserHours = new Map(
    (await db.userHourlyCount.findMany())
      .filter((h) => h.sent !== 0 || h.received !== 0)
      .map((h) => [
        JSON.stringify([h.sdkAppId, h.userId, h.hourStart.getTime()]),
        { sdkAppId: h.sdkAppId, userId: h.userId, hourStart: h.hourStart.getTime(), sent: h.sent, received: h.received },
      ]),
  );
  const storedUserDays = new Map(
    (await db.userDailyCount.findMany())
      .filter((d) => d.sent !== 0 || d.received !== 0)
      .map((d) => [
        JSON.stringify([d.sdkAppId, d.userId, d.dayStart.getTime()]),
        { sdkAppId: d.sdkAppId, userId: d.userId, dayStart: d.dayStart.getTime(), sent: d.sent, received: d.received },
      ]),
  );
  const storedAppHours = new Map(
    (await db.recallHourlyCount.findMany())
      .filter((h) => h.recalls !== 0)
      .map((h) => [
        JSON.stringify([h.sdkAppId, h.hourStart.getTime(), h.optPlatform]),
        { sdkAppId: h.sdkAppId, hourStart: h.hourStart.getTime(), optPlatform: h.optPlatform, recalls: h.recalls },
      ]),
  );
  expect(byKey(storedUsers), "user_stats differs from a recount of recalls").toEqual(byKey(users));
  expect(byKey(storedUserHours), "user_hourly_counts differs from a recount of recalls").toEqual(byKey(userHours));
  expect(byKey(storedUserDays), "user_daily_counts differs from a recount of recalls").toEqual(byKey(userDays));
  expect(byKey(storedAppHours), "recall_hourly_counts differs from a recount of recalls").toEqual(byKey(appHours));
}

/** The server's resident set size in MB, from /proc/<pid>/status (VmRSS). */
export function rssMb(pid: number | undefined): number {
  if (pid === undefined) throw new Error("the server is not running");
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return kb / 1024;
}

/**
 * Polls /api/health every `everyMs` with a `withinMs` deadline while a test runs; collects every
 * probe that was late, failed, or answered a status other than `expect` (200 unless told; an
 * outage test accepts 503 too), the slowest answer, and the statuses seen in order.
 */
export function watchHealth(base: string, options: { everyMs?: number; withinMs?: number; expect?: number[] } = {}) {
  const everyMs = options.everyMs ?? 250;
  const withinMs = options.withinMs ?? 1_000;
  const expected = options.expect ?? [200];
  const failures: string[] = [];
  const statuses: { at: number; status: number }[] = [];
  let probes = 0;
  let worstMs = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      probes++;
      try {
        const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(withinMs) });
        await res.arrayBuffer();
        const ms = performance.now() - started;
        worstMs = Math.max(worstMs, ms);
        if (statuses.at(-1)?.status !== res.status) statuses.push({ at: Date.now(), status: res.status });
        if (!expected.includes(res.status)) failures.push(`HTTP ${res.status} after ${ms.toFixed(0)} ms`);
      } catch (error) {
        worstMs = Math.max(worstMs, performance.now() - started);
        failures.push(`no answer within ${withinMs} ms (${error instanceof Error ? error.name : String(error)})`);
      }
      await sleep(everyMs);
    }
  })();
  return {
    failures,
    /** Each change of the answered status, with when it was seen. */
    statuses,
    probes: () => probes,
    worstMs: () => worstMs,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/**
 * Waits until the server's RSS is within `withinMb` of `baselineMb` (memory is returned to the
 * system lazily) or `timeoutMs` passes; returns the last reading.
 */
export async function settledRssMb(pid: number | undefined, baselineMb: number, withinMb: number, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let rss = rssMb(pid);
  while (rss > baselineMb + withinMb && Date.now() < deadline) {
    await sleep(500);
    rss = rssMb(pid);
  }
  return rss;
}

/**
 * Scrapes the server's /api/metrics every `everyMs` and keeps the worst event-loop stall it
 * reports (prom-client's maximum delay since the previous scrape), so a test can tell a stalled
 * server from a slow machine.
 */
export function watchEventLoop(base: string, headers: Record<string, string>, everyMs = 1_000) {
  let worstMs = 0;
  const stalls: { at: number; ms: number }[] = [];
  let stopped = false;
  let first = true;
  const loop = (async () => {
    while (!stopped) {
      try {
        const text = await (await fetch(`${base}/api/metrics`, { headers, signal: AbortSignal.timeout(5_000) })).text();
        const max = Number(/^recall_monitor_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1]) * 1000;
        // The first reading covers everything since the server started (its start-up included).
        if (first) first = false;
        else if (Number.isFinite(max)) {
          worstMs = Math.max(worstMs, max);
          if (max > 500) stalls.push({ at: Date.now(), ms: max });
        }
      } catch {}
      await sleep(everyMs);
    }
  })();
  return {
    worstMs: () => worstMs,
    /** Scrapes that saw a stall over 500 ms. */
    stalls,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

// The probe loop of watchHealthFromChild, run in its own process: one JSON line per probe.
const PROBE_SCRIPT = `
const [url, everyMs, withinMs] = process.argv.slice(1);
let stopped = false;
process.stdin.on("data", () => { stopped = true; });
process.stdin.on("end", () => { stopped = true; });
(async () => {
  while (!stopped) {
    const started = performance.now();
    let status = 0, error = "";
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(Number(withinMs)) });
      await res.arrayBuffer();
      status = res.status;
    } catch (e) { error = e && e.name ? e.name : String(e); }
    process.stdout.write(JSON.stringify({ at: Date.now(), status, ms: performance.now() - started, error }) + "\\n");
    await new Promise((r) => setTimeout(r, Number(everyMs)));
  }
  process.exit(0);
})();
`;

/**
 * watchHealth's probes from a process of their own, so that a test process busy generating load
 * cannot make the server look slow: what is measured is the server's answer.
 */
export function watchHealthFromChild(base: string, options: { everyMs?: number; withinMs?: number } = {}) {
  const everyMs = options.everyMs ?? 200;
  const withinMs = options.withinMs ?? 1_000;
  const child = spawn(process.execPath, ["-e", PROBE_SCRIPT, `${base}/api/health`, String(everyMs), String(withinMs)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const failures: { at: number; what: string }[] = [];
  let probes = 0;
  let worstMs = 0;
  let buffered = "";
  child.stdout?.on("data", (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      const p = JSON.parse(line) as { at: number; status: number; ms: number; error: string };
      probes++;
      worstMs = Math.max(worstMs, p.ms);
      if (p.status !== 200)
        failures.push({
          at: p.at,
          what: p.status ? `HTTP ${p.status} after ${p.ms.toFixed(0)} ms` : `no answer within ${withinMs} ms (${p.error})`,
        });
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    failures,
    probes: () => probes,
    worstMs: () => worstMs,
    stop: async () => {
      child.stdin?.end("stop");
      await exited;
    },
  };
}
