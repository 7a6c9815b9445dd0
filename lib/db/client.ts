// The Prisma client for the configured database. SQLite and PostgreSQL each have a client
// generated from the same models (prisma/sqlite is the source, prisma/postgresql is derived), so
// the rest of the code sees one type.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { type Config, config } from "@/lib/config";
import { PrismaClient as PostgresClient } from "@/lib/db/generated/postgresql/client";
import { PrismaClient as SqliteClient } from "@/lib/db/generated/sqlite/client";

export { Prisma } from "@/lib/db/generated/sqlite/client";
export type Db = SqliteClient;

// How long a write may wait for a lock held by another process before failing. Short, because
// IM gives up on a callback after 2 s and better-sqlite3 waits synchronously.
const SQLITE_BUSY_TIMEOUT_MS = 250;
const POSTGRES_TIMEOUT_MS = 1_500;

async function connect(database: Config["database"]): Promise<Db> {
  if (database.dialect === "postgresql") {
    const adapter = new PrismaPg({
      connectionString: database.url,
      connectionTimeoutMillis: POSTGRES_TIMEOUT_MS,
      // A locked table or a stalled server fails the request instead of hanging past IM's timeout.
      statement_timeout: POSTGRES_TIMEOUT_MS,
      lock_timeout: POSTGRES_TIMEOUT_MS,
      max: 10,
    });
    // Both generated clients come from the same models; only provider-specific filter options
    // (none of which we use) differ in their types.
    return new PostgresClient({ adapter }) as unknown as Db;
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
  return client;
}

// One client per process, kept across Next.js dev reloads. A failed connection attempt is not
// cached, so the app recovers by itself once the database is back.
const holder = globalThis as unknown as { recallMonitorDb?: Promise<Db> };

export function getDb(): Promise<Db> {
  if (!holder.recallMonitorDb) {
    const pending = connect(config.database);
    holder.recallMonitorDb = pending;
    pending.catch(() => {
      if (holder.recallMonitorDb === pending) holder.recallMonitorDb = undefined;
    });
  }
  return holder.recallMonitorDb;
}

/** For scripts and tests that open their own client against another database. */
export { connect as connectDb };
