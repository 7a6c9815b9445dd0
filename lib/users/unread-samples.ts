// The last unread count each user reported in each time slice, read with one index seek per
// (user, slice) on recalls (to_account, received_at, id) instead of scanning every recall a heavy
// recipient got: the cost follows the number of points drawn, not the number of recalls.
//
// The SQL differs by database: SQLite has no LATERAL join, and on PostgreSQL a correlated
// subquery over a VALUES list would compare timestamps with untyped (text) parameters.
import { type Db, Prisma } from "@/lib/db/client";
import { byDialect } from "@/lib/db/dialect";
import type { TimeSlices } from "@/lib/db/time-slices";
import { toDate, toNumber } from "@/lib/db/values";

export type UnreadSample = { userId: string; slice: number; at: Date; unreadMsgNum: number };

type SampleRow = { u: unknown; slice: unknown; received_at: unknown; unread_msg_num: unknown };

function bounds(slices: TimeSlices, slice: number) {
  return { lo: slices.startOf(slice), hi: slice === slices.count - 1 ? slices.until : slices.startOf(slice + 1) };
}

// User and slice numbers are computed integers, written as literals so both databases type them alike.
const int = (n: number) => Prisma.raw(String(n));

/**
 * (user, slice) pairs per statement. Each binds three values (user ID and the slice's bounds), so
 * a statement stays far below SQLite's 32,766 bound variables (and PostgreSQL's 65,535) however
 * many users and points a request asks for (100 x 200 would be 60,000).
 */
export const SAMPLE_PAIRS_PER_QUERY = 2_000;

type Pair = { u: number; slice: number; userId: string; lo: Date; hi: Date };

function pairs(userIds: readonly string[], slices: TimeSlices): Pair[][] {
  const chunks: Pair[][] = [];
  let chunk: Pair[] = [];
  userIds.forEach((userId, u) => {
    for (let slice = 0; slice < slices.count; slice++) {
      chunk.push({ u, slice, userId, ...bounds(slices, slice) });
      if (chunk.length === SAMPLE_PAIRS_PER_QUERY) {
        chunks.push(chunk);
        chunk = [];
      }
    }
  });
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

export async function lastUnreadPerSlice(
  db: Db,
  userIds: readonly string[],
  slices: TimeSlices,
  sdkAppId?: string,
): Promise<UnreadSample[]> {
  if (userIds.length === 0) return [];
  const samples = byDialect(db, { sqlite: sqliteSamples, postgresql: postgresSamples });
  const rows: SampleRow[] = [];
  // One chunk after the other: one connection at a time, whatever the request's size.
  for (const chunk of pairs(userIds, slices)) rows.push(...(await samples(db, chunk, sdkAppId)));
  return rows.map((r) => ({
    userId: userIds[toNumber(r.u)] ?? "",
    slice: toNumber(r.slice),
    at: toDate(r.received_at),
    unreadMsgNum: toNumber(r.unread_msg_num),
  }));
}

async function postgresSamples(db: Db, chunk: Pair[], sdkAppId?: string): Promise<SampleRow[]> {
  const app = sdkAppId !== undefined ? Prisma.sql`AND r.sdk_app_id = ${sdkAppId}` : Prisma.empty;
  const values = chunk.map(
    (p) => Prisma.sql`(${int(p.u)}, ${int(p.slice)}, ${p.userId}, CAST(${p.lo} AS timestamp(3)), CAST(${p.hi} AS timestamp(3)))`,
  );
  return db.$queryRaw<SampleRow[]>`
    SELECT v.u, v.slice, s.received_at, s.unread_msg_num
    FROM (VALUES ${Prisma.join(values)}) AS v(u, slice, user_id, lo, hi)
    CROSS JOIN LATERAL (
      SELECT r.received_at, r.unread_msg_num FROM recalls r
      WHERE r.to_account = v.user_id AND r.received_at >= v.lo AND r.received_at < v.hi ${app} AND r.unread_msg_num IS NOT NULL
      ORDER BY r.received_at DESC, r.id DESC LIMIT 1
    ) s`;
}

// SQLite: a correlated subquery per VALUES row finds each slice's last recall id through the index
// (one statement per chunk of SAMPLE_PAIRS_PER_QUERY pairs), then the rows are read by id.
async function sqliteSamples(db: Db, chunk: Pair[], sdkAppId?: string): Promise<SampleRow[]> {
  const app = sdkAppId !== undefined ? Prisma.sql`AND r.sdk_app_id = ${sdkAppId}` : Prisma.empty;
  const values = chunk.map((p) => Prisma.sql`(${int(p.u)}, ${int(p.slice)}, ${p.userId}, ${p.lo}, ${p.hi})`);
  const picks = await db.$queryRaw<{ u: unknown; slice: unknown; id: unknown }[]>`
    SELECT v.column1 AS u, v.column2 AS slice, (
      SELECT r.id FROM recalls r
      WHERE r.to_account = v.column3 AND r.received_at >= v.column4 AND r.received_at < v.column5 ${app} AND r.unread_msg_num IS NOT NULL
      ORDER BY r.received_at DESC, r.id DESC LIMIT 1
    ) AS id
    FROM (VALUES ${Prisma.join(values)}) AS v`;
  const found = picks.filter((p) => p.id !== null);
  if (found.length === 0) return [];
  const rows = await db.$queryRaw<{ id: unknown; received_at: unknown; unread_msg_num: unknown }[]>`
    SELECT id, received_at, unread_msg_num FROM recalls WHERE id IN (${Prisma.join(found.map((p) => toNumber(p.id)))})`;
  const byId = new Map(rows.map((r) => [toNumber(r.id), r]));
  return found.flatMap((p) => {
    const r = byId.get(toNumber(p.id));
    return r ? [{ u: p.u, slice: p.slice, received_at: r.received_at, unread_msg_num: r.unread_msg_num }] : [];
  });
}
