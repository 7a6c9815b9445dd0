// The recall log: newest first, keyset-paginated on (receivedAt, id) so that a page costs the
// same at any depth and rows arriving between pages neither repeat nor shift what follows.
import { encodeCursor } from "@/lib/api/cursor";
import { NotFoundError } from "@/lib/api/errors";
import type { Db, Prisma } from "@/lib/db/client";
import { type RecallMessageSummary, withMessageSummaries } from "@/lib/messages/recall-message";
import { type RecallCursor, type RecallFilters, type RecallListQuery, recallWhere } from "@/lib/recalls/filters";

export const recallSelect = {
  id: true,
  sdkAppId: true,
  fromAccount: true,
  toAccount: true,
  msgKey: true,
  unreadMsgNum: true,
  eventTime: true,
  receivedAt: true,
  optPlatform: true,
  clientIp: true,
} as const satisfies Prisma.RecallSelect;

type RecallRow = Prisma.RecallGetPayload<{ select: typeof recallSelect }>;

/** A recall as the JSON APIs send it: times as ISO 8601 UTC strings. */
export function toRecallItem(r: RecallRow) {
  return {
    id: r.id,
    sdkAppId: r.sdkAppId,
    fromAccount: r.fromAccount,
    toAccount: r.toAccount,
    msgKey: r.msgKey,
    unreadMsgNum: r.unreadMsgNum,
    eventTime: r.eventTime?.toISOString() ?? null,
    receivedAt: r.receivedAt.toISOString(),
    optPlatform: r.optPlatform,
    clientIp: r.clientIp,
  };
}
/** A row of the recall log: the recall and what is known about its message (lib/messages/recall-message.ts). */
export type RecallItem = ReturnType<typeof toRecallItem> & RecallMessageSummary;

const NEWEST_FIRST = [{ receivedAt: "desc" }, { id: "desc" }] satisfies Prisma.RecallOrderByWithRelationInput[];

// Written as `receivedAt <= r AND (receivedAt < r OR id < i)` rather than a bare OR so that the
// first conjunct bounds the index range scan on every (…, received_at, id) index.
function afterCursor(c: RecallCursor): Prisma.RecallWhereInput {
  const at = new Date(c.r);
  return { AND: [{ receivedAt: { lte: at } }, { OR: [{ receivedAt: { lt: at } }, { id: { lt: c.i } }] }] };
}

async function page(db: Db, filters: RecallFilters, cursor: RecallCursor | undefined, take: number) {
  const where = cursor ? { AND: [recallWhere(filters), afterCursor(cursor)] } : recallWhere(filters);
  return db.recall.findMany({ where, orderBy: NEWEST_FIRST, take, select: recallSelect });
}

const newestFirst = (a: RecallRow, b: RecallRow) => b.receivedAt.getTime() - a.receivedAt.getTime() || b.id - a.id;

export async function listRecalls(db: Db, query: RecallListQuery) {
  const { limit, cursor, ...filters } = query;
  let rows: RecallRow[];
  if (filters.user !== undefined) {
    // "Either side" as one OR query makes the planner merge two index ranges and sort them all;
    // two ordered index walks of limit+1 rows each, merged here, cost the same at any size.
    const { user, ...rest } = filters;
    const sentSide = rest.from === undefined ? { ...rest, from: user } : filters;
    const receivedSide = rest.to === undefined ? { ...rest, to: user } : filters;
    const [sent, received] = await Promise.all([page(db, sentSide, cursor, limit + 1), page(db, receivedSide, cursor, limit + 1)]);
    const byId = new Map<number, RecallRow>();
    for (const r of [...sent, ...received]) byId.set(r.id, r);
    rows = [...byId.values()].sort(newestFirst).slice(0, limit + 1);
  } else {
    rows = await page(db, filters, cursor, limit + 1);
  }
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: await withMessageSummaries(db, items.map(toRecallItem)),
    nextCursor: more && last ? encodeCursor({ r: last.receivedAt.getTime(), i: last.id } satisfies RecallCursor) : null,
  };
}
export type RecallPage = Awaited<ReturnType<typeof listRecalls>>;

export async function getRecall(db: Db, id: number) {
  const row = await db.recall.findUnique({ where: { id }, select: { ...recallSelect, optPlatformRaw: true } });
  if (!row) throw new NotFoundError(`no recall with id ${id}`);
  return { ...toRecallItem(row), optPlatformRaw: row.optPlatformRaw };
}
export type RecallDetail = Awaited<ReturnType<typeof getRecall>>;
