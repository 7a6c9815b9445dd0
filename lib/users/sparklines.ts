// Sparkline data for one page of the users list: each user's reported unread count over the range,
// as the last value reported in each of `points` equal slices (null where none was reported).
// One index seek per user and slice, so heavy recipients cost no more than anyone else.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { timeSlices } from "@/lib/db/time-slices";
import { dateRangeShape, sdkAppIdParam, sinceNotAfterUntil, userIdParam } from "@/lib/recalls/filters";
import { trendRange } from "@/lib/users/trend";
import { lastUnreadPerSlice } from "@/lib/users/unread-samples";

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
  const series = new Map(query.user.map((u) => [u, Array<number | null>(query.points).fill(null)]));
  for (const p of await lastUnreadPerSlice(db, query.user, slices, query.sdkAppId)) {
    const values = series.get(p.userId);
    if (values) values[p.slice] = p.unreadMsgNum;
  }
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    points: query.points,
    items: [...series].map(([userId, values]) => ({ userId, values })),
  };
}
export type UnreadSparklines = Awaited<ReturnType<typeof getUnreadSparklines>>;
