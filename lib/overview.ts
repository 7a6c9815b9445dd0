// The overview page's data for a time range: recalls over time and by platform (from
// recall_hourly_counts), top senders and recipients (from user_hourly_counts and its daily rollup
// for the whole days of the range, lib/users/range-counts.ts, or user_stats when the range holds
// all the data there is), and whether IM is still calling us (callback_counts).
// Ranges count the whole UTC hours they overlap.
import { z } from "zod";
import { config } from "@/lib/config";
import { type Db, Prisma } from "@/lib/db/client";
import { checkBucketCount } from "@/lib/db/time-slices";
import { toDate, toNullableDate, toNumber } from "@/lib/db/values";
import { timeToRecallStats } from "@/lib/messages/time-to-recall";
import { hourStart } from "@/lib/recalls/aggregates";
import { ADMIN_PLATFORM, dateRangeShape, rangeStart, sdkAppIdParam, sinceNotAfterUntil } from "@/lib/recalls/filters";
import { userCountRows } from "@/lib/users/range-counts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Default range: the last day. */
export const DEFAULT_OVERVIEW_HOURS = 24;
/** Ranges longer than this are charted per day unless `bucket` says otherwise. */
const HOURLY_UP_TO_MS = 3 * DAY_MS;
export const TOP_USERS = 10;

export const overviewQuerySchema = z
  .object({
    ...dateRangeShape,
    sdkAppId: sdkAppIdParam.optional(),
    bucket: z.enum(["hour", "day"], { error: "expected hour or day" }).optional(),
  })
  .superRefine(sinceNotAfterUntil);
export type OverviewQuery = z.output<typeof overviewQuerySchema>;

/** Ties in the platform split read alphabetically, recalls without a platform last. */
function byPlatformName(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

type TopRow = { sdk_app_id: string; user_id: string; n: unknown };

export async function getOverview(db: Db, query: OverviewQuery, now = new Date()) {
  const until = query.until ?? now;
  const since = query.since ?? rangeStart(until, DEFAULT_OVERVIEW_HOURS * HOUR_MS);
  const bucket = query.bucket ?? (until.getTime() - since.getTime() <= HOURLY_UP_TO_MS ? "hour" : "day");
  const size = bucket === "day" ? DAY_MS : HOUR_MS;
  checkBucketCount(since, until, bucket);
  const first = Math.floor(since.getTime() / size) * size;
  const fromHour = hourStart(since);
  const app = query.sdkAppId !== undefined ? Prisma.sql`AND sdk_app_id = ${query.sdkAppId}` : Prisma.empty;

  const [hourRows, platformRows, extent, callbacks] = await Promise.all([
    db.$queryRaw<{ hour_start: unknown; recalls: unknown }[]>`
      SELECT hour_start, SUM(recalls) AS recalls FROM recall_hourly_counts
      WHERE hour_start >= ${fromHour} AND hour_start < ${until} ${app} GROUP BY hour_start`,
    db.$queryRaw<{ opt_platform: string; recalls: unknown }[]>`
      SELECT opt_platform, SUM(recalls) AS recalls FROM recall_hourly_counts
      WHERE hour_start >= ${fromHour} AND hour_start < ${until} ${app} GROUP BY opt_platform`,
    db.$queryRaw<{ first: unknown; last: unknown }[]>`
      SELECT MIN(hour_start) AS first, MAX(hour_start) AS last FROM recall_hourly_counts WHERE 1 = 1 ${app}`,
    db.callbackCount.aggregate({ _max: { lastReceivedAt: true }, where: query.sdkAppId !== undefined ? { sdkAppId: query.sdkAppId } : {} }),
  ]);

  const series = new Map<number, number>();
  for (let t = first; t < until.getTime() || t === first; t += size) series.set(t, 0);
  let total = 0;
  for (const r of hourRows) {
    const n = toNumber(r.recalls);
    const t = Math.floor(toDate(r.hour_start).getTime() / size) * size;
    series.set(t, (series.get(t) ?? 0) + n);
    total += n;
  }

  // When the range holds every hour there is data for, the all-time totals in user_stats are the
  // answer, read from an index instead of summing the hourly table.
  const firstHour = toNullableDate(extent[0]?.first);
  const lastHour = toNullableDate(extent[0]?.last);
  const wholeHistory = !firstHour || !lastHour || (fromHour <= firstHour && until > lastHour);
  let senders: TopRow[];
  let recipients: TopRow[];
  if (wholeHistory) {
    const top = (column: "recalls_sent" | "recalls_received") => {
      const col = Prisma.raw(column);
      return db.$queryRaw<TopRow[]>`SELECT sdk_app_id, user_id, ${col} AS n FROM user_stats
        WHERE ${col} > 0 ${app} ORDER BY ${col} DESC, user_id LIMIT ${TOP_USERS}`;
    };
    [senders, recipients] = await Promise.all([top("recalls_sent"), top("recalls_received")]);
  } else {
    // One pass over the range's rows serves both rankings (the CTE is read twice, so both
    // databases materialise it once).
    const rows = await db.$queryRaw<(TopRow & { kind: string })[]>`
      WITH totals AS (
        SELECT sdk_app_id, user_id, SUM(sent) AS sent, SUM(received) AS received
        FROM (${userCountRows(fromHour, until, Prisma.sql`1 = 1 ${app}`)}) c GROUP BY sdk_app_id, user_id
      )
      SELECT * FROM (SELECT 'sent' AS kind, sdk_app_id, user_id, sent AS n FROM totals WHERE sent > 0
                     ORDER BY sent DESC, user_id LIMIT ${TOP_USERS}) s
      UNION ALL
      SELECT * FROM (SELECT 'received' AS kind, sdk_app_id, user_id, received AS n FROM totals WHERE received > 0
                     ORDER BY received DESC, user_id LIMIT ${TOP_USERS}) r`;
    const ranked = (kind: string) =>
      rows.filter((r) => r.kind === kind).sort((a, b) => toNumber(b.n) - toNumber(a.n) || (a.user_id < b.user_id ? -1 : 1));
    senders = ranked("sent");
    recipients = ranked("received");
  }
  const toTop = (r: TopRow) => ({ userId: r.user_id, sdkAppId: r.sdk_app_id, recalls: toNumber(r.n) });
  const recallRates = await topRecallRates(db, fromHour, until, app);
  // Over the same whole hours as the counts above, so the histogram adds up with them.
  const ttr = await timeToRecallStats(db, { since: fromHour, until, sdkAppId: query.sdkAppId });
  const adminRecalls = platformRows.filter((r) => r.opt_platform === ADMIN_PLATFORM).reduce((n, r) => n + toNumber(r.recalls), 0);

  const lastCallbackAt = callbacks._max.lastReceivedAt;
  const silenceMinutes = config.dashboard.callbackSilenceWarningMinutes;
  const silentForMs = lastCallbackAt ? now.getTime() - lastCallbackAt.getTime() : null;
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    bucket,
    totalRecalls: total,
    recallsOverTime: [...series].map(([t, recalls]) => ({ start: new Date(t).toISOString(), recalls })),
    /** Normalised platform; null for recalls that carried no OptPlatform. */
    platforms: platformRows
      .map((r) => ({ platform: r.opt_platform === "" ? null : r.opt_platform, recalls: toNumber(r.recalls) }))
      .sort((a, b) => b.recalls - a.recalls || byPlatformName(a.platform, b.platform)),
    topSenders: senders.map(toTop),
    topRecipients: recipients.map(toTop),
    /** Admin recalls: OptPlatform=RESTAPI (admin_msgwithdraw); user recalls: every other. */
    recallKinds: { admin: adminRecalls, user: total - adminRecalls },
    /** Time from sending to recalling (lib/messages/time-to-recall.ts). */
    timeToRecall: ttr,
    /** Highest recalls sent / messages sent in the range, among users with at least `minMessages` sent. */
    recallRates: { minMessages: config.messages.recallRateMinMessages, users: recallRates },
    /** IM_CAPTURE_MESSAGES: whether sent messages' content is kept (counts always are). */
    messageCapture: config.messages.captureEnabled,
    callbacks: {
      lastCallbackAt: lastCallbackAt?.toISOString() ?? null,
      secondsSinceLastCallback: silentForMs === null ? null : Math.max(0, Math.floor(silentForMs / 1000)),
      silenceWarningMinutes: silenceMinutes,
      /** True when no callback came for longer than the configured while, or none ever came. */
      silent: silentForMs === null || silentForMs > silenceMinutes * 60_000,
    },
  };
}
async function topRecallRates(db: Db, fromHour: Date, until: Date, app: Prisma.Sql) {
  const min = config.messages.recallRateMinMessages;
  const rows = await db.$queryRaw<{ sdk_app_id: string; user_id: string; sent: unknown; recalls: unknown; rate: unknown }[]>`
    WITH m AS (
      SELECT sdk_app_id, user_id, SUM(sent) AS sent FROM user_message_hours
      WHERE hour_start >= ${fromHour} AND hour_start < ${until} ${app}
      GROUP BY sdk_app_id, user_id HAVING SUM(sent) >= ${min}
    ), r AS (
      SELECT sdk_app_id, user_id, SUM(sent) AS recalls
      FROM (${userCountRows(fromHour, until, Prisma.sql`1 = 1 ${app}`)}) c GROUP BY sdk_app_id, user_id
    )
    SELECT m.sdk_app_id, m.user_id, m.sent, r.recalls, CAST(r.recalls AS DOUBLE PRECISION) / m.sent AS rate
    FROM m JOIN r ON r.sdk_app_id = m.sdk_app_id AND r.user_id = m.user_id
    WHERE r.recalls > 0
    ORDER BY rate DESC, m.user_id LIMIT ${TOP_USERS}`;
  return rows.map((r) => ({
    userId: r.user_id,
    sdkAppId: r.sdk_app_id,
    recallsSent: toNumber(r.recalls),
    messagesSent: toNumber(r.sent),
    rate: Number(r.rate),
  }));
}

export type Overview = Awaited<ReturnType<typeof getOverview>>;
