// Alert rules (/admin/alerts): stored with their kind's parameters as JSON; listed, created,
// updated, enabled/disabled and deleted by admins, each change recorded in the access log in the
// same transaction (a change that is not recorded does not happen).

import { type RuleCondition, type RuleInput, type RuleKind, ruleParamsSchema } from "@/lib/alerts/contracts";
import { InvalidParameterError, NotFoundError } from "@/lib/api/errors";
import { type ActedBy, appendAccessLog } from "@/lib/audit/access-log";
import type { Db } from "@/lib/db/client";

export type RuleRow = Awaited<ReturnType<Db["alertRule"]["findMany"]>>[number];

export type ParsedRule = RuleCondition & {
  id: number;
  name: string;
  enabled: boolean;
  apps: string[];
  channelIds: number[];
  cooldownMinutes: number;
};

export function parseRuleRow(row: RuleRow): ParsedRule {
  const condition = ruleParamsSchema.parse({ kind: row.kind, params: JSON.parse(row.params) });
  return {
    ...condition,
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    apps: JSON.parse(row.apps) as string[],
    channelIds: JSON.parse(row.channelIds) as number[],
    cooldownMinutes: row.cooldownMinutes,
  };
}

export type RuleItem = ParsedRule & { kind: RuleKind; createdAt: string; updatedAt: string; firing: number };

async function checkChannels(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await db.alertChannel.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length) throw new InvalidParameterError("channelIds", `channelIds: no alert channel ${missing.join(", ")}`);
}

const toData = (input: RuleInput) => ({
  name: input.name,
  kind: input.kind,
  enabled: input.enabled,
  params: JSON.stringify(input.params),
  apps: JSON.stringify(input.apps),
  channelIds: JSON.stringify(input.channelIds),
  cooldownMinutes: input.cooldownMinutes,
});

export async function listRules(db: Db): Promise<RuleItem[]> {
  const [rows, firing] = await Promise.all([
    db.alertRule.findMany({ orderBy: { id: "asc" } }),
    db.alert.groupBy({ by: ["ruleId"], where: { status: "firing" }, _count: { _all: true } }),
  ]);
  const counts = new Map(firing.map((f) => [f.ruleId, f._count._all]));
  return rows.map((r) => ({
    ...parseRuleRow(r),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    firing: counts.get(r.id) ?? 0,
  }));
}

export async function createRule(db: Db, input: RuleInput, by: ActedBy): Promise<ParsedRule> {
  await checkChannels(db, input.channelIds);
  const now = new Date();
  return db.$transaction(async (tx) => {
    const row = await tx.alertRule.create({ data: { ...toData(input), createdAt: now, updatedAt: now } });
    await appendAccessLog(tx, {
      action: "alert_rule_created",
      actor: by.actor,
      target: `rule:${row.id}`,
      address: by.address,
      detail: { name: input.name, kind: input.kind, enabled: input.enabled },
    });
    return parseRuleRow(row);
  });
}

/**
 * Replaces a rule's settings. Turning it on or off is recorded as such (the dashboard's toggle sends
 * the whole rule); any other change as an edit, with the fields that changed.
 */
export async function updateRule(db: Db, id: number, input: RuleInput, by: ActedBy): Promise<ParsedRule> {
  const before = await db.alertRule.findUnique({ where: { id } });
  if (!before) throw new NotFoundError(`no alert rule ${id}`);
  await checkChannels(db, input.channelIds);
  const next = toData(input);
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => k !== "enabled" && next[k] !== before[k]);
  return db.$transaction(async (tx) => {
    const row = await tx.alertRule.update({ where: { id }, data: { ...next, updatedAt: new Date() } });
    const entry = { actor: by.actor, target: `rule:${id}`, address: by.address };
    if (before.enabled !== input.enabled)
      await appendAccessLog(tx, {
        ...entry,
        action: input.enabled ? "alert_rule_enabled" : "alert_rule_disabled",
        detail: { name: input.name },
      });
    if (changed.length > 0 || before.enabled === input.enabled)
      await appendAccessLog(tx, { ...entry, action: "alert_rule_updated", detail: { name: input.name, changed } });
    return parseRuleRow(row);
  });
}

export async function deleteRule(db: Db, id: number, by: ActedBy): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.alertRule.findUnique({ where: { id }, select: { name: true, kind: true } });
    if (!row) throw new NotFoundError(`no alert rule ${id}`);
    await tx.alertRule.delete({ where: { id } });
    await appendAccessLog(tx, { action: "alert_rule_deleted", actor: by.actor, target: `rule:${id}`, address: by.address, detail: row });
  });
}
