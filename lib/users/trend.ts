// One user over time: every UnreadMsgNum reported on the recalls they received (read from
// recalls through the to_account index; sampled past MAX_UNREAD_POINTS), and recalls sent/received per hour or UTC day (from
// user_hourly_counts; days are summed here, which works the same on both databases).
import { z } from "zod";
import { type Db, Prisma } from "@/lib/db/client";
import { bucketMs, checkBucketCount, timeSlices } from "@/lib/db/time-slices";
import { toDate, toNumber } from "@/lib/db/values";
import { timeToRecallStats } from "@/lib/messages/time-to-recall";
import { hourStart } from "@/lib/recalls/aggregates";
import { dateRangeShape, rangeStart, sdkAppIdParam, sinceNotAfterUntil } from "@/lib/recalls/filters";
import { lastUnreadPerSlice } from "@/lib/users/unread-samples";

const DAY_MS = 24 * 3_600_000;
/** Default range when `since` is not given. */
export const DEFAULT_TREND_DAYS = 30;
/** Up to this many recalls received in the range, every unread count is returned. */
export const MAX_UNREAD_POINTS = 2_000;
const UNREAD_SLICES = 400;

export const userTrendQuerySchema = z
  .object({
    ...dateRangeShape,
    bucket: z.enum(["hour", "day"], { error: "expected hour or day" }).default("hour"),
    sdkAppId: sdkAppIdParam.optional(),
  })
  .superRefine(sinceNotAfterUntil);
export type UserTrendQuery = z.output<typeof userTrendQuerySchema>;

/** The range a trend covers: `until` defaults to now and `since` to DEFAULT_TREND_DAYS before it. */
export function trendRange(query: { since?: Date; until?: Date }, now = new Date()) {
  const until = query.until ?? now;
  const since = query.since ?? rangeStart(until, DEFAULT_TREND_DAYS * DAY_MS);
  return { since, until };
}

const appCondition = (sdkAppId: string | undefined) => (sdkAppId !== undefined ? Prisma.sql`AND sdk_app_id = ${sdkAppId}` : Prisma.empty);

/** Start of each bucket overlapping [since, until), in UTC. Call checkBucketCount first. */
function bucketStarts(since: Date, until: Date, size: number): number[] {
  const starts: number[] = [];
  const first = Math.floor(since.getTime() / size) * size;
  for (let t = first; t < until.getTime() || (t === first && since.getTime() === until.getTime()); t += size) starts.push(t);
  return starts;
}

export async function getUserTrend(db: Db, userId: string, query: UserTrendQuery) {
  const { since, until } = trendRange(query);
  // Counted before any bucket is built: the range alone may ask for millions.
  checkBucketCount(since, until, query.bucket);
  const size = bucketMs(query.bucket);
  const starts = bucketStarts(since, until, size);
  const app = appCondition(query.sdkAppId);
  const hourRows = await db.$queryRaw<{ hour_start: unknown; sent: unknown; received: unknown }[]>`
    SELECT hour_start, SUM(sent) AS sent, SUM(received) AS received FROM user_hourly_counts
    WHERE user_id = ${userId} AND hour_start >= ${hourStart(since)} AND hour_start < ${until} ${app}
    GROUP BY hour_start`;

  const messageRows = await db.$queryRaw<{ sent: unknown; received: unknown }[]>`
    SELECT SUM(sent) AS sent, SUM(received) AS received FROM user_message_hours
    WHERE user_id = ${userId} AND hour_start >= ${hourStart(since)} AND hour_start < ${until} ${app}`;
  const messagesSent = toNumber(messageRows[0]?.sent ?? 0);
  const messagesReceived = toNumber(messageRows[0]?.received ?? 0);

  const buckets = new Map(starts.map((t) => [t, { sent: 0, received: 0 }]));
  let received = 0;
  let recallsSent = 0;
  for (const r of hourRows) {
    const t = Math.floor(toDate(r.hour_start).getTime() / size) * size;
    const n = toNumber(r.received);
    received += n;
    recallsSent += toNumber(r.sent);
    const b = buckets.get(t);
    if (!b) continue;
    b.sent += toNumber(r.sent);
    b.received += n;
  }
  return {
    userId,
    since: since.toISOString(),
    until: until.toISOString(),
    bucket: query.bucket,
    /** From C2C.CallbackAfterSendMsg counts over the range's whole hours; rate null without messages sent. */
    messages: {
      sent: messagesSent,
      received: messagesReceived,
      recallsSent,
      recallRate: messagesSent > 0 ? recallsSent / messagesSent : null,
    },
    /** The user's own recalls (as sender): median and distribution of time to recall. */
    timeToRecall: await timeToRecallStats(db, { from: userId, since, until, sdkAppId: query.sdkAppId }),
    ...(await unreadPoints(db, userId, since, until, query.sdkAppId, received)),
    buckets: [...buckets].map(([t, b]) => ({ start: new Date(t).toISOString(), sent: b.sent, received: b.received })),
  };
}

/**
 * Every reported unread count, up to MAX_UNREAD_POINTS recalls in the range (the hourly counts
 * tell how many there are without reading them). Past that no chart can show each point, and
 * reading them all would make the page slow for exactly the users staff look at most: each of
 * UNREAD_SLICES equal slices of the range then gives the last count reported in it, with its
 * time, and `unreadSampled` says so (narrowing the range brings back every point).
 */
async function unreadPoints(db: Db, userId: string, since: Date, until: Date, sdkAppId: string | undefined, receivedInRange: number) {
  const where = Prisma.sql`to_account = ${userId} AND received_at >= ${since} AND received_at < ${until}
    ${appCondition(sdkAppId)} AND unread_msg_num IS NOT NULL`;
  if (receivedInRange <= MAX_UNREAD_POINTS) {
    const rows = await db.$queryRaw<{ received_at: unknown; unread_msg_num: unknown }[]>`
      SELECT received_at, unread_msg_num FROM recalls WHERE ${where} ORDER BY received_at, id`;
    return {
      unread: rows.map((r) => ({ at: toDate(r.received_at).toISOString(), unreadMsgNum: toNumber(r.unread_msg_num) })),
      unreadSampled: null,
    };
  }
  const slices = timeSlices(since, until, UNREAD_SLICES);
  const samples = await lastUnreadPerSlice(db, [userId], slices, sdkAppId);
  samples.sort((a, b) => a.slice - b.slice);
  return {
    unread: samples.map((p) => ({ at: p.at.toISOString(), unreadMsgNum: p.unreadMsgNum })),
    unreadSampled: { sliceMs: Math.round(slices.sliceMs), recalls: receivedInRange },
  };
}
export type UserTrend = Awaited<ReturnType<typeof getUserTrend>>;

// ---- counterparts ---------------------------------------------------------------------------

export const userCounterpartsQuerySchema = z
  .object({
    ...dateRangeShape,
    sdkAppId: sdkAppIdParam.optional(),
    limit: z
      .string()
      .regex(/^\d+$/, { error: "expected a whole number from 1 to 100" })
      .transform(Number)
      .pipe(z.number().int().min(1).max(100, { error: "expected at most 100" }))
      .default(10),
  })
  .superRefine(sinceNotAfterUntil);
export type UserCounterpartsQuery = z.output<typeof userCounterpartsQuerySchema>;

/** The users this user exchanges recalls with most in the range (default: all time), both directions. */
export async function getUserCounterparts(db: Db, userId: string, query: UserCounterpartsQuery) {
  const range = Prisma.sql`${query.since ? Prisma.sql`AND received_at >= ${query.since}` : Prisma.empty}
    ${query.until ? Prisma.sql`AND received_at < ${query.until}` : Prisma.empty} ${appCondition(query.sdkAppId)}`;
  const [sentTo, receivedFrom] = await Promise.all([
    db.$queryRaw<{ counterpart: string; n: unknown }[]>`
      SELECT to_account AS counterpart, COUNT(*) AS n FROM recalls WHERE from_account = ${userId} ${range} GROUP BY to_account`,
    db.$queryRaw<{ counterpart: string; n: unknown }[]>`
      SELECT from_account AS counterpart, COUNT(*) AS n FROM recalls WHERE to_account = ${userId} ${range} GROUP BY from_account`,
  ]);
  const byUser = new Map<string, { userId: string; sent: number; received: number; total: number }>();
  const entry = (id: string) => {
    let e = byUser.get(id);
    if (!e) {
      e = { userId: id, sent: 0, received: 0, total: 0 };
      byUser.set(id, e);
    }
    return e;
  };
  for (const r of sentTo) entry(r.counterpart).sent += toNumber(r.n);
  for (const r of receivedFrom) entry(r.counterpart).received += toNumber(r.n);
  for (const e of byUser.values()) e.total = e.sent + e.received;
  const items = [...byUser.values()]
    .sort((a, b) => b.total - a.total || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
    .slice(0, query.limit);
  // sent: recalls this user made to the counterpart; received: recalls the counterpart made to them.
  return { userId, items };
}
export type UserCounterparts = Awaited<ReturnType<typeof getUserCounterparts>>;
