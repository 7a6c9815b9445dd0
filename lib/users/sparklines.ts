// Sparkline data for one page of the users list: each user's reported unread count over the range,
// as the highest value reported in each of `points` equal slices (null where none was reported).
// One query for the whole page.
import { z } from "zod";
import { type Db, Prisma } from "@/lib/db/client";
import { sliceOf, timeSlices } from "@/lib/db/time-slices";
import { toNumber } from "@/lib/db/values";
import { dateRangeShape, sdkAppIdParam, sinceNotAfterUntil, userIdParam } from "@/lib/recalls/filters";
import { trendRange } from "@/lib/users/trend";

export const MAX_SPARKLINE_USERS = 100;

export const unreadSparklinesQuerySchema = z
  .object({
    /** Repeated: `?user=alice&user=bob`. */
    user: z
      .union([userIdParam, z.array(userIdParam)])
      .transform((v) => [...new Set(Array.isArray(v) ? v : [v])])
      .pipe(z.array(z.string()).max(MAX_SPARKLINE_USERS, { error: `expected at most ${MAX_SPARKLINE_USERS} users` })),
    points: z
      .string()
      .regex(/^\d+$/, { error: "expected a whole number from 2 to 200" })
      .transform(Number)
      .pipe(z.number().int().min(2, { error: "expected at least 2" }).max(200, { error: "expected at most 200" }))
      .default(24),
    sdkAppId: sdkAppIdParam.optional(),
    ...dateRangeShape,
  })
  .superRefine(sinceNotAfterUntil);
export type UnreadSparklinesQuery = z.output<typeof unreadSparklinesQuerySchema>;

export async function getUnreadSparklines(db: Db, query: UnreadSparklinesQuery) {
  const { since, until } = trendRange(query);
  const slices = timeSlices(since, until, query.points);
  const slice = sliceOf(Prisma.sql`received_at`, slices);
  const series = new Map(query.user.map((u) => [u, Array<number | null>(query.points).fill(null)]));
  if (query.user.length > 0) {
    const rows = await db.$queryRaw<{ user_id: string; slice: unknown; unread: unknown }[]>`
      SELECT user_id, slice, MAX(unread) AS unread FROM (
        SELECT to_account AS user_id, ${slice} AS slice, unread_msg_num AS unread FROM recalls
        WHERE to_account IN (${Prisma.join(query.user)}) AND received_at >= ${since} AND received_at < ${until}
          AND unread_msg_num IS NOT NULL ${query.sdkAppId !== undefined ? Prisma.sql`AND sdk_app_id = ${query.sdkAppId}` : Prisma.empty}
      ) t GROUP BY user_id, slice`;
    for (const r of rows) {
      const values = series.get(r.user_id);
      if (values) values[toNumber(r.slice)] = toNumber(r.unread);
    }
  }
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    points: query.points,
    items: [...series].map(([userId, values]) => ({ userId, values })),
  };
}
export type UnreadSparklines = Awaited<ReturnType<typeof getUnreadSparklines>>;
