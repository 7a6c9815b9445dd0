// Time to recall over many recalls (the overview's histogram, a user's median and distribution):
// the recalls matching a filter joined to their messages by identity when read, so recall ingest
// pays nothing for it. Each recall's time is lib/messages/recall-message.ts's timeToRecall (the
// captured MsgTime, else the MsgKey's time, marked estimated).
import { type Db, Prisma } from "@/lib/db/client";
import { byDialect } from "@/lib/db/dialect";
import { toNullableNumber, toNumber } from "@/lib/db/values";
import { recallFilterSql } from "@/lib/export/recall-filter-sql";
import { EARLIEST_SEND_SECONDS, FUTURE_SLACK_SECONDS } from "@/lib/messages/send-body";
import type { RecallFilters } from "@/lib/recalls/filters";

/**
 * At most this many recalls (the newest in the range) are read: a figure over 20,000 recalls is
 * as good as one over all of them, and a wide range must not read millions. `sampled` says when
 * the range held more.
 */
export const TIME_TO_RECALL_MAX_RECALLS = 20_000;

/** The histogram's buckets, upper bounds exclusive: IM's default recall limit is 2 minutes. */
export const TIME_TO_RECALL_BUCKETS = [
  { bucket: "under10s", upToMs: 10_000 },
  { bucket: "10to30s", upToMs: 30_000 },
  { bucket: "30sTo2min", upToMs: 120_000 },
  { bucket: "2to10min", upToMs: 600_000 },
  { bucket: "over10min", upToMs: Number.POSITIVE_INFINITY },
] as const;
export type TimeToRecallBucket = (typeof TIME_TO_RECALL_BUCKETS)[number]["bucket"];

// Computed in SQL, one row back, because it runs on every overview and user trend: reading the
// 20,001 rows into Prisma objects (three dates a row) took about 220 ms of the Node thread that
// also answers IM's callbacks, for each request (bench/ingest-load.bench.ts at 1M recalls).
// The send time follows timeToRecall (lib/messages/recall-message.ts) exactly: the captured
// MsgTime, else the seconds of a MsgKey shaped /^\d{1,20}_\d{1,20}_(\d{9,11})$/ when plausible
// (sendTimeFromMsgKey). tests/integration/time-to-recall.test.ts compares every figure with
// timeToRecall's on both databases.
//
// Each derived value is computed once per row and kept (the MATERIALIZED stages): PostgreSQL
// otherwise inlines a CTE's expressions into every place a later stage names them, and an earlier
// version of this query, which parsed the key in five chained stages, spent 290 of its 340 ms
// re-evaluating them (EXPLAIN ANALYZE at 1M recalls; 60 ms now).

/** The seconds a MsgKey of the shape above ends with, else NULL. \d is [0-9] (no u flag). */
function keySeconds(db: Db, key: string): string {
  return byDialect(db, {
    postgresql: `CAST(substring(${key} from '^[0-9]{1,20}_[0-9]{1,20}_([0-9]{9,11})$') AS BIGINT)`,
    // No regex in SQLite. Only digits and exactly two underscores, each part starting with a digit;
    // rtrim strips the trailing seconds, leaving "<seq>_<random>_", whose lengths are then checked.
    sqlite: `CASE WHEN ${key} GLOB '[0-9]*_[0-9]*_[0-9]*' AND ${key} NOT GLOB '*[^0-9_]*'
        AND length(${key}) - length(replace(${key}, '_', '')) = 2 AND instr(${key}, '_') <= 21
        AND length(${key}) - length(rtrim(${key}, '0123456789')) BETWEEN 9 AND 11
        AND length(rtrim(${key}, '0123456789')) - instr(${key}, '_') - 1 <= 20
      THEN CAST(substr(${key}, length(rtrim(${key}, '0123456789')) + 1) AS INTEGER) END`,
  });
}

/** A stored time as whole milliseconds since the epoch. */
const epochMs = (db: Db, column: string) =>
  byDialect(db, {
    sqlite: `CAST(ROUND(unixepoch(${column}, 'subsec') * 1000) AS INTEGER)`,
    postgresql: `CAST(ROUND(EXTRACT(EPOCH FROM ${column}) * 1000) AS BIGINT)`,
  });

type StatsRow = { read_rows: unknown; known: unknown; estimated: unknown; median_ms: unknown } & Record<`${"b" | "e"}${number}`, unknown>;

export async function timeToRecallStats(db: Db, filters: RecallFilters, maxRecalls = TIME_TO_RECALL_MAX_RECALLS) {
  const bucketSums = TIME_TO_RECALL_BUCKETS.map((b, i) => {
    const lower = i === 0 ? 0 : (TIME_TO_RECALL_BUCKETS[i - 1]?.upToMs ?? 0);
    const inBucket = Number.isFinite(b.upToMs) ? `ttr >= ${lower} AND ttr < ${b.upToMs}` : `ttr >= ${lower}`;
    return `COALESCE(SUM(CASE WHEN ${inBucket} THEN 1 ELSE 0 END), 0) AS b${i}, COALESCE(SUM(CASE WHEN ${inBucket} THEN est ELSE 0 END), 0) AS e${i}`;
  }).join(",\n      ");
  const [row] = await db.$queryRaw<StatsRow[]>`
    WITH r AS (
      -- The newest recalls of the range and one more, which only tells whether the range held more.
      SELECT ROW_NUMBER() OVER (ORDER BY received_at DESC, id DESC) AS pos, l.*
      FROM (SELECT id, sdk_app_id, from_account, to_account, msg_key, event_time, received_at FROM recalls
            WHERE ${recallFilterSql(filters)} ORDER BY received_at DESC, id DESC LIMIT ${maxRecalls + 1}) l
    ), sent AS MATERIALIZED (
      SELECT ${Prisma.raw(epochMs(db, "COALESCE(r.event_time, r.received_at)"))} AS recalled_ms,
        CASE WHEN m.msg_time IS NULL THEN 1 ELSE 0 END AS est,
        COALESCE(${Prisma.raw(epochMs(db, "m.msg_time"))}, ${Prisma.raw(keySeconds(db, "r.msg_key"))} * 1000) AS sent_ms
      FROM r LEFT JOIN messages m ON m.sdk_app_id = r.sdk_app_id AND m.from_account = r.from_account
        AND m.to_account = r.to_account AND m.msg_key = r.msg_key
      WHERE r.pos <= ${maxRecalls}
    ), t AS MATERIALIZED (
      SELECT est, CASE WHEN recalled_ms > sent_ms THEN recalled_ms - sent_ms ELSE 0 END AS ttr FROM sent
      -- plausibleSendTime: after 2010, at most a day after the recall. A captured MsgTime was checked when stored.
      WHERE sent_ms IS NOT NULL AND (est = 0 OR (sent_ms >= ${EARLIEST_SEND_SECONDS * 1000} AND sent_ms <= recalled_ms + ${FUTURE_SLACK_SECONDS * 1000}))
    ), ranked AS (
      SELECT ttr, ROW_NUMBER() OVER (ORDER BY ttr) AS k, COUNT(*) OVER () AS n FROM t
    )
    SELECT (SELECT COUNT(*) FROM r) AS read_rows, COUNT(*) AS known, COALESCE(SUM(est), 0) AS estimated,
      (SELECT CAST(AVG(ttr) AS DOUBLE PRECISION) FROM ranked WHERE k = (n + 1) / 2 OR k = (n + 2) / 2) AS median_ms,
      ${Prisma.raw(bucketSums)}
    FROM t`;
  if (!row) throw new Error("time to recall: the aggregate returned no row");
  const read = toNumber(row.read_rows);
  return {
    /** Recalls read (the newest TIME_TO_RECALL_MAX_RECALLS of the range when `sampled`). */
    recalls: Math.min(read, maxRecalls),
    /** Of those, with a send time (captured or estimated). */
    known: toNumber(row.known),
    /** Of the known, estimated from the MsgKey. */
    estimated: toNumber(row.estimated),
    medianMs: toNullableNumber(row.median_ms),
    buckets: TIME_TO_RECALL_BUCKETS.map((b, i) => ({
      bucket: b.bucket as TimeToRecallBucket,
      recalls: toNumber(row[`b${i}`]),
      estimated: toNumber(row[`e${i}`]),
    })),
    sampled: read > maxRecalls,
  };
}
export type TimeToRecallStats = Awaited<ReturnType<typeof timeToRecallStats>>;
