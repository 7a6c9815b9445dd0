import { getDb } from "@/lib/db/client";

/** One recall for its deep link (/recalls/[id]), in the JSON API's item shape; null when there is none. */
export async function getRecall(id: number) {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const db = await getDb();
  const r = await db.recall.findUnique({ where: { id } });
  if (!r) return null;
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
    optPlatformRaw: r.optPlatformRaw,
    clientIp: r.clientIp,
  };
}

export type RecallDetail = NonNullable<Awaited<ReturnType<typeof getRecall>>>;
