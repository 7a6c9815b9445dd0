import { normalisePlatform } from "@/lib/im/platform";
import type { RecallBody } from "@/lib/im/recall-body";
import type { ForwardCopy } from "@/lib/recalls/forward-copy";

/** A recall as it is about to be stored. */
export type NewRecall = {
  sdkAppId: string;
  fromAccount: string;
  toAccount: string;
  msgKey: string;
  unreadMsgNum: number | null;
  eventTime: Date | null;
  receivedAt: Date;
  optPlatformRaw: string | null;
  optPlatform: string | null;
  clientIp: string | null;
  /** Forwarding mode only: the backend's copy, stored with the recall if it is new (lib/recalls/forward-copy.ts). */
  forward?: ForwardCopy;
};

export function toNewRecall(
  body: RecallBody,
  meta: { sdkAppId: string; receivedAt: Date; optPlatform?: string; clientIp?: string },
): NewRecall {
  return {
    sdkAppId: meta.sdkAppId,
    fromAccount: body.From_Account,
    toAccount: body.To_Account,
    msgKey: body.MsgKey,
    unreadMsgNum: body.UnreadMsgNum ?? null,
    eventTime: body.EventTime ?? null,
    receivedAt: meta.receivedAt,
    optPlatformRaw: meta.optPlatform || null,
    optPlatform: normalisePlatform(meta.optPlatform),
    clientIp: meta.clientIp || null,
  };
}

/**
 * A recall's identity as a map key: MsgKey alone is not unique across senders, recipients and
 * apps. A JSON array rather than the fields joined by a separator, because no separator is safe:
 * joined with U+0000, (`a\0b`, `c`) and (`a`, `b\0c`) were one key, and one of two different
 * recalls answered OK was never stored. JSON escapes every character that could end a field.
 */
export function recallIdentity(r: Pick<NewRecall, "sdkAppId" | "fromAccount" | "toAccount" | "msgKey">): string {
  return JSON.stringify([r.sdkAppId, r.fromAccount, r.toAccount, r.msgKey]);
}
