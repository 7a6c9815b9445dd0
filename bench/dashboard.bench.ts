// Dashboard read latency on a seeded SQLite database: the first page of the recall log with each
// single filter, the users list with each sort, a heavy user's 90-day trend and the 90-day
// overview, each measured over many sequential requests against the production server
// (`next start`), at 100,000 and 1,000,000 recalls, with growth between the two sizes.
//
// Every request is signed in, as the dashboard's are: the server gets a session cookie of a bench
// account. The run also times sign-in (POST /api/auth/sign-in/email) and the session check itself
// (sessionPrincipal, in this process against the same database): the check is the cost every
// dashboard API request now carries, compared with the no-check baseline of the same loop.
//
// Seeded databases are cached under bench/.tmp/, keyed by size, users, days and seed, so reruns
// skip the seeding. The cached data keeps the times it was seeded with; ranges are taken relative
// to the newest recall, not to the clock.

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { authSecretInUse } from "@/lib/auth/auth";
import { sessionPrincipal } from "@/lib/auth/session";
import { createStaff } from "@/lib/auth/staff";
import { connectDb, type Db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrations";
import { freePort } from "../tests/support/app";

// The server signs with the secret this process checks with.
const BENCH_AUTH_SECRET = authSecretInUse;
const BENCH_EMAIL = "bench-admin@bench.invalid";

export const usage = `
dashboard [--sizes 100000,1000000] [--requests 200] [--users 20000] [--days 90] [--only recalls,users,trend,overview]
  Read latency (p50/p95) of the dashboard APIs on seeded SQLite databases of each size, against
  the targets, and growth between sizes. Needs a production build (npm run build). Seeds once and
  reuses bench/.tmp/dashboard-<size>-u<users>-d<days>-s1.db. Also: npx tsx bench/dashboard.bench.ts [flags].
`;
const USAGE = usage;

const TARGETS_MS = { recalls: 50, users: 50, trend: 100, overview: 200 } as const;
type Group = keyof typeof TARGETS_MS;
type Case = { group: Group; name: string; path: string };
type Result = Case & { p50: number; p95: number; max: number; bytes: number };

const ROOT = process.cwd();
const TMP = path.join(ROOT, "bench", ".tmp");
const DAY_MS = 86_400_000;

function flags(args: string[]) {
  const out = { sizes: [100_000, 1_000_000], requests: 200, users: 20_000, days: 90, only: Object.keys(TARGETS_MS) };
  for (let i = 0; i < args.length; i++) {
    const name = args[i];
    const value = args[i + 1] ?? "";
    if (name === "--help" || name === "-h") {
      console.log(USAGE.trim());
      process.exit(0);
    } else if (name === "--sizes") out.sizes = value.split(",").map((s) => Number(s.replace(/_/g, "")));
    else if (name === "--requests") out.requests = Number(value);
    else if (name === "--users") out.users = Number(value);
    else if (name === "--days") out.days = Number(value);
    else if (name === "--only") out.only = value.split(",");
    else if (name === "dashboard") continue;
    // The bench runner passes the same flags to every benchmark: leave other benchmarks' flags alone.
    else if (name?.startsWith("--")) {
      i++;
      continue;
    } else throw new Error(`Unknown argument ${name}\n${USAGE}`);
    i++;
  }
  for (const n of [...out.sizes, out.requests, out.users, out.days]) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`Expected positive whole numbers\n${USAGE}`);
  }
  return out;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: "inherit" });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}

async function seeded(size: number, users: number, days: number): Promise<string> {
  mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `dashboard-${size}-u${users}-d${days}-s1.db`);
  if (existsSync(file)) {
    console.log(`Reusing ${path.relative(ROOT, file)}`);
    return file;
  }
  // Seed into a temporary name so that an interrupted seed is never mistaken for a finished one.
  const partial = `${file}.partial`;
  for (const suffix of ["", "-wal", "-shm"]) rmSync(partial + suffix, { force: true });
  const started = performance.now();
  await run(
    process.execPath,
    ["--import", "tsx", "scripts/seed.ts", "--recalls", String(size), "--users", String(users), "--days", String(days)],
    {
      ...process.env,
      DATABASE_URL: `file:${partial}`,
      LOG_LEVEL: "error",
    },
  );
  const db = new Database(partial);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  renameSync(partial, file);
  for (const suffix of ["-wal", "-shm"]) rmSync(partial + suffix, { force: true });
  console.log(`Seeded ${size.toLocaleString("en")} recalls in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return file;
}

async function startServer(file: string): Promise<{ url: string; stop(): Promise<void> }> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) throw new Error("No production build in .next: run `npm run build` first.");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: `file:${file}`,
        AUTH_SECRET: BENCH_AUTH_SECRET,
        LOG_LEVEL: "error",
        PORT: String(port),
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).status === 200) break;
    } catch {}
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("next start did not come up");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Brings a cached database up to the current migrations and gives it a fresh bench admin. */
async function benchStaff(file: string): Promise<{ db: Db; email: string; password: string }> {
  const database = { dialect: "sqlite" as const, url: `file:${file}`, file };
  await applyMigrations(database);
  const db = await connectDb(database);
  await db.staff.deleteMany({ where: { email: BENCH_EMAIL } });
  const password = `bench-${randomBytes(12).toString("base64url")}`;
  await createStaff(db, { email: BENCH_EMAIL, role: "admin", password }, { actor: null, address: "bench" });
  return { db, email: BENCH_EMAIL, password };
}

/** Sequential sign-ins; each from its own address, so the server's flood limit per address stays out of it. */
async function measureSignIn(url: string, login: { email: string; password: string }, n: number) {
  const times: number[] = [];
  let cookie = "";
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url, "x-forwarded-for": `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}` },
      body: JSON.stringify({ email: login.email, password: login.password }),
    });
    await res.arrayBuffer();
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
    cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), cookie };
}

/**
 * The session check alone, as apiRoute runs it for a cookie (better-auth's signed-cookie check and
 * session + user lookup, plus the idle check), against the empty loop as the "before".
 */
async function measureSessionCheck(db: Db, url: string, cookie: string, n: number) {
  const headers = new Headers({ cookie, host: new URL(url).host });
  const time = async (work: () => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await work();
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await work();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 50), p95: percentile(times, 95) };
  };
  const before = await time(async () => null);
  const after = await time(async () => {
    if (!(await sessionPrincipal(db, headers, url))) throw new Error("the bench session was not accepted");
  });
  return { before, after };
}

/** Inputs that exercise the heavy end: the busiest sender, recipient and IP, and a common platform. */
function inputs(file: string) {
  const db = new Database(file, { readonly: true });
  const one = <T>(sql: string) => db.prepare(sql).get() as T;
  const newest = Date.parse(one<{ t: string }>("SELECT MAX(received_at) AS t FROM recalls").t);
  const heavySender = one<{ user_id: string }>("SELECT user_id FROM user_stats ORDER BY recalls_sent DESC LIMIT 1").user_id;
  const heavyRecipient = one<{ user_id: string }>("SELECT user_id FROM user_stats ORDER BY recalls_received DESC LIMIT 1").user_id;
  const heavy = one<{ user_id: string }>("SELECT user_id FROM user_stats ORDER BY recalls_sent + recalls_received DESC LIMIT 1").user_id;
  const ip = one<{ client_ip: string }>(
    `SELECT client_ip FROM recalls WHERE from_account = '${heavySender.replace(/'/g, "''")}' AND client_ip IS NOT NULL LIMIT 1`,
  ).client_ip;
  const msgKey = one<{ msg_key: string }>("SELECT msg_key FROM recalls ORDER BY id LIMIT 1 OFFSET 1000").msg_key;
  const sdkAppId = one<{ sdk_app_id: string }>("SELECT sdk_app_id FROM recalls LIMIT 1").sdk_app_id;
  const counts = one<{ recalls: number; users: number }>(
    "SELECT (SELECT COUNT(*) FROM recalls) AS recalls, (SELECT COUNT(*) FROM user_stats) AS users",
  );
  db.close();
  return { newest, heavySender, heavyRecipient, heavy, ip, msgKey, sdkAppId, counts };
}

function cases(i: ReturnType<typeof inputs>): Case[] {
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
    { group: "users", name: "sort=recallsSent, last 7 days", path: `/api/users?since=${weekAgo}&until=${until}` },
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

async function measure(url: string, c: Case, requests: number, headers: Record<string, string>): Promise<Result> {
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
  for (let i = 0; i < Math.min(10, requests); i++) await once();
  const times: number[] = [];
  for (let i = 0; i < requests; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return { ...c, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1) ?? Number.NaN, bytes };
}

const fmt = (ms: number) => ms.toFixed(1).padStart(7);

export default async function runDashboardBench(args: string[]): Promise<void> {
  const opts = flags(args);
  console.log(`\n## Dashboard read latency (sequential requests over loopback to next start, SQLite; ${opts.requests} requests per case)`);
  const bySize = new Map<number, Result[]>();
  for (const size of opts.sizes) {
    const file = await seeded(size, opts.users, opts.days);
    const i = inputs(file);
    const staff = await benchStaff(file);
    const server = await startServer(file);
    try {
      const signIn = await measureSignIn(server.url, staff, Math.min(opts.requests, 50));
      const check = await measureSessionCheck(staff.db, server.url, signIn.cookie, opts.requests);
      console.log(`\n### Staff sessions (${i.counts.recalls.toLocaleString("en")} recalls)`);
      console.log(`sign-in (POST /api/auth/sign-in/email, scrypt)   p50 ${fmt(signIn.p50)} ms   p95 ${fmt(signIn.p95)} ms`);
      console.log(`session check per API request: before (no check) p50 ${fmt(check.before.p50)} ms   p95 ${fmt(check.before.p95)} ms`);
      console.log(`                               after (cookie)    p50 ${fmt(check.after.p50)} ms   p95 ${fmt(check.after.p95)} ms`);
      const added = check.after.p50 - check.before.p50;
      console.log(`added at p50: ${added.toFixed(2)} ms (target <= 2 ms: ${added <= 2 ? "ok" : "MISSED"})`);
      console.log(
        `\n### ${i.counts.recalls.toLocaleString("en")} recalls, ${i.counts.users.toLocaleString("en")} users (heaviest: ${i.heavy})`,
      );
      console.log(
        `${"group".padEnd(9)} ${"case".padEnd(36)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)} ${"max ms".padStart(7)} ${"KiB".padStart(6)}  target`,
      );
      const results: Result[] = [];
      for (const c of cases(i).filter((x) => opts.only.includes(x.group))) {
        const r = await measure(server.url, c, opts.requests, { cookie: signIn.cookie });
        results.push(r);
        const target = TARGETS_MS[c.group];
        console.log(
          `${c.group.padEnd(9)} ${c.name.padEnd(36)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.max)} ${(r.bytes / 1024).toFixed(0).padStart(6)}  p95 <= ${target}: ${r.p95 <= target ? "ok" : "MISSED"}`,
        );
      }
      bySize.set(size, results);
    } finally {
      await server.stop();
      await staff.db.$disconnect();
    }
  }
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  const small = sizes[0];
  const large = sizes.at(-1);
  if (small !== undefined && large !== undefined && small !== large) {
    console.log(`\n### Growth of p95 from ${small.toLocaleString("en")} to ${large.toLocaleString("en")} recalls`);
    const before = bySize.get(small) ?? [];
    for (const r of bySize.get(large) ?? []) {
      const b = before.find((x) => x.group === r.group && x.name === r.name);
      if (b) console.log(`${r.group.padEnd(9)} ${r.name.padEnd(36)} ${fmt(b.p95)} -> ${fmt(r.p95)}  x${(r.p95 / b.p95).toFixed(2)}`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runDashboardBench(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
