// Recalls per user. All time, rows come straight from user_stats (kept current at ingest) in the
// order of one of its indexes; for a time range, sent/received are summed from
// user_hourly_counts, so a range counts the whole UTC hours it overlaps (hour granularity), and
// lists only users with a recall in the range; lastUnreadMsgNum and lastRecallAt are always the
// current (latest) values. A range's whole UTC days are read from the daily rollup
// (lib/users/range-counts.ts), with the same sums.
// Keyset pagination on (sort column, userId, sdkAppId); a missing lastUnreadMsgNum sorts last in
// either order.
import { z } from "zod";
import { encodeCursor } from "@/lib/api/cursor";
import { type Db, Prisma } from "@/lib/db/client";
import { toDate, toNullableNumber, toNumber } from "@/lib/db/values";
import { hourStart } from "@/lib/recalls/aggregates";
import { dateRangeShape, LATEST_DATE, NUL_REFUSED, pagingShape, sdkAppIdParam, sinceNotAfterUntil } from "@/lib/recalls/filters";
import { userCountRows } from "@/lib/users/range-counts";

export const USER_SORTS = ["userId", "recallsSent", "recallsReceived", "lastUnreadMsgNum", "lastRecallAt", "recallRate"] as const;
export type UserSort = (typeof USER_SORTS)[number];

const SORT_COLUMN: Record<UserSort, string> = {
  userId: "user_id",
  recallsSent: "recalls_sent",
  recallsReceived: "recalls_received",
  lastUnreadMsgNum: "last_unread_msg_num",
  lastRecallAt: "last_recall_at",
  recallRate: "recall_rate",
};
/** Sorts whose value may be missing (sorted last in either order). */
const NULLABLE_SORTS: readonly UserSort[] = ["lastUnreadMsgNum", "recallRate"];

/** Sort value (ms for lastRecallAt, null for a missing unread count), userId, sdkAppId. */
export const userCursorShape = z.object({ v: z.union([z.number(), z.string(), z.null()]), u: z.string(), a: z.string() });
export type UserCursor = z.output<typeof userCursorShape>;

export const userListQuerySchema = z
  .object({
    /** User ID prefix, case-sensitive (IM user IDs are). */
    q: z
      .string()
      .max(256, { error: "expected at most 256 characters" })
      .refine(...NUL_REFUSED)
      .optional(),
    sort: z.enum(USER_SORTS, { error: `expected one of ${USER_SORTS.join(", ")}` }).default("recallsSent"),
    order: z.enum(["asc", "desc"], { error: "expected asc or desc" }).default("desc"),
    sdkAppId: sdkAppIdParam.optional(),
    ...dateRangeShape,
    ...pagingShape(userCursorShape),
  })
  .superRefine(sinceNotAfterUntil);
export type UserListQuery = z.output<typeof userListQuerySchema>;

type UserRow = {
  sdk_app_id: string;
  user_id: string;
  recalls_sent: unknown;
  recalls_received: unknown;
  last_unread_msg_num: unknown;
  last_recall_at: unknown;
  messages_sent: unknown;
  recall_rate: unknown;
};

function toUserItem(r: UserRow) {
  return {
    userId: r.user_id,
    sdkAppId: r.sdk_app_id,
    recallsSent: toNumber(r.recalls_sent),
    recallsReceived: toNumber(r.recalls_received),
    lastUnreadMsgNum: toNullableNumber(r.last_unread_msg_num),
    lastRecallAt: toDate(r.last_recall_at).toISOString(),
    /** Messages sent in the range (C2C.CallbackAfterSendMsg), 0 when none were counted. */
    messagesSent: toNumber(r.messages_sent),
    /** Recalls sent / messages sent in the range; null without counted messages. */
    recallRate: r.recall_rate === null || r.recall_rate === undefined ? null : Number(r.recall_rate),
  };
}
export type UserItem = ReturnType<typeof toUserItem>;

/** `substr` rather than LIKE: exact and case-sensitive on both databases, whatever the collation. */
function prefixCondition(column: Prisma.Sql, q: string | undefined): Prisma.Sql {
  return q ? Prisma.sql`substr(${column}, 1, ${[...q].length}) = ${q}` : Prisma.sql`1 = 1`;
}

function cursorValue(sort: UserSort, v: UserCursor["v"]): unknown {
  return sort === "lastRecallAt" && typeof v === "number" ? new Date(v) : v;
}

/** Rows strictly after the cursor in (col, user_id, sdk_app_id) order, bounded on col for index range scans. */
function keyset(col: Prisma.Sql, desc: boolean, c: UserCursor, value: unknown, sortIsUserId: boolean): Prisma.Sql {
  const lt = Prisma.raw(desc ? "<" : ">");
  const le = Prisma.raw(desc ? "<=" : ">=");
  const tie = Prisma.sql`(user_id ${lt} ${c.u} OR (user_id = ${c.u} AND sdk_app_id ${lt} ${c.a}))`;
  if (sortIsUserId) return Prisma.sql`user_id ${le} ${c.u} AND ${tie}`;
  return Prisma.sql`${col} ${le} ${value} AND (${col} ${lt} ${value} OR ${tie})`;
}

/** Messages each user sent in [from, to) hours, for the recall rate. */
function messagesSentIn(range: { from: Date; to: Date } | null, app: Prisma.Sql, q: string | undefined): Prisma.Sql {
  const inRange = range ? Prisma.sql`hour_start >= ${range.from} AND hour_start < ${range.to}` : Prisma.sql`1 = 1`;
  return Prisma.sql`SELECT sdk_app_id, user_id, SUM(sent) AS sent FROM user_message_hours
    WHERE ${inRange} AND ${app} AND ${prefixCondition(Prisma.sql`user_id`, q)}
    GROUP BY sdk_app_id, user_id`;
}

/** Recalls sent / messages sent, as a double on both databases (so a cursor's value compares exactly). */
const recallRate = (recalls: Prisma.Sql, messages: Prisma.Sql) =>
  Prisma.sql`CASE WHEN COALESCE(${messages}, 0) > 0 THEN CAST(${recalls} AS DOUBLE PRECISION) / ${messages} ELSE NULL END`;

function baseRows(query: UserListQuery): Prisma.Sql {
  const app = query.sdkAppId !== undefined ? Prisma.sql`sdk_app_id = ${query.sdkAppId}` : Prisma.sql`1 = 1`;
  const from = query.since ? hourStart(query.since) : new Date(0);
  const to = query.until ?? LATEST_DATE;
  const allTime = !query.since && !query.until;
  const messages = messagesSentIn(allTime ? null : { from, to }, app, query.q);
  if (allTime) {
    return Prisma.sql`SELECT s.sdk_app_id AS sdk_app_id, s.user_id AS user_id, s.recalls_sent AS recalls_sent,
        s.recalls_received AS recalls_received, s.last_unread_msg_num AS last_unread_msg_num, s.last_recall_at AS last_recall_at,
        COALESCE(m.sent, 0) AS messages_sent, ${recallRate(Prisma.sql`s.recalls_sent`, Prisma.sql`m.sent`)} AS recall_rate
      FROM user_stats s LEFT JOIN (${messages}) m ON m.sdk_app_id = s.sdk_app_id AND m.user_id = s.user_id
      WHERE ${query.sdkAppId !== undefined ? Prisma.sql`s.sdk_app_id = ${query.sdkAppId}` : Prisma.sql`1 = 1`} AND ${prefixCondition(Prisma.sql`s.user_id`, query.q)}`;
  }
  return Prisma.sql`SELECT h.sdk_app_id AS sdk_app_id, h.user_id AS user_id, h.sent AS recalls_sent, h.received AS recalls_received,
        s.last_unread_msg_num AS last_unread_msg_num, s.last_recall_at AS last_recall_at,
        COALESCE(m.sent, 0) AS messages_sent, ${recallRate(Prisma.sql`h.sent`, Prisma.sql`m.sent`)} AS recall_rate
      FROM (SELECT sdk_app_id, user_id, SUM(sent) AS sent, SUM(received) AS received
            FROM (${userCountRows(from, to, Prisma.sql`${app} AND ${prefixCondition(Prisma.sql`user_id`, query.q)}`)}) c
            GROUP BY sdk_app_id, user_id) h
      JOIN user_stats s ON s.sdk_app_id = h.sdk_app_id AND s.user_id = h.user_id
      LEFT JOIN (${messages}) m ON m.sdk_app_id = h.sdk_app_id AND m.user_id = h.user_id`;
}

export async function listUsers(db: Db, query: UserListQuery) {
  const desc = query.order === "desc";
  const dir = Prisma.raw(desc ? "DESC" : "ASC");
  const col = Prisma.raw(SORT_COLUMN[query.sort]);
  const sortIsUserId = query.sort === "userId";
  const nullable = NULLABLE_SORTS.includes(query.sort);
  const base = baseRows(query);
  const take = query.limit + 1;
  const order = sortIsUserId
    ? Prisma.sql`ORDER BY user_id ${dir}, sdk_app_id ${dir}`
    : Prisma.sql`ORDER BY ${col} ${dir}, user_id ${dir}, sdk_app_id ${dir}`;
  const c = query.cursor;

  let rows: UserRow[] = [];
  // Non-null sort values first (skipped once the cursor has reached the nulls).
  if (!c || c.v !== null) {
    const conditions = [nullable ? Prisma.sql`${col} IS NOT NULL` : Prisma.sql`1 = 1`];
    if (c) conditions.push(keyset(col, desc, c, cursorValue(query.sort, c.v), sortIsUserId));
    rows = await db.$queryRaw<UserRow[]>`SELECT * FROM (${base}) t WHERE ${Prisma.join(conditions, " AND ")} ${order} LIMIT ${take}`;
  }
  if (nullable && rows.length < take) {
    const conditions = [Prisma.sql`${col} IS NULL`];
    if (c && c.v === null) conditions.push(keyset(col, desc, c, null, true));
    const nulls = await db.$queryRaw<UserRow[]>`SELECT * FROM (${base}) t WHERE ${Prisma.join(conditions, " AND ")}
      ORDER BY user_id ${dir}, sdk_app_id ${dir} LIMIT ${take - rows.length}`;
    rows = [...rows, ...nulls];
  }

  const items = rows.slice(0, query.limit).map(toUserItem);
  const last = items.at(-1);
  const more = rows.length > query.limit;
  let nextCursor: string | null = null;
  if (more && last) {
    const v = query.sort === "lastRecallAt" ? Date.parse(last.lastRecallAt) : last[query.sort];
    nextCursor = encodeCursor({ v, u: last.userId, a: last.sdkAppId } satisfies UserCursor);
  }
  return { items, nextCursor };
}
export type UserPage = Awaited<ReturnType<typeof listUsers>>;
