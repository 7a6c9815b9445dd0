// Shared by the benchmarks: the production build served by `next start` on a fresh database,
// exactly as users run it, with the server's log going to a file rather than through this process.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "@/lib/config";
import { connectDb, type Db } from "@/lib/db/client";
import { createTestDatabase } from "@/tests/support/databases";
import { freePort, TEST_AUTH_SECRET } from "../tests/support/app";

const ROOT = path.resolve(import.meta.dirname, "..");
export const BENCH_DIR = path.join(ROOT, "bench", ".tmp");

export type BenchServer = {
  url: string;
  database: Config["database"];
  logFile: string;
  /** CPU time (user + system, ms) the server process has used so far; undefined where /proc is missing. */
  cpuMs(): number | undefined;
  db(): Promise<Db>;
  stop(): Promise<void>;
};

/** Builds the app unless a production build exists. */
export function ensureBuild(): void {
  if (existsSync(path.join(ROOT, ".next", "BUILD_ID"))) return;
  console.log("No production build in .next: running next build ...");
  const run = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (run.status !== 0) throw new Error("next build failed");
}

// Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 10 ms.
const MS_PER_TICK = 10;

function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return undefined;
  }
}

export async function startBenchServer(options: {
  name: string;
  dialect: Config["database"]["dialect"];
  env?: Record<string, string>;
  /** Writes a V8 CPU profile of the server into this folder when it stops. */
  cpuProfileDir?: string;
  /** `next start` (default) or scripts/serve.ts, the server `npm start` runs since the hardening work. */
  server?: "next-start" | "serve";
  /** Serve this database (kept when the server stops) instead of a fresh one (dropped when it stops). */
  database?: Config["database"];
}): Promise<BenchServer> {
  ensureBuild();
  mkdirSync(BENCH_DIR, { recursive: true });
  const given = options.database;
  const testDb = given ? { database: given, drop: async () => {} } : await createTestDatabase(options.dialect);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(BENCH_DIR, `${options.name}-server.log`);
  const log = openSync(logFile, "w");
  const nodeArgs = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(options.cpuProfileDir)}`] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    options.server === "serve"
      ? [...nodeArgs, "--import", "tsx", path.join(ROOT, "scripts", "serve.ts"), "--port", String(port), "--hostname", "127.0.0.1"]
      : [...nodeArgs, path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: testDb.database.url,
        // Production refuses to start without one; the benchmarks' own, as the tests'.
        AUTH_SECRET: TEST_AUTH_SECRET,
        PORT: String(port),
        ...options.env,
      },
      stdio: ["ignore", log, log],
    },
  );
  let client: Db | undefined;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGINT lets --cpu-prof write its profile.
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill(options.cpuProfileDir ? "SIGINT" : "SIGTERM");
      });
    }
    await client?.$disconnect();
    await testDb.drop();
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${readFileSync(logFile, "utf8")}`);
    try {
      if ((await fetch(`${url}/api/health`)).status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not become healthy within 30 s:\n${readFileSync(logFile, "utf8")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    database: testDb.database,
    logFile,
    cpuMs: () => processCpuMs(child.pid),
    db: async () => {
      client ??= await connectDb(testDb.database);
      return client;
    },
    stop,
  };
}

/** The median of several rounds (the mean of the middle two for an even count; 0 for none). */
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
