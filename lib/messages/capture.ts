// From a C2C.CallbackAfterSendMsg body to the row the write path stores: the identity and send
// time always; the body, encrypted, only when capture is on.
import type { Config } from "@/lib/config";
import { encryptContent } from "@/lib/messages/content-crypto";
import type { NewMessage } from "@/lib/messages/new-message";
import { plausibleSendTime, type SendBody } from "@/lib/messages/send-body";

/** What is encrypted: the elements as IM sent them, and CloudCustomData. */
export type CapturedContent = { MsgBody: NonNullable<SendBody["MsgBody"]>; CloudCustomData?: string };

export function toNewMessage(body: SendBody, meta: { sdkAppId: string; receivedAt: Date }, capture: Config["im"]["capture"]): NewMessage {
  const identity = { sdkAppId: meta.sdkAppId, fromAccount: body.From_Account, toAccount: body.To_Account, msgKey: body.MsgKey };
  let content: Uint8Array | null = null;
  if (capture) {
    const captured: CapturedContent = { MsgBody: body.MsgBody ?? [] };
    if (body.CloudCustomData) captured.CloudCustomData = body.CloudCustomData;
    content = encryptContent(JSON.stringify(captured), capture.key, identity);
  }
  return {
    ...identity,
    msgTime: plausibleSendTime(body.MsgTime, meta.receivedAt),
    receivedAt: meta.receivedAt,
    content,
    contentKeyId: capture ? capture.key.id : null,
  };
}
