// The Prisma client for the configured database. SQLite and PostgreSQL each have a client
// generated from the same models (prisma/sqlite is the source, prisma/postgresql is derived), so
// the rest of the code sees one type.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { CORES_BUT_ONE, type Config, config } from "@/lib/config";
import { withDatabase } from "@/lib/db/dialect";
import { PrismaClient as PostgresClient } from "@/lib/db/generated/postgresql/client";
import { PrismaClient as SqliteClient } from "@/lib/db/generated/sqlite/client";
import { SqliteReadPool, sqliteReadPoolAdapter } from "@/lib/db/sqlite-read-pool";
import { watchPool } from "@/lib/metrics";

export { Prisma } from "@/lib/db/generated/sqlite/client";
export type Db = SqliteClient;

// How long a write may wait for a lock held by another process before failing. Short, because
// IM gives up on a callback after 2 s and better-sqlite3 waits synchronously.
const SQLITE_BUSY_TIMEOUT_MS = 250;

/**
 * Who a PostgreSQL pool serves. The receiver has a pool of its own, so that dashboard queries and
 * exports can never hold every connection while a callback waits for one, and each pool has the
 * timeouts its work needs: the receiver's fail well inside IM's 2 s; the dashboard's bound each
 * query's cost (an export is many short page queries, each under the same limit).
 */
export const POSTGRES_POOLS = {
  receiver: { statementTimeoutMs: 1_500, lockTimeoutMs: 1_500, connectionTimeoutMs: 1_500, max: 10 },
  // Two: ten heavy dashboard queries at once took every core of a 2-core PostgreSQL host from the
  // receiver's commits (callbacks p99 2.3 s, max 3.1 s, past IM's 2 s, with 10 dashboard clients
  // at 1M recalls); with two, p99 0.65 s and max 0.74 s at the same dashboard throughput
  // (bench/ingest-load.bench.ts, docs/benchmarks.md). Queued reads wait up to connectionTimeoutMs.
  dashboard: { statementTimeoutMs: 5_000, lockTimeoutMs: 1_500, connectionTimeoutMs: 3_000, max: 2 },
  // CSV exports read their pages here (lib/export/postgres-pages.ts), one query at a time each, so
  // that several long exports cannot hold the dashboard's connections.
  export: { statementTimeoutMs: 5_000, lockTimeoutMs: 1_500, connectionTimeoutMs: 3_000, max: 4 },
} as const;
export type PostgresPoolRole = keyof typeof POSTGRES_POOLS;

/**
 * The dashboard's SQLite reads: threads, per-query budget (queue wait included), queue bound.
 * One core is left to the receiver: with 10 dashboard clients on 1M recalls on 2 cores, two
 * threads left callbacks 0.42 of their unloaded rate (p99 216 ms), one thread 0.72 (p99 138 ms)
 * for 30% fewer dashboard answers (bench/ingest-load.bench.ts, docs/benchmarks.md).
 */
export const SQLITE_READ_POOL = { size: CORES_BUT_ONE, budgetMs: 5_000, maxQueued: 256 } as const;

/** PrismaPg, reporting its pool's use to /api/metrics once it has connected. */
function watchedPg(role: PostgresPoolRole, options: ConstructorParameters<typeof PrismaPg>[0]): PrismaPg {
  const factory = new PrismaPg(options);
  const connectPool = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connectPool();
    const pool = adapter.underlyingDriver();
    watchPool(role, () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
    return adapter;
  };
  return factory;
}

async function connect(database: Config["database"], role: PostgresPoolRole = "receiver"): Promise<Db> {
  if (database.dialect === "postgresql") {
    const pool = POSTGRES_POOLS[role];
    const adapter = watchedPg(role, {
      connectionString: database.url,
      connectionTimeoutMillis: pool.connectionTimeoutMs,
      // A locked table or a stalled server fails the request instead of hanging.
      statement_timeout: pool.statementTimeoutMs,
      lock_timeout: pool.lockTimeoutMs,
      max: pool.max,
      application_name: `recall-monitor-${role}`,
    });
    // Both generated clients come from the same models; only provider-specific filter options
    // (none of which we use) differ in their types.
    return withDatabase(new PostgresClient({ adapter }) as unknown as Db, database);
  }
  mkdirSync(path.dirname(database.file), { recursive: true });
  const client = new SqliteClient({
    adapter: new PrismaBetterSqlite3({ url: `file:${database.file}`, timeout: SQLITE_BUSY_TIMEOUT_MS }),
  });
  // WAL lets the dashboard read while callbacks write; synchronous=FULL makes every commit
  // durable before the callback is answered OK, even across a power cut. The adapter holds one
  // connection, so per-connection pragmas set here hold for the client's lifetime.
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$queryRawUnsafe("PRAGMA synchronous = FULL");
  return withDatabase(client, database);
}

// One read pool per SQLite file and process, kept across Next.js dev reloads: the dashboard's
// Prisma client and the CSV export share its threads.
const poolHolder = globalThis as unknown as { recallMonitorReadPools?: Map<string, SqliteReadPool> };
poolHolder.recallMonitorReadPools ??= new Map();
const pools = poolHolder.recallMonitorReadPools;

/** The worker threads that read `file` for the dashboard (lib/db/sqlite-read-pool.ts). Nothing opens until the first query. */
export function sqliteReadPoolFor(file: string): SqliteReadPool {
  let pool = pools.get(file);
  if (!pool) {
    const created = new SqliteReadPool({ file, busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS, ...SQLITE_READ_POOL });
    pool = created;
    pools.set(file, created);
    watchPool("sqlite-read", () => created.use());
  }
  return pool;
}

// One node-postgres pool per database URL and process for the CSV export's pages, kept across
// Next.js dev reloads like the SQLite read pools.
const pgHolder = globalThis as unknown as { recallMonitorExportPools?: Map<string, pg.Pool> };
pgHolder.recallMonitorExportPools ??= new Map();
const exportPools = pgHolder.recallMonitorExportPools;

/** The pool the CSV export reads PostgreSQL with. Nothing connects until the first query. */
export function postgresExportPoolFor(url: string): pg.Pool {
  let pool = exportPools.get(url);
  if (!pool) {
    const limits = POSTGRES_POOLS.export;
    const created = new pg.Pool({
      connectionString: url,
      connectionTimeoutMillis: limits.connectionTimeoutMs,
      statement_timeout: limits.statementTimeoutMs,
      lock_timeout: limits.lockTimeoutMs,
      max: limits.max,
      application_name: "recall-monitor-export",
    });
    // An idle connection the server drops must not crash the process (node-postgres emits it here).
    created.on("error", () => {});
    pool = created;
    exportPools.set(url, created);
    watchPool("export", () => ({ total: created.totalCount, idle: created.idleCount, waiting: created.waitingCount }));
  }
  return pool;
}

/** A Prisma client whose queries run on the read pool's threads. */
function connectSqliteReader(database: Extract<Config["database"], { dialect: "sqlite" }>): Db {
  return withDatabase(new SqliteClient({ adapter: sqliteReadPoolAdapter(sqliteReadPoolFor(database.file)) }), database);
}

// One client per role and process, kept across Next.js dev reloads. A failed connection attempt
// is not cached, so the app recovers by itself once the database is back.
type Holder = { recallMonitorDb?: Promise<Db>; recallMonitorReceiverDb?: Promise<Db>; recallMonitorReadDb?: Promise<Db> };
const holder = globalThis as unknown as Holder;

function once(key: keyof Holder, open: () => Promise<Db>): Promise<Db> {
  let pending = holder[key];
  if (!pending) {
    const opening = open();
    pending = opening;
    holder[key] = opening;
    opening.catch(() => {
      if (holder[key] === opening) holder[key] = undefined;
    });
  }
  return pending;
}

/**
 * The read-write client for everything but the receiver and the dashboard's reads: the export
 * log, health, scripts. On PostgreSQL it shares the dashboard's pool.
 */
export function getDb(): Promise<Db> {
  return once("recallMonitorDb", () => connect(config.database, "dashboard"));
}

/**
 * The dashboard's reads. On SQLite they run on worker threads, off the event loop that answers
 * callbacks; on PostgreSQL, on the dashboard's pool. Read-only: writes go through getDb().
 */
export function getReadDb(): Promise<Db> {
  const database = config.database;
  if (database.dialect === "postgresql") return getDb();
  return once("recallMonitorReadDb", async () => connectSqliteReader(database));
}

/**
 * The receiver's client. On PostgreSQL a pool of its own with IM-sized timeouts; on SQLite the
 * receiver writes on its own thread (lib/recalls/sqlite-writer.ts) and this is getDb().
 */
export function getReceiverDb(): Promise<Db> {
  if (config.database.dialect === "sqlite") return getDb();
  return once("recallMonitorReceiverDb", () => connect(config.database, "receiver"));
}

/** For scripts and tests that open their own client against another database. */
export { connect as connectDb };
