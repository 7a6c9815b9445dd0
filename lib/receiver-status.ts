import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";

/** What the overview shows about the callback receiver: is it set up, and is IM calling it. */
export async function getReceiverStatus() {
  const db = await getDb();
  const [recalls, counts] = await Promise.all([db.recall.count(), db.callbackCount.findMany({ orderBy: [{ lastReceivedAt: "desc" }] })]);
  return {
    sdkAppIds: config.im.sdkAppIds,
    signRequired: Boolean(config.im.callbackToken),
    allowedCidrs: config.im.allowedCidrs,
    publicUrl: config.publicUrl,
    recalls,
    lastCallbackAt: counts[0]?.lastReceivedAt ?? null,
    commands: counts.map((c) => ({ sdkAppId: c.sdkAppId, command: c.command, count: Number(c.count), lastReceivedAt: c.lastReceivedAt })),
  };
}

export type ReceiverStatus = Awaited<ReturnType<typeof getReceiverStatus>>;
