import { config } from "@/lib/config";
import { getReadDb } from "@/lib/db/client";
import { toNumber } from "@/lib/db/values";

/** The overview lists this many commands, busiest first; the rest are summed in one row. */
export const RECEIVER_STATUS_COMMANDS = 20;

/** What the overview shows about the callback receiver: is it set up, and is IM calling it. */
export async function getReceiverStatus() {
  const db = await getReadDb();
  // Recalls stored, from the hourly aggregate (one row per app, hour and platform, written in the
  // same transaction as the recalls) rather than COUNT(*) over every recall. Commands: the
  // busiest few, whatever IM or anyone else has sent, and one sum for the rest.
  const [stored, top, all] = await Promise.all([
    db.$queryRaw<{ n: unknown }[]>`SELECT COALESCE(SUM(recalls), 0) AS n FROM recall_hourly_counts`,
    db.callbackCount.findMany({
      orderBy: [{ count: "desc" }, { sdkAppId: "asc" }, { command: "asc" }],
      take: RECEIVER_STATUS_COMMANDS,
    }),
    db.callbackCount.aggregate({ _count: { _all: true }, _sum: { count: true }, _max: { lastReceivedAt: true } }),
  ]);
  const commands = top.map((c) => ({ sdkAppId: c.sdkAppId, command: c.command, count: Number(c.count), lastReceivedAt: c.lastReceivedAt }));
  const shownCount = commands.reduce((sum, c) => sum + c.count, 0);
  const others = all._count._all - commands.length;
  return {
    sdkAppIds: config.im.sdkAppIds,
    signRequired: Boolean(config.im.callbackToken),
    allowedCidrs: config.im.allowedCidrs,
    publicUrl: config.publicUrl,
    recalls: toNumber(stored[0]?.n ?? 0),
    lastCallbackAt: all._max.lastReceivedAt ?? null,
    commands,
    /** The commands not listed, summed; null when every command is listed. */
    otherCommands: others > 0 ? { commands: others, count: Number(all._sum.count ?? 0) - shownCount } : null,
  };
}

export type ReceiverStatus = Awaited<ReturnType<typeof getReceiverStatus>>;
