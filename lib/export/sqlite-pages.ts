// On SQLite the export reads its pages with better-sqlite3 directly, on a read-only connection of
// its own, instead of through Prisma: Prisma's raw-query result mapping (a Date per time, an
// object per row) made a page cost 2-3x more than the query itself (bench/export.bench.ts). The
// SQL is the same parameterised Prisma.Sql; only the parameter and result conversions that the
// Prisma adapter would do are done here, and the same integration tests cover both paths.
import Database from "better-sqlite3";
import type { Prisma } from "@/lib/db/client";

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

export type SqliteReader = {
  /** Rows of `query` as arrays of column values, in SELECT order. */
  all(query: Prisma.Sql): unknown[][];
  close(): void;
};

export function openSqliteReader(file: string): SqliteReader {
  const conn = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
  const statements = new Map<string, Database.Statement>();
  return {
    all(query) {
      let stmt = statements.get(query.sql);
      if (!stmt) {
        stmt = conn.prepare(query.sql).raw(true);
        statements.set(query.sql, stmt);
      }
      return stmt.all(...query.values.map(toParam)) as unknown[][];
    },
    close() {
      if (conn.open) conn.close();
    },
  };
}
