// A recall's message: joined by identity (SdkAppid, From, To, MsgKey), at read time, so it does not
// matter whether the send callback arrived before the recall or after it. Time to recall = the
// recall's time (EventTime, else received) minus the send time (the captured MsgTime, else the
// time in a MsgKey shaped `<seq>_<random>_<seconds>`, marked estimated).

import type { Db } from "@/lib/db/client";
import type { CapturedContent } from "@/lib/messages/capture";
import { decryptContent } from "@/lib/messages/content-crypto";
import type { ContentKey } from "@/lib/messages/content-key";
import { sendTimeFromMsgKey } from "@/lib/messages/send-body";

type RecallIdentity = { sdkAppId: string; fromAccount: string; toAccount: string; msgKey: string };
type RecallTimes = { eventTime: string | Date | null; receivedAt: string | Date };

export type SendTime = { sentAt: string; estimated: boolean; timeToRecallMs: number } | null;

/** The recall's send time and time to recall, from a captured MsgTime or, failing that, the MsgKey. */
export function timeToRecall(recall: RecallIdentity & RecallTimes, msgTime: Date | null): SendTime {
  const recalledAt = new Date(recall.eventTime ?? recall.receivedAt);
  const estimate = msgTime ? null : sendTimeFromMsgKey(recall.msgKey, recalledAt);
  const sentAt = msgTime ?? estimate;
  if (!sentAt) return null;
  return {
    sentAt: sentAt.toISOString(),
    estimated: msgTime === null,
    timeToRecallMs: Math.max(0, recalledAt.getTime() - sentAt.getTime()),
  };
}

async function findMessage(db: Db, r: RecallIdentity) {
  return db.message.findUnique({
    where: {
      sdkAppId_fromAccount_toAccount_msgKey: { sdkAppId: r.sdkAppId, fromAccount: r.fromAccount, toAccount: r.toAccount, msgKey: r.msgKey },
    },
    select: { msgTime: true, content: true, contentKeyId: true },
  });
}

/** What anyone who may see the recall may know about its message: whether its content was kept, and when it was sent. */
export async function recallMessageInfo(db: Db, recall: RecallIdentity & RecallTimes) {
  const message = await findMessage(db, recall);
  return {
    /** True when the send callback was captured with its content (only auditors and admins may read it). */
    contentCaptured: Boolean(message?.content),
    sendTime: timeToRecall(recall, message?.msgTime ?? null),
  };
}

/** The captured elements of the recall's message, decrypted; null when none were kept. */
export async function recallMessageContent(db: Db, recall: RecallIdentity, keys: readonly ContentKey[]): Promise<CapturedContent | null> {
  const message = await findMessage(db, recall);
  if (!message?.content || !message.contentKeyId) return null;
  return JSON.parse(decryptContent(message.content, message.contentKeyId, keys, recall)) as CapturedContent;
}

const SUMMARY_CHUNK = 200;

/** What the recall log shows of each recall's message (no content, only whether it was kept). */
export type RecallMessageSummary = { timeToRecall: SendTime; contentCaptured: boolean };

/**
 * The message summary of many recalls at once (a page of the log, a batch of the live stream): one
 * read by identity for all of them, at read time, so recall ingest does no extra work.
 */
export async function withMessageSummaries<R extends RecallIdentity & RecallTimes>(
  db: Db,
  recalls: readonly R[],
): Promise<(R & RecallMessageSummary)[]> {
  if (recalls.length === 0) return [];
  const messages = [];
  // Four bound values per recall: a replayed stream batch (up to 1,000 recalls) in one query would
  // pass Prisma's SQLite parameter limit (999), so the lookup goes in chunks.
  for (let at = 0; at < recalls.length; at += SUMMARY_CHUNK) {
    const chunk = recalls.slice(at, at + SUMMARY_CHUNK);
    messages.push(
      ...(await db.message.findMany({
        where: {
          OR: chunk.map((r) => ({ sdkAppId: r.sdkAppId, fromAccount: r.fromAccount, toAccount: r.toAccount, msgKey: r.msgKey })),
        },
        // contentKeyId is set exactly when content is: no need to read the ciphertext to know it exists.
        select: { sdkAppId: true, fromAccount: true, toAccount: true, msgKey: true, msgTime: true, contentKeyId: true },
      })),
    );
  }
  const byIdentity = new Map(messages.map((m) => [identityKey(m), m]));
  return recalls.map((r) => {
    const message = byIdentity.get(identityKey(r));
    return { ...r, timeToRecall: timeToRecall(r, message?.msgTime ?? null), contentCaptured: Boolean(message?.contentKeyId) };
  });
}

const identityKey = (r: RecallIdentity) => JSON.stringify([r.sdkAppId, r.fromAccount, r.toAccount, r.msgKey]);
