import type { Config } from "@/lib/config";

/** The two databases the app runs on. */
export type Dialect = Config["database"]["dialect"];

// Each client's database (and so its dialect), recorded by connectDb (lib/db/client.ts) when it
// creates the client: the one place that knows, because it chose the adapter. Nothing reads
// Prisma's internals or the configuration to guess it, so a script's or a test's own client
// always gets its own SQL, and code that needs the SQLite file (the export's page reader) gets
// the file this client has open, never another one.
// On globalThis because Next.js may bundle this module once per route (and once for
// instrumentation.ts): the module instance that asks must see what the one that created the
// client recorded.
const holder = globalThis as unknown as { recallMonitorDatabases?: WeakMap<object, Config["database"]> };
holder.recallMonitorDatabases ??= new WeakMap();
const databases = holder.recallMonitorDatabases;

/** Records which database `db` talks to; returns `db`. Called only where clients are created. */
export function withDatabase<T extends object>(db: T, database: Config["database"]): T {
  databases.set(db, database);
  return db;
}

/**
 * The database a client talks to. Only for clients from lib/db/client.ts (not a transaction's
 * `tx`: ask before opening it).
 */
export function databaseOf(db: object): Config["database"] {
  const database = databases.get(db);
  if (!database) throw new Error("databaseOf: this client was not opened by lib/db/client.ts");
  return database;
}

/** Which database a client talks to, for the queries that must be written differently on each. */
export function dialectOf(db: object): Dialect {
  return databaseOf(db).dialect;
}

/** The choice for `db`'s database: `byDialect(db, { sqlite: a, postgresql: b })`. */
export function byDialect<T>(db: object, choices: { sqlite: T; postgresql: T }): T {
  return choices[dialectOf(db)];
}
