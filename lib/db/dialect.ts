/** The two databases the app runs on. */
export type Dialect = "sqlite" | "postgresql";

// Each client's dialect, recorded by connectDb (lib/db/client.ts) when it creates the client: the
// one place that knows, because it chose the adapter. Nothing reads Prisma's internals or the
// configuration to guess it, so a script's or a test's own client always gets its own SQL.
// On globalThis because Next.js may bundle this module once per route: the route that asks must
// see what the module instance that created the client recorded.
const holder = globalThis as unknown as { recallMonitorDialects?: WeakMap<object, Dialect> };
holder.recallMonitorDialects ??= new WeakMap();
const dialects = holder.recallMonitorDialects;

/** Records `db`'s dialect; returns `db`. Called only where clients are created. */
export function withDialect<T extends object>(db: T, dialect: Dialect): T {
  dialects.set(db, dialect);
  return db;
}

/**
 * Which database a client talks to, for the queries that must be written differently on each.
 * Only for clients from connectDb/getDb (not a transaction's `tx`: ask before opening it).
 */
export function dialectOf(db: object): Dialect {
  const dialect = dialects.get(db);
  if (!dialect) throw new Error("dialectOf: this client was not opened by lib/db/client.ts");
  return dialect;
}

/** The choice for `db`'s database: `byDialect(db, { sqlite: a, postgresql: b })`. */
export function byDialect<T>(db: object, choices: { sqlite: T; postgresql: T }): T {
  return choices[dialectOf(db)];
}
