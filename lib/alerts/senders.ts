// Sends one rendered message to one channel, each kind as its own documentation describes:
// - WeCom group robot: POST {msgtype: markdown, markdown: {content}} with content at most 4,096
//   bytes (UTF-8); a longer message goes as msgtype text (at most 2,048 bytes). Success: errcode 0.
// - DingTalk robot: signed with timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(key = secret,
//   message = timestamp + "\n" + secret))) as query parameters; msgtype markdown. Success: errcode 0.
// - Feishu / Lark robot: timestamp (s) and sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret,
//   message = empty)) in the JSON body. Success: code 0.
// - Email over SMTP with nodemailer: plain-text and HTML bodies, to the checked address.
// - Generic webhook: a JSON event signed like Standard Webhooks (webhook-id, webhook-timestamp,
//   webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>), docs/alerts.md#webhook.
import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import { Webhook } from "standardwebhooks";
import type { ChannelKind } from "@/lib/alerts/contracts";
import { DeliveryError, postJson } from "@/lib/alerts/http";
import type { NotificationItem, RenderedMessage } from "@/lib/alerts/messages";
import { resolveTarget } from "@/lib/alerts/targets";

export const WECOM_MARKDOWN_MAX_BYTES = 4_096;
export const WECOM_TEXT_MAX_BYTES = 2_048;

export type ChannelSecret =
  | { kind: "wecom"; url: string }
  | { kind: "dingtalk"; url: string; secret: string }
  | { kind: "feishu"; url: string; secret: string }
  | { kind: "email"; password?: string }
  | { kind: "webhook"; url: string; secret: string };

export type EmailSettings = {
  host: string;
  port: number;
  security: "starttls" | "tls" | "none";
  user?: string;
  from: string;
  to: string[];
};

export type SendTarget = {
  kind: ChannelKind;
  settings: Record<string, unknown>;
  secret: ChannelSecret;
  allowPrivate: boolean;
};

export type SendResult = { responseCode: number | null };

/** Cuts UTF-8 text to at most `max` bytes without splitting a character. */
export function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  const suffix = "…";
  let cut = text.slice(0, max);
  while (Buffer.byteLength(cut) + Buffer.byteLength(suffix) > max) cut = cut.slice(0, -1);
  return cut + suffix;
}

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`).digest("base64");
}

export function feishuSign(secret: string, timestampS: number): string {
  return createHmac("sha256", `${timestampS}\n${secret}`).update("").digest("base64");
}

export function webhookPayload(items: readonly NotificationItem[], message: RenderedMessage, publicUrl: string | undefined) {
  const type = items.every((i) => i.event === "test") ? "alert.test" : items.length === 1 ? `alert.${items[0]?.event}` : "alert.batch";
  return {
    type,
    timestamp: new Date().toISOString(),
    data: {
      title: message.title,
      text: message.text,
      dashboardUrl: publicUrl ?? null,
      alerts: items.map((i) => ({
        notificationId: i.notificationId,
        event: i.event,
        alertId: i.alertId,
        rule: i.ruleName,
        kind: i.kind,
        subject: Object.fromEntries(new URLSearchParams(i.subject)),
        detail: i.detail,
        firedAt: i.firedAt,
        resolvedAt: i.resolvedAt,
      })),
    },
  };
}

function robotAnswer(status: number, text: string, field: "errcode" | "code"): SendResult {
  if (status !== 200) throw new DeliveryError(`answered HTTP ${status}: ${text.slice(0, 200)}`, status);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new DeliveryError(`answered 200 without JSON: ${text.slice(0, 200)}`, status);
  }
  // Feishu's older answers carry StatusCode instead of code.
  const code = parsed[field] ?? (field === "code" ? parsed.StatusCode : undefined);
  if (code !== 0) {
    const msg = parsed.errmsg ?? parsed.msg ?? parsed.StatusMessage ?? "";
    throw new DeliveryError(`answered ${field} ${String(code)}: ${String(msg).slice(0, 200)}`, status);
  }
  return { responseCode: status };
}

export async function sendMessage(
  target: SendTarget,
  items: readonly NotificationItem[],
  message: RenderedMessage,
  meta: { messageId: string; publicUrl: string | undefined },
): Promise<SendResult> {
  const { secret, allowPrivate } = target;
  switch (secret.kind) {
    case "wecom": {
      const body =
        Buffer.byteLength(message.markdown) <= WECOM_MARKDOWN_MAX_BYTES
          ? { msgtype: "markdown", markdown: { content: message.markdown } }
          : { msgtype: "text", text: { content: truncateBytes(message.text, WECOM_TEXT_MAX_BYTES) } };
      const res = await postJson(secret.url, body, { allowPrivate });
      return robotAnswer(res.status, res.text, "errcode");
    }
    case "dingtalk": {
      const timestamp = Date.now();
      const url = new URL(secret.url);
      url.searchParams.set("timestamp", String(timestamp));
      url.searchParams.set("sign", dingtalkSign(secret.secret, timestamp));
      const res = await postJson(
        url.toString(),
        { msgtype: "markdown", markdown: { title: message.title, text: message.markdown } },
        { allowPrivate },
      );
      return robotAnswer(res.status, res.text, "errcode");
    }
    case "feishu": {
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await postJson(
        secret.url,
        { timestamp: String(timestamp), sign: feishuSign(secret.secret, timestamp), msg_type: "text", content: { text: message.text } },
        { allowPrivate },
      );
      return robotAnswer(res.status, res.text, "code");
    }
    case "webhook": {
      const body = JSON.stringify(webhookPayload(items, message, meta.publicUrl));
      const at = new Date();
      const signature = new Webhook(secret.secret.replace(/^whsec_/, "")).sign(meta.messageId, at, body);
      const res = await postJson(secret.url, undefined, {
        allowPrivate,
        rawBody: body,
        headers: {
          "webhook-id": meta.messageId,
          "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
          "webhook-signature": signature,
        },
      });
      if (res.status < 200 || res.status >= 300)
        throw new DeliveryError(`answered HTTP ${res.status}: ${res.text.slice(0, 200)}`, res.status);
      return { responseCode: res.status };
    }
    case "email": {
      const settings = target.settings as EmailSettings;
      const resolved = await resolveTarget(settings.host, allowPrivate);
      const transport = nodemailer.createTransport({
        // The checked address, with the configured name for TLS verification.
        host: resolved.address,
        port: settings.port,
        secure: settings.security === "tls",
        requireTLS: settings.security === "starttls",
        ignoreTLS: settings.security === "none",
        tls: { servername: settings.host },
        name: "recall-monitor",
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 10_000,
        auth: settings.user ? { user: settings.user, pass: secret.password ?? "" } : undefined,
      });
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: settings.to,
          subject: message.title,
          text: message.text,
          html: message.html,
          messageId: `<${meta.messageId}@recall-monitor>`,
        });
        const code = Number.parseInt(String(info.response ?? "").slice(0, 3), 10);
        return { responseCode: Number.isFinite(code) ? code : null };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        throw new DeliveryError(error instanceof Error ? error.message : String(error), code);
      } finally {
        transport.close();
      }
    }
  }
}
