// Alert channels (/admin/channels): created with their secrets, which are encrypted at once
// (lib/alerts/secrets.ts) and never returned; listed with what is safe to show (kind, host,
// language, recent deliveries); Send test delivers at once and records the attempt like any other.
// Every change and every Send test is recorded in the access log.
import { randomBytes } from "node:crypto";
import type { ChannelInput, ChannelKind, ChannelLanguage, ChannelPatch } from "@/lib/alerts/contracts";
import { CLAIM_MS, type DeliveryOutcome, deliverItems } from "@/lib/alerts/delivery";
import { decryptSecret, encryptSecret } from "@/lib/alerts/secrets";
import type { ChannelSecret } from "@/lib/alerts/senders";
import { PrivateTargetError, resolveTarget } from "@/lib/alerts/targets";
import { ApiError, InvalidParameterError, NotFoundError } from "@/lib/api/errors";
import { type ActedBy, appendAccessLog } from "@/lib/audit/access-log";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";

type ChannelRow = Awaited<ReturnType<Db["alertChannel"]["findMany"]>>[number];

export type ChannelItem = {
  id: number;
  name: string;
  kind: ChannelKind;
  language: ChannelLanguage;
  enabled: boolean;
  ratePerMinute: number;
  /** Where it sends, without the path or query that carry the robot's key. */
  target: string;
  createdAt: string;
};

function splitInput(input: ChannelInput): { settings: Record<string, unknown>; secret: ChannelSecret; host: string } {
  switch (input.kind) {
    case "wecom":
      return { settings: { host: new URL(input.url).host }, secret: { kind: "wecom", url: input.url }, host: new URL(input.url).hostname };
    case "dingtalk":
    case "feishu":
      return {
        settings: { host: new URL(input.url).host },
        secret: { kind: input.kind, url: input.url, secret: input.secret },
        host: new URL(input.url).hostname,
      };
    case "webhook":
      return {
        settings: { host: new URL(input.url).host },
        secret: { kind: "webhook", url: input.url, secret: input.secret ?? `whsec_${randomBytes(24).toString("base64")}` },
        host: new URL(input.url).hostname,
      };
    case "email":
      return {
        settings: { host: input.host, port: input.port, security: input.security, user: input.user, from: input.from, to: input.to },
        secret: { kind: "email", password: input.password },
        host: input.host,
      };
  }
}

export function toChannelItem(row: ChannelRow): ChannelItem {
  const settings = JSON.parse(row.settings) as { host?: string; port?: number; to?: string[] };
  const target = row.kind === "email" ? `${settings.host}:${settings.port} → ${(settings.to ?? []).join(", ")}` : (settings.host ?? "");
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as ChannelKind,
    language: row.language as ChannelLanguage,
    enabled: row.enabled,
    ratePerMinute: row.ratePerMinute,
    target,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Refuses a target that is, or resolves to, a loopback or private address (unless allowed). */
export async function checkTarget(host: string, parameter: string): Promise<void> {
  try {
    await resolveTarget(host, config.alerts.allowPrivateTargets);
  } catch (error) {
    if (error instanceof PrivateTargetError) throw new InvalidParameterError(parameter, `${parameter}: ${error.message}`);
    throw new InvalidParameterError(
      parameter,
      `${parameter}: ${host} could not be resolved (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** Creates a channel. `shownOnce`: a generated webhook secret, returned this one time. */
export async function createChannel(db: Db, input: ChannelInput, by: ActedBy): Promise<ChannelItem & { shownOnce?: { secret: string } }> {
  const { settings, secret, host } = splitInput(input);
  await checkTarget(host, input.kind === "email" ? "host" : "url");
  const now = new Date();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.alertChannel.create({
      data: {
        name: input.name,
        kind: input.kind,
        language: input.language,
        enabled: input.enabled,
        ratePerMinute: input.ratePerMinute,
        settings: JSON.stringify(settings),
        secret: encryptSecret(secret),
        createdAt: now,
        updatedAt: now,
      },
    });
    // The target's host only: the rest of a robot's URL is its key.
    await appendAccessLog(tx, {
      action: "alert_channel_created",
      actor: by.actor,
      target: `channel:${created.id}`,
      address: by.address,
      detail: { name: input.name, kind: input.kind, host },
    });
    return created;
  });
  const item = toChannelItem(row);
  return input.kind === "webhook" && !input.secret && secret.kind === "webhook" ? { ...item, shownOnce: { secret: secret.secret } } : item;
}

export async function listChannels(db: Db): Promise<ChannelItem[]> {
  return (await db.alertChannel.findMany({ orderBy: { id: "asc" } })).map(toChannelItem);
}

export type DeliveryItem = {
  id: number;
  at: string;
  status: string;
  responseCode: number | null;
  error: string | null;
  notifications: number;
};

export async function getChannel(db: Db, id: number): Promise<ChannelItem & { deliveries: DeliveryItem[] }> {
  const row = await db.alertChannel.findUnique({ where: { id } });
  if (!row) throw new NotFoundError(`no alert channel ${id}`);
  const deliveries = await db.alertDelivery.findMany({ where: { channelId: id }, orderBy: { id: "desc" }, take: 100 });
  return {
    ...toChannelItem(row),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      at: d.at.toISOString(),
      status: d.status,
      responseCode: d.responseCode,
      error: d.error,
      notifications: d.notifications,
    })),
  };
}

/**
 * Pauses/resumes a channel or changes its name, language or rate limit. Turning it on or off is
 * recorded as such; any other change as an edit naming the fields that changed.
 */
export async function updateChannel(db: Db, id: number, patch: ChannelPatch, by: ActedBy): Promise<ChannelItem> {
  return db.$transaction(async (tx) => {
    const found = await tx.alertChannel.findUnique({ where: { id } });
    if (!found) throw new NotFoundError(`no alert channel ${id}`);
    const changed = (["name", "language", "ratePerMinute"] as const).filter((k) => patch[k] !== undefined && patch[k] !== found[k]);
    const row = await tx.alertChannel.update({ where: { id }, data: { ...patch, updatedAt: new Date() } });
    const entry = { actor: by.actor, target: `channel:${id}`, address: by.address };
    if (patch.enabled !== undefined && patch.enabled !== found.enabled)
      await appendAccessLog(tx, {
        ...entry,
        action: patch.enabled ? "alert_channel_enabled" : "alert_channel_disabled",
        detail: { name: row.name, kind: row.kind },
      });
    if (changed.length > 0)
      await appendAccessLog(tx, {
        ...entry,
        action: "alert_channel_updated",
        detail: { name: row.name, kind: row.kind, changed: Object.fromEntries(changed.map((k) => [k, [found[k], row[k]]])) },
      });
    return toChannelItem(row);
  });
}

export async function deleteChannel(db: Db, id: number, by: ActedBy): Promise<void> {
  await db.$transaction(async (tx) => {
    const found = await tx.alertChannel.findUnique({ where: { id }, select: { name: true, kind: true } });
    if (!found) throw new NotFoundError(`no alert channel ${id}`);
    await tx.alertChannel.delete({ where: { id } });
    await appendAccessLog(tx, {
      action: "alert_channel_deleted",
      actor: by.actor,
      target: `channel:${id}`,
      address: by.address,
      detail: found,
    });
  });
}

export function channelSecret(row: { secret: string }): ChannelSecret {
  return decryptSecret(row.secret) as ChannelSecret;
}

/** Send test: one message now, recorded in the delivery log; a failure is the answer's content, not an error. */
export async function sendTest(db: Db, id: number, by: ActedBy): Promise<DeliveryOutcome> {
  const row = await db.alertChannel.findUnique({ where: { id } });
  if (!row) throw new NotFoundError(`no alert channel ${id}`);
  // Recorded before it is sent: a test message leaves the network even if the request dies after.
  await appendAccessLog(db, {
    action: "alert_channel_tested",
    actor: by.actor,
    target: `channel:${id}`,
    address: by.address,
    detail: { name: row.name, kind: row.kind },
  });
  const now = new Date();
  // Claimed by this request from the start, so the evaluator's delivery pass leaves it alone.
  const notification = await db.alertNotification.create({
    data: {
      channelId: id,
      alertId: null,
      event: "test",
      createdAt: now,
      status: "sending",
      attempts: 0,
      nextAttemptAt: new Date(now.getTime() + CLAIM_MS),
    },
  });
  const outcome = await deliverItems(db, row, [notification.id], { final: true });
  if (outcome.status === "rate_limited")
    throw new ApiError(429, "rate_limited", outcome.error ?? "the channel's rate limit is reached; try again in a minute");
  return outcome;
}
