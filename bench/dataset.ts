// Seeded databases of 100k, 1M and 10M recalls for the query, export and ingest-under-load
// benchmarks. Each size is seeded once with scripts/seed-bulk.ts (the generator of `npm run seed`,
// bulk-loaded) and cached: on SQLite a file under bench/.cache/, on PostgreSQL a template database.
// A run works on a copy (a file copy; CREATE DATABASE ... TEMPLATE), so what a benchmark writes
// (staff sessions, the access and export logs, callbacks) never changes the cache.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Config } from "@/lib/config";
import { applyMigrations } from "@/lib/db/migrations";
import type { TestDatabase } from "@/tests/support/databases";
import { postgresAdminUrl } from "@/tests/support/databases";
import type { Dialect } from "./results";

const ROOT = path.resolve(import.meta.dirname, "..");
export const CACHE_DIR = path.join(ROOT, "bench", ".cache");
const TMP_DIR = path.join(ROOT, "bench", ".tmp");

/**
 * The data set's shape. Bump SEED_VERSION when the generator or the seeder changes what it writes:
 * caches of another version are not used. The end time is fixed so that both databases and every
 * rerun hold the same recalls.
 */
export const SEED_VERSION = 1;
export const DATASET = { users: 20_000, days: 90, seed: 1, end: "2026-12-01T00:00:00.000Z" } as const;

const key = (size: number) => `recalls-${size}-u${DATASET.users}-d${DATASET.days}-s${DATASET.seed}-v${SEED_VERSION}`;
const templateName = (size: number) => key(size).replace(/-/g, "_").replace("recalls_", "rm_bench_");

type Meta = { size: number; dialect: Dialect; seedSeconds: number; seededAt: string; version: number };
const metaFile = (size: number, dialect: Dialect) => path.join(CACHE_DIR, `${key(size)}.${dialect}.json`);

export function cachedSeedInfo(size: number, dialect: Dialect): Meta | undefined {
  try {
    return JSON.parse(readFileSync(metaFile(size, dialect), "utf8")) as Meta;
  } catch {
    return undefined;
  }
}

function seedInto(url: string, size: number, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    console.log(`  seeding ${size.toLocaleString("en")} recalls (once; log: ${path.relative(ROOT, logFile)}) ...`);
    const out = openSync(logFile, "w");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/seed-bulk.ts",
        "--recalls",
        String(size),
        "--users",
        String(DATASET.users),
        "--days",
        String(DATASET.days),
        "--seed",
        String(DATASET.seed),
        "--end",
        DATASET.end,
      ],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "error" }, stdio: ["ignore", out, out] },
    );
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`seed-bulk exited with ${code}; see ${logFile}`))));
  });
}

async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []) {
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
  try {
    return (await admin.query<T>(sql, params)).rows;
  } finally {
    await admin.end();
  }
}

const pgUrl = (name: string) => {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
};

/** The cache for `size`, seeded now if it is missing (an interrupted seed is never taken for a finished one). */
export async function ensureCached(size: number, dialect: Dialect): Promise<Meta> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const meta = cachedSeedInfo(size, dialect);
  const logFile = path.join(CACHE_DIR, `${key(size)}.${dialect}.log`);
  if (dialect === "sqlite") {
    const file = path.join(CACHE_DIR, `${key(size)}.db`);
    if (meta && existsSync(file)) return meta;
    const partial = `${file}.partial`;
    for (const s of ["", "-wal", "-shm", "-journal"]) rmSync(partial + s, { force: true });
    const started = performance.now();
    await seedInto(`file:${partial}`, size, logFile);
    renameSync(partial, file);
    for (const s of ["-wal", "-shm"]) rmSync(partial + s, { force: true });
    return writeMeta(size, dialect, started);
  }
  const name = templateName(size);
  const exists = (await adminQuery("SELECT 1 FROM pg_database WHERE datname = $1", [name])).length > 0;
  if (meta && exists) return meta;
  const partial = `${name}_partial`;
  await adminQuery(`DROP DATABASE IF EXISTS ${partial} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${partial}`);
  const started = performance.now();
  await seedInto(pgUrl(partial), size, logFile);
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(`ALTER DATABASE ${partial} RENAME TO ${name}`);
  return writeMeta(size, dialect, started);
}

function writeMeta(size: number, dialect: Dialect, started: number): Meta {
  const meta: Meta = {
    size,
    dialect,
    seedSeconds: (performance.now() - started) / 1000,
    seededAt: new Date().toISOString(),
    version: SEED_VERSION,
  };
  writeFileSync(metaFile(size, dialect), `${JSON.stringify(meta, null, 2)}\n`);
  console.log(`  seeded ${size.toLocaleString("en")} recalls into ${dialect} in ${meta.seedSeconds.toFixed(0)} s`);
  return meta;
}

/** Registers a cache seeded by hand (scripts/seed-bulk.ts into the cache's name), with its seed time. */
export function recordSeed(size: number, dialect: Dialect, seedSeconds: number): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  const meta: Meta = { size, dialect, seedSeconds, seededAt: new Date().toISOString(), version: SEED_VERSION };
  writeFileSync(metaFile(size, dialect), `${JSON.stringify(meta, null, 2)}\n`);
}

/** A working copy of the cached data set, migrated to the current schema; drop() removes it. */
export async function datasetCopy(size: number, dialect: Dialect): Promise<TestDatabase & { copySeconds: number; seed: Meta }> {
  const seed = await ensureCached(size, dialect);
  const started = performance.now();
  const tag = `${process.pid}_${randomBytes(3).toString("hex")}`;
  let database: Config["database"];
  let drop: () => Promise<void>;
  if (dialect === "sqlite") {
    mkdirSync(TMP_DIR, { recursive: true });
    const file = path.join(TMP_DIR, `${key(size)}-${tag}.db`);
    copyFileSync(path.join(CACHE_DIR, `${key(size)}.db`), file);
    database = { dialect: "sqlite", url: `file:${file}`, file };
    drop = async () => {
      for (const s of ["", "-wal", "-shm", "-journal"]) rmSync(file + s, { force: true });
    };
  } else {
    const name = `rm_bench_run_${tag}`;
    // FILE_COPY copies the template's files instead of WAL-logging every block: seconds, not minutes.
    await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${templateName(size)} STRATEGY FILE_COPY`);
    database = { dialect: "postgresql", url: pgUrl(name) };
    drop = async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    };
  }
  await applyMigrations(database);
  const copySeconds = (performance.now() - started) / 1000;
  console.log(`  ${dialect} copy of the ${size.toLocaleString("en")}-recall data set ready in ${copySeconds.toFixed(1)} s`);
  return { database, drop, copySeconds, seed };
}

export const SQLITE_CACHE_FILE = (size: number) => path.join(CACHE_DIR, `${key(size)}.db`);
export const POSTGRES_TEMPLATE = templateName;
