// The recall log's filters as a parameterised SQL condition, for the export's raw keyset queries.
//
// Why not the Prisma `where` that the JSON API uses: findMany turns every row into an object via
// Prisma's generic result mapping, which halves the export's throughput compared with a raw query
// returning the same columns (bench/export.bench.ts). The filters are parsed by the same shared
// schema; this only translates the parsed values, one clause per field with the same meaning as
// recallWhere(). The mapped type below makes a filter added to the schema a compile error here
// until it is translated, and tests/integration/export.test.ts checks each filter against GET
// /api/recalls.
import { Prisma } from "@/lib/db/client";
import { ADMIN_PLATFORM, type RecallFilters } from "@/lib/recalls/filters";

type Clauses = { [K in keyof RecallFilters]-?: (value: NonNullable<RecallFilters[K]>) => Prisma.Sql };

const CLAUSES: Clauses = {
  user: (v) => Prisma.sql`(from_account = ${v} OR to_account = ${v})`,
  from: (v) => Prisma.sql`from_account = ${v}`,
  to: (v) => Prisma.sql`to_account = ${v}`,
  // The schema has already normalised the spelling (ios -> iOS), like the stored column.
  platform: (v) => Prisma.sql`opt_platform = ${v}`,
  ip: (v) => Prisma.sql`client_ip = ${v}`,
  msgKey: (v) => Prisma.sql`msg_key = ${v}`,
  sdkAppId: (v) => Prisma.sql`sdk_app_id = ${v}`,
  kind: (v) =>
    v === "admin" ? Prisma.sql`opt_platform = ${ADMIN_PLATFORM}` : Prisma.sql`(opt_platform IS NULL OR opt_platform <> ${ADMIN_PLATFORM})`,
  since: (v) => Prisma.sql`received_at >= ${v}`,
  until: (v) => Prisma.sql`received_at < ${v}`,
};

/** The conditions for `filters`, joined with AND; `TRUE`-like `1 = 1` when there are none. */
export function recallFilterSql(filters: RecallFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  for (const key of Object.keys(CLAUSES) as (keyof RecallFilters)[]) {
    const value = filters[key];
    if (value === undefined) continue;
    parts.push((CLAUSES[key] as (v: typeof value) => Prisma.Sql)(value));
  }
  return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`1 = 1`;
}
