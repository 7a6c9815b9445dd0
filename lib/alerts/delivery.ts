// Delivers the notification outbox (alert_notifications). Notifications are written in the same
// transaction as the alert's change, so none is lost to a crash between the two; the instance that
// holds the evaluator's lease delivers them. Per channel:
// - a rate limit (ratePerMinute messages in any ALERTS_RATE_WINDOW_MS, 60 s unless set; counted
//   from the delivery log, so it holds across instances): while it is reached, notifications wait, and the next message carries every
//   one that waited (up to BATCH_MAX) instead of dropping any;
// - each notification is claimed before it is sent (a conditional update: two instances cannot both
//   claim it), and marked sent with the delivery that carried it;
// - a failed message is retried with exponential backoff (ALERTS_RETRY_BASE_MS doubling, at most
//   ALERTS_RETRY_MAX_MS), up to MAX_ATTEMPTS;
// - a claim left by a crashed instance expires after CLAIM_MS and is sent again: delivery is at least
//   once in that one case (the webhook's webhook-id and the email's Message-ID stay the same, so a
//   receiver can tell the copy).
import type { ChannelKind, ChannelLanguage, RuleKind } from "@/lib/alerts/contracts";
import { DeliveryError } from "@/lib/alerts/http";
import { type NotificationItem, renderMessage } from "@/lib/alerts/messages";
import { decryptSecret } from "@/lib/alerts/secrets";
import { type ChannelSecret, sendMessage } from "@/lib/alerts/senders";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log";

export const BATCH_MAX = 20;
export const MAX_ATTEMPTS = 8;
export const CLAIM_MS = 120_000;
const MAX_ERROR_LENGTH = 500;

/** Wait before attempt `attempts + 1`: by default 2 s, 4 s, 8 s ... at most 5 minutes. */
export function deliveryBackoffMs(attempts: number, retry = config.alerts.retry): number {
  return Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, attempts - 1));
}

type ChannelRow = Awaited<ReturnType<Db["alertChannel"]["findMany"]>>[number];

export type DeliveryOutcome = {
  status: "sent" | "failed" | "rate_limited";
  responseCode: number | null;
  error: string | null;
  notifications: number;
};

async function recentDeliveries(db: Db, channelId: number, now: Date): Promise<number> {
  return db.alertDelivery.count({ where: { channelId, at: { gt: new Date(now.getTime() - config.alerts.rateWindowMs) } } });
}

async function itemsFor(db: Db, ids: readonly number[]): Promise<NotificationItem[]> {
  const rows = await db.alertNotification.findMany({ where: { id: { in: [...ids] } }, orderBy: { id: "asc" } });
  const alertIds = rows.map((r) => r.alertId).filter((v): v is number => v !== null);
  const alerts = await db.alert.findMany({ where: { id: { in: alertIds } }, include: { rule: true } });
  const byId = new Map(alerts.map((a) => [a.id, a]));
  return rows.map((r) => {
    const alert = r.alertId === null ? undefined : byId.get(r.alertId);
    return {
      notificationId: r.id,
      event: r.event as NotificationItem["event"],
      alertId: r.alertId,
      ruleName: alert?.rule.name ?? "Recall Monitor",
      kind: (alert?.rule.kind as RuleKind | undefined) ?? null,
      subject: alert?.subject ?? "",
      detail: alert ? (JSON.parse(alert.detail) as Record<string, unknown>) : {},
      firedAt: alert?.firedAt.toISOString() ?? null,
      resolvedAt: alert?.resolvedAt?.toISOString() ?? null,
    };
  });
}

/**
 * Sends the (already claimed) notifications `ids` to `channel` as one message and records the
 * attempt. `final`: no retry on failure (Send test answers the admin at once instead).
 */
export async function deliverItems(
  db: Db,
  channel: ChannelRow,
  ids: readonly number[],
  options: { final?: boolean } = {},
): Promise<DeliveryOutcome> {
  const now = new Date();
  if ((await recentDeliveries(db, channel.id, now)) >= channel.ratePerMinute) {
    await db.alertNotification.updateMany({
      where: { id: { in: [...ids] } },
      data: { status: options.final ? "failed" : "pending", nextAttemptAt: now },
    });
    return {
      status: "rate_limited",
      responseCode: null,
      error: `at most ${channel.ratePerMinute} messages in ${config.alerts.rateWindowMs / 1000} s`,
      notifications: ids.length,
    };
  }
  const items = await itemsFor(db, ids);
  const message = renderMessage(items, channel.language as ChannelLanguage, config.publicUrl);
  let outcome: DeliveryOutcome;
  try {
    const secret = decryptSecret(channel.secret) as ChannelSecret;
    const result = await sendMessage(
      {
        kind: channel.kind as ChannelKind,
        settings: JSON.parse(channel.settings) as Record<string, unknown>,
        secret,
        allowPrivate: config.alerts.allowPrivateTargets,
      },
      items,
      message,
      // Stable per notification set, so a redelivery after a crash carries the same id.
      { messageId: `msg_rm_${channel.id}_${ids.join("_")}`, publicUrl: config.publicUrl },
    );
    outcome = { status: "sent", responseCode: result.responseCode, error: null, notifications: ids.length };
  } catch (error) {
    outcome = {
      status: "failed",
      responseCode: error instanceof DeliveryError ? (error.status ?? null) : null,
      error: (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH),
      notifications: ids.length,
    };
  }
  const delivery = await db.alertDelivery.create({
    data: {
      channelId: channel.id,
      at: new Date(),
      status: outcome.status,
      responseCode: outcome.responseCode,
      error: outcome.error,
      notifications: ids.length,
    },
  });
  if (outcome.status === "sent") {
    await db.alertNotification.updateMany({
      where: { id: { in: [...ids] } },
      data: { status: "sent", sentAt: delivery.at, deliveryId: delivery.id },
    });
  } else {
    const rows = await db.alertNotification.findMany({ where: { id: { in: [...ids] } }, select: { id: true, attempts: true } });
    for (const row of rows) {
      const attempts = row.attempts + 1;
      const giveUp = options.final || attempts >= MAX_ATTEMPTS;
      await db.alertNotification.update({
        where: { id: row.id },
        data: {
          attempts,
          status: giveUp ? "failed" : "pending",
          deliveryId: delivery.id,
          nextAttemptAt: new Date(Date.now() + deliveryBackoffMs(attempts)),
        },
      });
    }
    log("error", "alert_delivery_failed", { channel: channel.id, kind: channel.kind, error: outcome.error });
  }
  return outcome;
}

/** Claims `id` for sending if it is due (or its claim expired); false if someone else has it. */
async function claim(db: Db, id: number, now: Date): Promise<boolean> {
  const { count } = await db.alertNotification.updateMany({
    where: { id, nextAttemptAt: { lte: now }, status: { in: ["pending", "sending"] } },
    data: { status: "sending", nextAttemptAt: new Date(now.getTime() + CLAIM_MS) },
  });
  return count === 1;
}

/** One pass over every channel with due notifications. Returns how many messages were attempted. */
export async function deliverDue(db: Db): Promise<number> {
  const now = new Date();
  const due = await db.alertNotification.findMany({
    where: { status: { in: ["pending", "sending"] }, nextAttemptAt: { lte: now } },
    orderBy: { id: "asc" },
    select: { id: true, channelId: true },
    take: 1_000,
  });
  const byChannel = new Map<number, number[]>();
  for (const n of due) byChannel.set(n.channelId, [...(byChannel.get(n.channelId) ?? []), n.id]);
  let attempted = 0;
  for (const [channelId, ids] of byChannel) {
    const channel = await db.alertChannel.findUnique({ where: { id: channelId } });
    if (!channel) continue;
    if (!channel.enabled) {
      await db.alertNotification.updateMany({ where: { id: { in: ids } }, data: { status: "failed" } });
      continue;
    }
    if ((await recentDeliveries(db, channelId, now)) >= channel.ratePerMinute) continue;
    const claimed: number[] = [];
    for (const id of ids.slice(0, BATCH_MAX)) if (await claim(db, id, now)) claimed.push(id);
    if (claimed.length === 0) continue;
    await deliverItems(db, channel, claimed);
    attempted += 1;
  }
  return attempted;
}
