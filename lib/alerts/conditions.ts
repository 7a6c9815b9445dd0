// Each rule kind's condition: which subjects (a sender, a sender and recipient, an app) it holds
// for at `now`, with what was measured. Read-only queries over stored data (recalls, callback
// counts, the callback minutes of lib/alerts/callback-minutes.ts), run on the dashboard's read
// client: on SQLite its worker threads, off the event loop that answers IM.
import { RECEIVER_FAILING_WINDOW_MINUTES, type RuleCondition } from "@/lib/alerts/contracts";
import { type Db, Prisma } from "@/lib/db/client";
import { toDate, toNumber } from "@/lib/db/values";

const MINUTE = 60_000;
const DAY = 86_400_000;

export type Firing = { subject: string; detail: Record<string, unknown> };

const subjectOf = (parts: Record<string, string>) => new URLSearchParams(parts).toString();
const appFilter = (apps: readonly string[], column = Prisma.raw("sdk_app_id")) =>
  apps.length ? Prisma.sql`AND ${column} IN (${Prisma.join([...apps])})` : Prisma.empty;

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Recalls per app received in [since, until). */
async function appCounts(db: Db, apps: readonly string[], since: Date, until: Date): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ app: string; n: unknown }[]>`
    SELECT sdk_app_id AS app, COUNT(*) AS n FROM recalls
    WHERE received_at >= ${since} AND received_at < ${until} ${appFilter(apps)}
    GROUP BY sdk_app_id`;
  return new Map(rows.map((r) => [r.app, toNumber(r.n)]));
}

export async function evaluateCondition(db: Db, rule: RuleCondition & { apps: readonly string[] }, now: Date): Promise<Firing[]> {
  switch (rule.kind) {
    case "burst": {
      const p = rule.params;
      const since = new Date(now.getTime() - p.windowMinutes * MINUTE);
      const pair = p.perRecipient ? Prisma.sql`, to_account` : Prisma.empty;
      const rows = await db.$queryRaw<{ app: string; from_account: string; to_account?: string; n: unknown }[]>`
        SELECT sdk_app_id AS app, from_account ${pair}, COUNT(*) AS n FROM recalls
        WHERE received_at >= ${since} AND received_at <= ${now} ${appFilter(rule.apps)}
        GROUP BY sdk_app_id, from_account ${pair}
        HAVING COUNT(*) >= ${p.count}
        ORDER BY COUNT(*) DESC
        LIMIT 500`;
      return rows.map((r) => ({
        subject: subjectOf(
          p.perRecipient ? { app: r.app, from: r.from_account, to: r.to_account ?? "" } : { app: r.app, from: r.from_account },
        ),
        detail: { count: toNumber(r.n), threshold: p.count, windowMinutes: p.windowMinutes },
      }));
    }
    case "spike": {
      const p = rule.params;
      const w = p.windowMinutes * MINUTE;
      const current = await appCounts(db, rule.apps, new Date(now.getTime() - w), now);
      const firing: Firing[] = [];
      const candidates = [...current].filter(([, n]) => n >= p.minCount);
      if (candidates.length === 0) return [];
      const previous = await Promise.all(
        [1, 2, 3, 4, 5, 6, 7].map((d) =>
          appCounts(db, rule.apps, new Date(now.getTime() - d * DAY - w), new Date(now.getTime() - d * DAY)),
        ),
      );
      for (const [app, count] of candidates) {
        const baseline = median(previous.map((m) => m.get(app) ?? 0));
        if (count > p.factor * baseline)
          firing.push({
            subject: subjectOf({ app }),
            detail: { count, baseline, factor: p.factor, windowMinutes: p.windowMinutes, minCount: p.minCount },
          });
      }
      return firing;
    }
    case "silence": {
      const p = rule.params;
      const rows = await db.$queryRaw<{ app: string; last: unknown }[]>`
        SELECT sdk_app_id AS app, MAX(last_received_at) AS last FROM callback_counts
        WHERE 1 = 1 ${appFilter(rule.apps)} GROUP BY sdk_app_id`;
      const firing: Firing[] = [];
      for (const r of rows) {
        const last = toDate(r.last);
        const quietMs = now.getTime() - last.getTime();
        // Only an app that was receiving callbacks within the previous day: one retired long ago is not "silent".
        if (quietMs >= p.minutes * MINUTE && quietMs <= DAY + p.minutes * MINUTE)
          firing.push({ subject: subjectOf({ app: r.app }), detail: { minutes: p.minutes, lastCallbackAt: last.toISOString() } });
      }
      return firing;
    }
    case "receiver_failing": {
      const p = rule.params;
      // Whole minutes: the minute now running and the five before it.
      const since = new Date(Math.floor((now.getTime() - RECEIVER_FAILING_WINDOW_MINUTES * MINUTE) / MINUTE) * MINUTE);
      const rows = await db.$queryRaw<{ app: string; total: unknown; failed: unknown }[]>`
        SELECT sdk_app_id AS app, SUM(recalls) AS total, SUM(recalls_503) AS failed FROM alert_callback_minutes
        WHERE minute_start >= ${since} ${appFilter(rule.apps)} GROUP BY sdk_app_id`;
      const firing: Firing[] = [];
      for (const r of rows) {
        const total = toNumber(r.total);
        const failed = toNumber(r.failed);
        if (total >= p.minCallbacks && (failed * 100) / total > p.percent)
          firing.push({
            subject: subjectOf({ app: r.app }),
            detail: { failed, total, threshold: p.percent, percentShown: Math.round((failed * 1000) / total) / 10 },
          });
      }
      return firing;
    }
  }
}
