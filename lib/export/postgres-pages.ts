// On PostgreSQL the export reads its pages with node-postgres directly instead of through Prisma,
// as on SQLite (sqlite-pages.ts) and for the same reason: Prisma's raw-query result mapping (an
// object and a Date per row) cost more than the query, and a 1M-row export grew the server's RSS
// by about 260 MB through it (bench/export.bench.ts). Rows come back as arrays in SELECT order,
// times as the database's own text, so no time zone of this process can shift them.
import pg from "pg";
import type { Prisma } from "@/lib/db/client";
import { postgresExportPoolFor } from "@/lib/db/client";

const TIMESTAMP_OID = 1114; // timestamp without time zone, how Prisma stores a DateTime here
const INT8_OID = 20;

// Times and 64-bit integers as text; everything else as node-postgres parses it (bytea as a Buffer).
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID || oid === INT8_OID
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/** A stored timestamp's text (`2026-11-26 09:25:09.4`, UTC wall time) as ISO 8601 with milliseconds. */
export function pgTimeToIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return new Date(`${String(value).replace(" ", "T")}Z`).toISOString();
}

// A timestamp without time zone ignores the offset of its input, so the UTC text is what is stored.
const toParam = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

/** Reads rows of a query as arrays of column values, in SELECT order, on the export's pool (shared by the process's exports). */
export function postgresRows(url: string): (query: Prisma.Sql) => Promise<unknown[][]> {
  const pool = postgresExportPoolFor(url);
  return async (query) => {
    const result = await pool.query({ text: query.text, values: query.values.map(toParam), rowMode: "array", types });
    return result.rows as unknown[][];
  };
}
