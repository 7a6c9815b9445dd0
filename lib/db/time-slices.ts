// Which of n equal time slices a row's timestamp falls in, as SQL that reads the same on SQLite
// (ISO text) and PostgreSQL (timestamp): date arithmetic differs between the two, comparisons
// with bound Date parameters do not. The CASE is a balanced tree, so each row costs about
// log2(n) comparisons, not n.
import { Prisma } from "@/lib/db/client";

export type TimeSlices = { since: Date; until: Date; count: number; sliceMs: number; startOf(slice: number): Date };

export function timeSlices(since: Date, until: Date, count: number): TimeSlices {
  const sliceMs = Math.max(1, (until.getTime() - since.getTime()) / count);
  return { since, until, count, sliceMs, startOf: (slice) => new Date(Math.round(since.getTime() + slice * sliceMs)) };
}

/** SQL evaluating to the slice number (0..count-1) of `column`, for rows already within [since, until). */
export function sliceOf(column: Prisma.Sql, slices: TimeSlices): Prisma.Sql {
  const build = (lo: number, hi: number): Prisma.Sql => {
    // Slice numbers are integers computed here, written as literals so both databases type them alike.
    if (lo === hi) return Prisma.raw(String(lo));
    const mid = Math.ceil((lo + hi) / 2);
    return Prisma.sql`CASE WHEN ${column} < ${slices.startOf(mid)} THEN ${build(lo, mid - 1)} ELSE ${build(mid, hi)} END`;
  };
  return build(0, slices.count - 1);
}
