// Alert rules (/admin/alerts): stored with their kind's parameters as JSON; listed, created,
// updated, enabled/disabled and deleted by admins.

import { type RuleCondition, type RuleInput, type RuleKind, ruleParamsSchema } from "@/lib/alerts/contracts";
import { InvalidParameterError, NotFoundError } from "@/lib/api/errors";
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

export async function createRule(db: Db, input: RuleInput): Promise<ParsedRule> {
  await checkChannels(db, input.channelIds);
  const now = new Date();
  return parseRuleRow(await db.alertRule.create({ data: { ...toData(input), createdAt: now, updatedAt: now } }));
}

export async function updateRule(db: Db, id: number, input: RuleInput): Promise<ParsedRule> {
  if (!(await db.alertRule.findUnique({ where: { id } }))) throw new NotFoundError(`no alert rule ${id}`);
  await checkChannels(db, input.channelIds);
  return parseRuleRow(await db.alertRule.update({ where: { id }, data: { ...toData(input), updatedAt: new Date() } }));
}

export async function deleteRule(db: Db, id: number): Promise<void> {
  const { count } = await db.alertRule.deleteMany({ where: { id } });
  if (count === 0) throw new NotFoundError(`no alert rule ${id}`);
}
