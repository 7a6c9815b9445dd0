// A sent message (C2C.CallbackAfterSendMsg) as it is about to be stored: counted for both users,
// and, when capture is on, its body encrypted (lib/messages/content-crypto.ts).

/** A message as the write path stores it (lib/recalls/ingest-sql.ts). */
export type NewMessage = {
  sdkAppId: string;
  fromAccount: string;
  toAccount: string;
  msgKey: string;
  /** MsgTime (seconds) as an instant, when the body carried a plausible one. */
  msgTime: Date | null;
  receivedAt: Date;
  /** iv + ciphertext + tag of the JSON MsgBody; null when capture is off. */
  content: Uint8Array | null;
  contentKeyId: string | null;
};

/** The commit queue's key for a message: apart from recalls' keys, which are JSON arrays too. */
export function messageIdentity(m: Pick<NewMessage, "sdkAppId" | "fromAccount" | "toAccount" | "msgKey">): string {
  return JSON.stringify(["message", m.sdkAppId, m.fromAccount, m.toAccount, m.msgKey]);
}
