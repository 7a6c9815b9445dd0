// Time to recall over many recalls (the overview's histogram, a user's median and distribution):
// the recalls matching a filter joined to their messages by identity when read, so recall ingest
// pays nothing for it. Each recall's time is lib/messages/recall-message.ts's timeToRecall (the
// captured MsgTime, else the MsgKey's time, marked estimated).
import type { Db } from "@/lib/db/client";

import { toDate, toNullableDate } from "@/lib/db/values";
import { recallFilterSql } from "@/lib/export/recall-filter-sql";
import { timeToRecall } from "@/lib/messages/recall-message";
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

type Row = {
  sdk_app_id: string;
  from_account: string;
  to_account: string;
  msg_key: string;
  event_time: unknown;
  received_at: unknown;
  msg_time: unknown;
};

/** Median of sorted values (the mean of the middle two for an even count). */
function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

export async function timeToRecallStats(db: Db, filters: RecallFilters, maxRecalls = TIME_TO_RECALL_MAX_RECALLS) {
  const rows = await db.$queryRaw<Row[]>`
    SELECT r.sdk_app_id, r.from_account, r.to_account, r.msg_key, r.event_time, r.received_at, m.msg_time
    FROM (SELECT sdk_app_id, from_account, to_account, msg_key, event_time, received_at FROM recalls
          WHERE ${recallFilterSql(filters)} ORDER BY received_at DESC, id DESC LIMIT ${maxRecalls + 1}) r
    LEFT JOIN messages m ON m.sdk_app_id = r.sdk_app_id AND m.from_account = r.from_account
      AND m.to_account = r.to_account AND m.msg_key = r.msg_key`;
  const sampled = rows.length > maxRecalls;
  const counts = TIME_TO_RECALL_BUCKETS.map((b) => ({ bucket: b.bucket as TimeToRecallBucket, recalls: 0, estimated: 0 }));
  const known: number[] = [];
  let estimated = 0;
  for (const r of sampled ? rows.slice(0, maxRecalls) : rows) {
    const t = timeToRecall(
      {
        sdkAppId: r.sdk_app_id,
        fromAccount: r.from_account,
        toAccount: r.to_account,
        msgKey: r.msg_key,
        eventTime: toNullableDate(r.event_time),
        receivedAt: toDate(r.received_at),
      },
      toNullableDate(r.msg_time),
    );
    if (!t) continue;
    known.push(t.timeToRecallMs);
    if (t.estimated) estimated += 1;
    const i = TIME_TO_RECALL_BUCKETS.findIndex((b) => t.timeToRecallMs < b.upToMs);
    const count = counts[i];
    if (!count) continue;
    count.recalls += 1;
    if (t.estimated) count.estimated += 1;
  }
  known.sort((a, b) => a - b);
  return {
    /** Recalls read (the newest TIME_TO_RECALL_MAX_RECALLS of the range when `sampled`). */
    recalls: Math.min(rows.length, maxRecalls),
    /** Of those, with a send time (captured or estimated). */
    known: known.length,
    /** Of the known, estimated from the MsgKey. */
    estimated,
    medianMs: median(known),
    buckets: counts,
    sampled,
  };
}
export type TimeToRecallStats = Awaited<ReturnType<typeof timeToRecallStats>>;
