// CSV export throughput and server memory, against a plain better-sqlite3 baseline in the same run.
//
//   npm run bench -- export [--rows 1000000]        (or: npx tsx bench/export.bench.ts --rows 100000)
//
// Needs a production build (`npx next build`). The database is seeded with `npm run seed` (20,000
// users over 90 days) into bench/.tmp/dashboard-<n>-u20000-d90-s1.db, the same cached file the
// dashboard benchmark uses, so `npm run bench` seeds each size once.

import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { get } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { freePort } from "../tests/support/app";

export const usage = `export [--rows <n>]
  CSV export through the server vs better-sqlite3 iterate(); --rows (default 1000000), seeded once with npm run seed`;

const USAGE = `Usage: npm run bench -- export [--rows <n>]

Exports every recall through the production server (GET /api/recalls/export) and reports rows/s
and the server's peak RSS growth during the export, next to a baseline that reads the same rows
with better-sqlite3's iterate() and writes minimal CSV to /dev/null.
  --rows <n>   recalls in the seeded database (default 1000000); seeded once with npm run seed into
               bench/.tmp/dashboard-<n>-u20000-d90-s1.db (shared with the dashboard benchmark)
Targets: >= 150,000 rows/s, <= 2.5x the baseline's time, server RSS growth <= 100 MB.`;

const TARGET_ROWS_PER_S = 150_000;
const TARGET_RATIO = 2.5;
const TARGET_RSS_MB = 100;

function parseArgs(args: string[]) {
  let rows = 1_000_000;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--rows") {
      rows = Number(args[++i]);
      if (!Number.isInteger(rows) || rows < 1) throw new Error("--rows needs a whole number >= 1");
    } else if (a === "export") continue;
    // The bench runner passes the same flags to every benchmark: leave other benchmarks' flags alone.
    else if (a?.startsWith("--")) i++;
    else throw new Error(`Unknown argument: ${a}\n\n${USAGE}`);
  }
  return { rows };
}

const USERS = 20_000;
const DAYS = 90;

/** `npm run seed` into a cached SQLite file; an interrupted seed is never mistaken for a finished one. */
async function seededDatabase(rows: number): Promise<string> {
  const dir = path.resolve("bench/.tmp");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `dashboard-${rows}-u${USERS}-d${DAYS}-s1.db`);
  if (existsSync(file)) return file;
  const partial = `${file}.partial`;
  for (const suffix of ["", "-wal", "-shm"]) rmSync(partial + suffix, { force: true });
  console.log(`seeding ${rows.toLocaleString("en-US")} recalls with npm run seed into ${path.relative(process.cwd(), file)} (once)...`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "scripts/seed.ts", "--recalls", String(rows), "--users", String(USERS), "--days", String(DAYS)],
      { env: { ...process.env, DATABASE_URL: `file:${partial}`, LOG_LEVEL: "error" }, stdio: "inherit" },
    );
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`npm run seed exited with ${code}`))));
  });
  const db = new Database(partial);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  renameSync(partial, file);
  for (const suffix of ["-wal", "-shm"]) rmSync(partial + suffix, { force: true });
  return file;
}

/** The baseline: the same rows in the same order, iterate(), minimal CSV, written to /dev/null. */
function baseline(file: string) {
  const db = new Database(file, { readonly: true });
  const out = openSync("/dev/null", "w");
  const started = performance.now();
  let rows = 0;
  let buffer = "";
  const stmt = db.prepare(`SELECT received_at, event_time, sdk_app_id, from_account, to_account, msg_key, unread_msg_num,
    opt_platform, client_ip FROM recalls ORDER BY received_at, id`);
  for (const r of stmt.iterate() as Iterable<Record<string, string | number | null>>) {
    buffer += `${r.received_at},${r.event_time ?? ""},${r.sdk_app_id},${r.from_account},${r.to_account},${r.msg_key},${r.unread_msg_num ?? ""},${r.opt_platform ?? ""},${r.client_ip ?? ""}\r\n`;
    if (++rows % 1000 === 0) {
      writeSync(out, buffer);
      buffer = "";
    }
  }
  writeSync(out, buffer);
  const ms = performance.now() - started;
  closeSync(out);
  db.close();
  return { rows, ms };
}

/** Resident memory (kB) of a process and all its descendants: `next start` may fork its server. */
function treeRssKb(pid: number): number {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      for (const child of children ? children.split(/\s+/) : []) total += treeRssKb(Number(child));
    }
  } catch {
    // The process ended between listing and reading.
  }
  return total;
}

async function startServer(file: string): Promise<{ url: string; proc: ChildProcess; stop(): Promise<void> }> {
  if (!existsSync(path.resolve(".next/BUILD_ID"))) throw new Error("No production build: run `npx next build` first.");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(
    process.execPath,
    [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: `file:${file}`,
        IM_SDKAPPID: "1400000001",
        LOG_LEVEL: "error",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`next start exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error("next start did not answer within 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}

/** Downloads with node:http and discards the bytes: a client that costs the server's CPU share little. */
function download(url: string): Promise<{ bytes: number; ms: number; exportId: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`export answered ${res.statusCode}`));
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.byteLength;
      });
      res.on("end", () => resolve({ bytes, ms: performance.now() - started, exportId: String(res.headers["x-export-id"] ?? "") }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

/** The export log's record of an export, read from the database file. */
function loggedEnd(file: string, exportId: string) {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT status, row_count AS rows FROM export_log WHERE export_id = ? AND status <> 'started'").get(exportId) as
      | { status: string; rows: number }
      | undefined;
  } finally {
    db.close();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const verdict = (ok: boolean) => (ok ? "meets target" : "MISSES target");

export default async function run(args: string[]): Promise<void> {
  if (args.includes("--help")) {
    console.log(USAGE);
    return;
  }
  const { rows } = parseArgs(args);
  const file = await seededDatabase(rows);

  const base = baseline(file);
  console.log(
    `baseline  better-sqlite3 iterate() -> /dev/null: ${fmt(base.rows)} rows in ${fmt(base.ms)} ms (${fmt((base.rows / base.ms) * 1000)} rows/s)`,
  );

  const server = await startServer(file);
  try {
    // Warm up (load the route's code, let the JIT compile the encoder) on about a ninth of the rows.
    await download(`${server.url}/api/recalls/export?platform=iOS`);
    const pid = server.proc.pid ?? 0;
    await new Promise((r) => setTimeout(r, 500));
    const rssBefore = treeRssKb(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, treeRssKb(pid));
    }, 50);
    const result = await download(`${server.url}/api/recalls/export`);
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, treeRssKb(pid));

    const logged = loggedEnd(file, result.exportId);
    if (logged?.status !== "completed" || logged.rows !== base.rows) {
      throw new Error(`the export log says ${JSON.stringify(logged)}; the baseline read ${base.rows} rows`);
    }
    const rate = (logged.rows / result.ms) * 1000;
    const ratio = result.ms / base.ms;
    const growthMb = (rssPeak - rssBefore) / 1024;
    console.log(
      `export    GET /api/recalls/export (${fmt(result.bytes / 1024 / 1024)} MB): ${fmt(logged.rows)} rows in ${fmt(result.ms)} ms (${fmt(rate)} rows/s)`,
    );
    console.log(`  rows/s:            ${fmt(rate)}  (target >= ${fmt(TARGET_ROWS_PER_S)}: ${verdict(rate >= TARGET_ROWS_PER_S)})`);
    console.log(`  time vs baseline:  ${ratio.toFixed(2)}x  (target <= ${TARGET_RATIO}x: ${verdict(ratio <= TARGET_RATIO)})`);
    console.log(
      `  server RSS:        ${fmt(rssBefore / 1024)} MB before, ${fmt(rssPeak / 1024)} MB peak, +${growthMb.toFixed(1)} MB  (target <= ${TARGET_RSS_MB} MB: ${verdict(growthMb <= TARGET_RSS_MB)})`,
    );
  } finally {
    await server.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  run(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
