// On SQLite the export reads its pages with better-sqlite3 directly instead of through Prisma:
// Prisma's raw-query result mapping (a Date per time, an object per row) made a page cost 2-3x
// more than the query itself (bench/export.bench.ts). The pages are read on the dashboard's
// read-only worker threads (lib/db/sqlite-read-pool.ts), so that a long export never holds up
// the event loop that answers IM callbacks. The SQL is the same parameterised Prisma.Sql; only
// the parameter and result conversions that the Prisma adapter would do are done here, and the
// same integration tests cover both paths.
import { type Prisma, sqliteReadPoolFor } from "@/lib/db/client";

// How @prisma/adapter-better-sqlite3 (timestampFormat "iso8601") stores a DateTime.
const toStoredTime = (d: Date) => d.toISOString().replace("Z", "+00:00");
const STORED_UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;

/** A stored DateTime as ISO 8601 UTC with milliseconds (`…Z`). */
export function storedTimeToIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" && STORED_UTC_MS.test(value)) return `${value.slice(0, 23)}Z`;
  // Any other spelling SQLite may hold (unix ms from another writer, another offset).
  return new Date(typeof value === "bigint" ? Number(value) : (value as string | number)).toISOString();
}

const toParam = (v: unknown) => (v instanceof Date ? toStoredTime(v) : typeof v === "boolean" ? Number(v) : v);

/** Reads rows of a query as arrays of column values, in SELECT order (integers as bigint), on the shared read threads. */
export function sqliteRows(file: string): (query: Prisma.Sql) => Promise<unknown[][]> {
  const pool = sqliteReadPoolFor(file);
  return async (query) => (await pool.run(query.sql, query.values.map(toParam))).values;
}
