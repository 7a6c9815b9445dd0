// "How often would this rule have fired over the last 7 days?", answered before it is saved, from
// the stored data, in a few grouped queries rather than by replaying every evaluation:
// - burst and spike count recalls in fixed windows of the rule's length, aligned to the clock (a
//   burst straddling two windows can be missed, so the preview can undercount bursts);
// - silence and receiver failing read the callback minutes (lib/alerts/callback-minutes.ts), which
//   exist only since alerts were installed.
// Consecutive windows where the condition holds are one firing; the cooldown is applied.

import { median } from "@/lib/alerts/conditions";
import { RECEIVER_FAILING_WINDOW_MINUTES, type RuleCondition } from "@/lib/alerts/contracts";
import { type Db, Prisma } from "@/lib/db/client";
import { dialectOf } from "@/lib/db/dialect";
import { toDate, toNumber } from "@/lib/db/values";

const MINUTE = 60_000;
const DAY = 86_400_000;
export const PREVIEW_DAYS = 7;
const MAX_SAMPLES = 20;

export type Preview = {
  since: string;
  until: string;
  /** How many times it would have fired. */
  fires: number;
  /** The first few firings. */
  samples: { at: string; subject: Record<string, string> }[];
  /** True when the answer rests on callback minutes that do not yet cover the 7 days. */
  partial: boolean;
};

/**
 * A time column as a whole bucket number of `ms` since the epoch, on either database. Queries group
 * by its position (GROUP BY 1, 2): PostgreSQL does not see two copies of a parameterised expression
 * as the same expression.
 */
function bucketSql(db: Db, column: string, ms: number): Prisma.Sql {
  const col = Prisma.raw(column);
  return dialectOf(db) === "postgresql"
    ? Prisma.sql`CAST(FLOOR(EXTRACT(EPOCH FROM ${col}) * 1000 / ${ms}) AS BIGINT)`
    : Prisma.sql`CAST((julianday(${col}) - 2440587.5) * 86400000 / ${ms} AS INTEGER)`;
}

const appFilter = (apps: readonly string[]) => (apps.length ? Prisma.sql`AND sdk_app_id IN (${Prisma.join([...apps])})` : Prisma.empty);

/** Times (ms) at which the condition held, per subject, sorted → firings after merging runs and cooldown. */
function episodes(held: Map<string, number[]>, stepMs: number, cooldownMs: number, since: number) {
  const out: { at: number; subject: string }[] = [];
  for (const [subject, times] of held) {
    times.sort((a, b) => a - b);
    let lastHeld = Number.NEGATIVE_INFINITY;
    for (const t of times) {
      const continues = t - lastHeld <= stepMs;
      const cooling = t - (lastHeld + stepMs) < cooldownMs;
      if (!continues && !cooling && t >= since) out.push({ at: t, subject });
      lastHeld = t;
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

function push(map: Map<string, number[]>, key: string, t: number) {
  const list = map.get(key);
  if (list) list.push(t);
  else map.set(key, [t]);
}

export async function previewRule(
  db: Db,
  rule: RuleCondition & { apps: readonly string[]; cooldownMinutes: number },
  now = new Date(),
): Promise<Preview> {
  const since = now.getTime() - PREVIEW_DAYS * DAY;
  const held = new Map<string, number[]>();
  let step = MINUTE;
  let partial = false;
  switch (rule.kind) {
    case "burst": {
      const p = rule.params;
      step = Math.round(p.windowMinutes * MINUTE);
      const pair = p.perRecipient ? Prisma.sql`, to_account` : Prisma.empty;
      const b = bucketSql(db, "received_at", step);
      const rows = await db.$queryRaw<{ app: string; from_account: string; to_account?: string; b: unknown }[]>`
        SELECT sdk_app_id AS app, from_account ${pair}, ${b} AS b FROM recalls
        WHERE received_at >= ${new Date(since)} AND received_at <= ${now} ${appFilter(rule.apps)}
        GROUP BY ${p.perRecipient ? Prisma.sql`1, 2, 3, 4` : Prisma.sql`1, 2, 3`}
        HAVING COUNT(*) >= ${p.count}
        LIMIT 100000`;
      for (const r of rows) {
        const subject = new URLSearchParams(
          p.perRecipient ? { app: r.app, from: r.from_account, to: r.to_account ?? "" } : { app: r.app, from: r.from_account },
        );
        push(held, subject.toString(), toNumber(r.b) * step);
      }
      break;
    }
    case "spike": {
      const p = rule.params;
      step = Math.round(p.windowMinutes * MINUTE);
      const b = bucketSql(db, "received_at", step);
      const rows = await db.$queryRaw<{ app: string; b: unknown; n: unknown }[]>`
        SELECT sdk_app_id AS app, ${b} AS b, COUNT(*) AS n FROM recalls
        WHERE received_at >= ${new Date(since - PREVIEW_DAYS * DAY - step)} AND received_at <= ${now} ${appFilter(rule.apps)}
        GROUP BY 1, 2`;
      const counts = new Map(rows.map((r) => [`${r.app}|${toNumber(r.b)}`, toNumber(r.n)]));
      for (const r of rows) {
        const bucket = toNumber(r.b);
        const n = toNumber(r.n);
        if (n < p.minCount || bucket * step < since) continue;
        const baseline = median(
          [1, 2, 3, 4, 5, 6, 7].map((d) => counts.get(`${r.app}|${Math.floor((bucket * step - d * DAY) / step)}`) ?? 0),
        );
        if (n > p.factor * baseline) push(held, new URLSearchParams({ app: r.app }).toString(), bucket * step);
      }
      break;
    }
    case "silence":
    case "receiver_failing": {
      const rows = await db.$queryRaw<{ app: string; m: unknown; callbacks: unknown; recalls: unknown; failed: unknown }[]>`
        SELECT sdk_app_id AS app, minute_start AS m, callbacks, recalls, recalls_503 AS failed FROM alert_callback_minutes
        WHERE minute_start >= ${new Date(since - DAY)} ${appFilter(rule.apps)}
        ORDER BY sdk_app_id, minute_start`;
      const first = rows.reduce((min, r) => Math.min(min, toDate(r.m).getTime()), Number.POSITIVE_INFINITY);
      partial = !(first <= since);
      const byApp = new Map<string, { m: number; callbacks: number; recalls: number; failed: number }[]>();
      for (const r of rows) {
        const list = byApp.get(r.app) ?? [];
        list.push({ m: toDate(r.m).getTime(), callbacks: toNumber(r.callbacks), recalls: toNumber(r.recalls), failed: toNumber(r.failed) });
        byApp.set(r.app, list);
      }
      for (const [app, minutes] of byApp) {
        const subject = new URLSearchParams({ app }).toString();
        if (rule.kind === "silence") {
          const quiet = rule.params.minutes * MINUTE;
          const active = minutes.filter((x) => x.callbacks > 0).map((x) => x.m);
          active.push(now.getTime());
          for (let i = 1; i < active.length; i++) {
            const prev = active[i - 1] ?? 0;
            const gap = (active[i] ?? 0) - prev - MINUTE;
            // Fires when the gap reaches the limit, if the app was active within the day before.
            if (gap >= quiet) push(held, subject, prev + MINUTE + quiet);
          }
          step = 0;
        } else {
          const p = rule.params;
          const window = RECEIVER_FAILING_WINDOW_MINUTES + 1;
          const byMinute = new Map(minutes.map((x) => [x.m, x]));
          for (const x of minutes) {
            let total = 0;
            let failed = 0;
            for (let k = 0; k < window; k++) {
              const y = byMinute.get(x.m + k * MINUTE);
              if (!y) continue;
              total += y.recalls;
              failed += y.failed;
            }
            if (total >= p.minCallbacks && (failed * 100) / total > p.percent) push(held, subject, x.m);
          }
        }
      }
      break;
    }
  }
  const found = episodes(held, step, rule.cooldownMinutes * MINUTE, since);
  return {
    since: new Date(since).toISOString(),
    until: now.toISOString(),
    fires: found.length,
    samples: found
      .slice(0, MAX_SAMPLES)
      .map((e) => ({ at: new Date(e.at).toISOString(), subject: Object.fromEntries(new URLSearchParams(e.subject)) })),
    partial,
  };
}
