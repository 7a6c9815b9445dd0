// An alert's life: firing when its rule's condition starts holding for a subject, resolved when it
// stops, one of each per episode (deduplicated by rule and subject through the unique open_key),
// with a cooldown before the same subject may fire again; notifications for both written in the
// same transaction as the change. Acknowledgement by staff is recorded on the alert and in the
// access log.

import { evaluateCondition, type Firing } from "@/lib/alerts/conditions";
import type { RuleKind } from "@/lib/alerts/contracts";
import { parseRuleRow, type RuleRow } from "@/lib/alerts/rules";
import { ConflictError, NotFoundError } from "@/lib/api/errors";
import { type ActedBy, appendAccessLog } from "@/lib/audit/access-log";
import { type Db, Prisma } from "@/lib/db/client";

const MINUTE = 60_000;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

async function channelsFor(db: Db, channelIds: readonly number[]): Promise<number[]> {
  if (channelIds.length === 0) return [];
  const rows = await db.alertChannel.findMany({ where: { id: { in: [...channelIds] }, enabled: true }, select: { id: true } });
  return rows.map((r) => r.id);
}

export type RoundResult = { fired: number; resolved: number };

/** Applies one rule's current firings: opens new alerts, resolves cleared ones. */
export async function applyFirings(db: Db, rule: RuleRow, firings: readonly Firing[], now: Date): Promise<RoundResult> {
  const parsed = parseRuleRow(rule);
  const open = await db.alert.findMany({ where: { ruleId: rule.id, status: "firing" } });
  const openSubjects = new Set(open.map((a) => a.subject));
  const current = new Set(firings.map((f) => f.subject));
  const channels = await channelsFor(db, parsed.channelIds);
  let fired = 0;
  let resolved = 0;
  for (const firing of firings) {
    if (openSubjects.has(firing.subject)) continue;
    if (parsed.cooldownMinutes > 0) {
      const recent = await db.alert.findFirst({
        where: { ruleId: rule.id, subject: firing.subject, resolvedAt: { gt: new Date(now.getTime() - parsed.cooldownMinutes * MINUTE) } },
        select: { id: true },
      });
      if (recent) continue;
    }
    try {
      await db.$transaction(async (tx) => {
        const alert = await tx.alert.create({
          data: {
            ruleId: rule.id,
            subject: firing.subject,
            openKey: `${rule.id}:${firing.subject}`,
            status: "firing",
            firedAt: now,
            detail: JSON.stringify(firing.detail),
          },
        });
        if (channels.length)
          await tx.alertNotification.createMany({
            data: channels.map((channelId) => ({
              channelId,
              alertId: alert.id,
              event: "firing",
              createdAt: now,
              status: "pending",
              nextAttemptAt: now,
            })),
          });
      });
      fired += 1;
    } catch (error) {
      // Another evaluator opened it first (or it is still open): one alert per rule and subject.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  for (const alert of open) {
    if (current.has(alert.subject)) continue;
    const done = await db.$transaction(async (tx) => {
      const { count } = await tx.alert.updateMany({
        where: { id: alert.id, status: "firing" },
        data: { status: "resolved", resolvedAt: now, openKey: null },
      });
      if (count !== 1) return false;
      if (channels.length)
        await tx.alertNotification.createMany({
          data: channels.map((channelId) => ({
            channelId,
            alertId: alert.id,
            event: "resolved",
            createdAt: now,
            status: "pending",
            nextAttemptAt: now,
          })),
        });
      return true;
    });
    if (done) resolved += 1;
  }
  return { fired, resolved };
}

/** One evaluation of every enabled rule. `read`: the read client (off-loop on SQLite); `db`: writes. */
export async function evaluateRules(read: Db, db: Db, now = new Date()): Promise<RoundResult> {
  const rules = await db.alertRule.findMany({ where: { enabled: true }, orderBy: { id: "asc" } });
  const total = { fired: 0, resolved: 0 };
  for (const rule of rules) {
    const parsed = parseRuleRow(rule);
    const firings = await evaluateCondition(read, parsed, now);
    const r = await applyFirings(db, rule, firings, now);
    total.fired += r.fired;
    total.resolved += r.resolved;
  }
  return total;
}

export type AlertItem = {
  id: number;
  ruleId: number;
  ruleName: string;
  kind: RuleKind;
  subject: Record<string, string>;
  status: "firing" | "resolved";
  firedAt: string;
  resolvedAt: string | null;
  detail: Record<string, unknown>;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
};

type AlertWithRule = Awaited<ReturnType<typeof listRaw>>[number];
const listRaw = (db: Db, where: NonNullable<Parameters<Db["alert"]["findMany"]>[0]>["where"], take: number) =>
  db.alert.findMany({
    where,
    include: { rule: { select: { name: true, kind: true } } },
    orderBy: [{ firedAt: "desc" }, { id: "desc" }],
    take,
  });

const toItem = (a: AlertWithRule): AlertItem => ({
  id: a.id,
  ruleId: a.ruleId,
  ruleName: a.rule.name,
  kind: a.rule.kind as RuleKind,
  subject: Object.fromEntries(new URLSearchParams(a.subject)),
  status: a.status as AlertItem["status"],
  firedAt: a.firedAt.toISOString(),
  resolvedAt: a.resolvedAt?.toISOString() ?? null,
  detail: JSON.parse(a.detail) as Record<string, unknown>,
  acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
  acknowledgedBy: a.acknowledgedBy,
});

export async function listAlerts(
  db: Db,
  filters: { status?: "firing" | "resolved"; ruleId?: number; kind?: RuleKind; id?: number; limit: number },
): Promise<AlertItem[]> {
  const rows = await listRaw(
    db,
    {
      ...(filters.id ? { id: filters.id } : {}),
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.ruleId ? { ruleId: filters.ruleId } : {}),
      ...(filters.kind ? { rule: { kind: filters.kind } } : {}),
    },
    filters.limit,
  );
  return rows.map(toItem);
}

/** The header badge: alerts firing now, and how many of them nobody has acknowledged. */
export async function firingSummary(db: Db): Promise<{ firing: number; unacknowledged: number }> {
  const [firing, unacknowledged] = await Promise.all([
    db.alert.count({ where: { status: "firing" } }),
    db.alert.count({ where: { status: "firing", acknowledgedAt: null } }),
  ]);
  return { firing, unacknowledged };
}

export async function acknowledgeAlert(db: Db, id: number, by: ActedBy): Promise<AlertItem> {
  const alert = await db.alert.findUnique({ where: { id }, include: { rule: { select: { name: true } } } });
  if (!alert) throw new NotFoundError(`no alert ${id}`);
  const already = (a: { acknowledgedAt: Date; acknowledgedBy: string | null }) =>
    new ConflictError(`alert ${id} was already acknowledged by ${a.acknowledgedBy} at ${a.acknowledgedAt.toISOString()}`);
  if (alert.acknowledgedAt) throw already({ acknowledgedAt: alert.acknowledgedAt, acknowledgedBy: alert.acknowledgedBy });
  await db.$transaction(async (tx) => {
    // Conditional: of two staff acknowledging at once, one is recorded, the other told.
    const { count } = await tx.alert.updateMany({
      where: { id, acknowledgedAt: null },
      data: { acknowledgedAt: new Date(), acknowledgedBy: by.actor.email },
    });
    if (count !== 1) throw new ConflictError(`alert ${id} was already acknowledged`);
    await appendAccessLog(tx, {
      action: "alert_acknowledged",
      actor: by.actor,
      target: `alert:${id}`,
      address: by.address,
      detail: { rule: alert.rule.name, subject: alert.subject, status: alert.status },
    });
  });
  const [item] = await listAlerts(db, { id, limit: 1 });
  if (!item) throw new NotFoundError(`no alert ${id}`);
  return item;
}
