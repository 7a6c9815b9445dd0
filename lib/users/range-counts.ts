// Recalls sent and received per user over a range of whole UTC hours, as rows to be summed per
// user: the whole UTC days inside the range come from the daily rollup (user_daily_counts, one
// row per user-day), the hours before the first and after the last whole day from
// user_hourly_counts. A 7-day range then reads about 7 rows per active user plus at most 2 x 23
// hours, instead of up to 168 (docs/benchmarks.md, "`/api/users` for a 7-day range"). The sums
// are the same as the hours' alone: the rollup is kept equal to them in the same transactions.
import { Prisma } from "@/lib/db/client";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The whole days of the hours h with from <= h < until (from an hour start, as the callers'
 * ranges are): [firstDay, lastDay], or null when the range holds no whole day. Only bounds
 * inside the range are returned, so a bound never passes the latest date the database can hold.
 */
export function wholeDays(from: Date, until: Date): { firstDay: Date; lastDay: Date } | null {
  // Hours before `until` are those before its next hour start; of those, whole days end at a midnight.
  const end = Math.floor((Math.ceil(until.getTime() / HOUR_MS) * HOUR_MS) / DAY_MS) * DAY_MS;
  const first = Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
  if (first + DAY_MS > end) return null;
  return { firstDay: new Date(first), lastDay: new Date(end - DAY_MS) };
}

/**
 * Rows (sdk_app_id, user_id, sent, received) whose per-user sums are the user's recalls in the
 * hours h with from <= h < until; `where` filters each table (on sdk_app_id and user_id only).
 */
export function userCountRows(from: Date, until: Date, where: Prisma.Sql): Prisma.Sql {
  const hours = (start: Date, end: Prisma.Sql) => Prisma.sql`SELECT sdk_app_id, user_id, sent, received FROM user_hourly_counts
    WHERE hour_start >= ${start} AND ${end} AND ${where}`;
  const days = wholeDays(from, until);
  if (!days) return hours(from, Prisma.sql`hour_start < ${until}`);
  const parts = [
    Prisma.sql`SELECT sdk_app_id, user_id, sent, received FROM user_daily_counts
      WHERE day_start >= ${days.firstDay} AND day_start <= ${days.lastDay} AND ${where}`,
  ];
  if (from < days.firstDay) parts.push(hours(from, Prisma.sql`hour_start < ${days.firstDay}`));
  const afterDays = new Date(days.lastDay.getTime() + DAY_MS);
  if (afterDays < until) parts.push(hours(afterDays, Prisma.sql`hour_start < ${until}`));
  return Prisma.join(parts, " UNION ALL ");
}
