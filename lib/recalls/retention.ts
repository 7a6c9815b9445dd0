// Retention (RETENTION_DAYS): deletes recalls older than the limit in small batches, in the
// background, keeping every aggregate equal to a recount of the recalls that remain. Recalls sent
// or received by a user on legal hold (lib/recalls/legal-holds.ts) are kept. The export and access
// logs are never touched. On PostgreSQL only one instance runs at a time (a session advisory lock
// on a connection of its own); SQLite serves a single instance.
import pg from "pg";
import { appendAccessLog } from "@/lib/audit/access-log";
import type { Config } from "@/lib/config";
import { type Db, Prisma } from "@/lib/db/client";
import { toDate, toNullableDate, toNullableNumber } from "@/lib/db/values";
import { errorId, log } from "@/lib/log";
import { countRetentionRun } from "@/lib/metrics";
import { aggregateRecalls, dayStart, hourStart } from "@/lib/recalls/aggregates";
import type { NewRecall } from "@/lib/recalls/new-recall";

/**
 * Recalls per transaction. Small, because on SQLite the receiver's writer waits for the database's
 * one write lock while a batch commits (and gives up after its 250 ms busy timeout: a 100-row batch
 * takes a few ms, about 40 on a loaded 2-core machine), and on PostgreSQL the batch's row locks on
 * the aggregates (up to two user_stats rows per recall) are held until it commits, while callbacks
 * for the same users wait for them.
 */
export const RETENTION_BATCH = { sqlite: 100, postgresql: 100 } as const;
/** Shortest pause between batches, so ingest and the dashboard get the database between them. */
const PAUSE_MS = 50;
/**
 * Each pause is at least this many times as long as the batch before it took, so retention uses at
 * most a quarter of the time (and of the database's and the machine's CPU) however loaded they are:
 * a slow batch means a busy database, and the next one waits longer.
 */
const PAUSE_PER_BATCH_TIME = 3;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Any constant both sides agree on: the key of PostgreSQL's advisory lock for retention. */
const RETENTION_LOCK_KEY = 7_412_389_001;

export type RetentionRun = { deleted: number; cutoff: Date };

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
type DeletedRow = {
  sdk_app_id: string;
  from_account: string;
  to_account: string;
  msg_key: string;
  unread_msg_num: unknown;
  event_time: unknown;
  received_at: unknown;
  opt_platform_raw: string | null;
  opt_platform: string | null;
  client_ip: string | null;
};

const values = (rows: Prisma.Sql[]) => Prisma.join(rows, ",");

export function retentionCutoff(days: number, now = new Date()): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Deletes up to `limit` of the oldest recalls received before `cutoff` that no active legal hold
 * covers, and subtracts them from the aggregates, in one transaction. Returns how many it deleted.
 */
export async function deleteExpiredBatch(db: Db, cutoff: Date, limit: number): Promise<number> {
  return db.$transaction(async (tx) => {
    // The DELETE comes first so that SQLite takes its write lock at the transaction's first
    // statement (a read first could not be upgraded if the receiver committed in between).
    const rows = await tx.$queryRaw<DeletedRow[]>`
      DELETE FROM recalls WHERE id IN (
        SELECT r.id FROM recalls r
        WHERE r.received_at < ${cutoff}
          AND NOT EXISTS (
            SELECT 1 FROM legal_holds h
            WHERE h.lifted_at IS NULL AND (h.user_id = r.from_account OR h.user_id = r.to_account))
        ORDER BY r.received_at, r.id
        LIMIT ${limit})
      RETURNING sdk_app_id, from_account, to_account, msg_key, unread_msg_num, event_time, received_at,
                opt_platform_raw, opt_platform, client_ip`;
    if (rows.length === 0) return 0;
    await subtractFromAggregates(
      tx,
      rows.map(
        (r): NewRecall => ({
          sdkAppId: r.sdk_app_id,
          fromAccount: r.from_account,
          toAccount: r.to_account,
          msgKey: r.msg_key,
          unreadMsgNum: toNullableNumber(r.unread_msg_num),
          eventTime: toNullableDate(r.event_time),
          receivedAt: toDate(r.received_at),
          optPlatformRaw: r.opt_platform_raw,
          optPlatform: r.opt_platform,
          clientIp: r.client_ip,
        }),
      ),
    );
    return rows.length;
  });
}

/**
 * The ingest's upserts (lib/recalls/store.ts) with negative counts: every key already exists, so
 * each row is updated in place, in the same key order as ingest (no deadlocks with it). Rows left
 * at zero are removed, and a user's latest-recall and latest-unread values are re-read from the
 * remaining recalls where the deleted ones held them.
 */
async function subtractFromAggregates(tx: Tx, deleted: readonly NewRecall[]) {
  const { users, userHours, userDays, appHours } = aggregateRecalls(deleted);
  const newest = new Date(Math.max(...deleted.map((r) => r.receivedAt.getTime())));
  const lastHour = new Date(hourStart(newest).getTime() + HOUR_MS);
  const lastDay = new Date(dayStart(newest).getTime() + DAY_MS);

  await tx.$executeRaw`
    INSERT INTO user_stats (sdk_app_id, user_id, recalls_sent, recalls_received, last_recall_at)
    VALUES ${values(users.map((u) => Prisma.sql`(${u.sdkAppId}, ${u.userId}, ${-u.sent}, ${-u.received}, ${u.lastRecallAt})`))}
    ON CONFLICT (sdk_app_id, user_id) DO UPDATE SET
      recalls_sent = user_stats.recalls_sent + excluded.recalls_sent,
      recalls_received = user_stats.recalls_received + excluded.recalls_received`;
  await tx.$executeRaw`
    INSERT INTO user_hourly_counts (sdk_app_id, user_id, hour_start, sent, received)
    VALUES ${values(userHours.map((h) => Prisma.sql`(${h.sdkAppId}, ${h.userId}, ${h.hourStart}, ${-h.sent}, ${-h.received})`))}
    ON CONFLICT (sdk_app_id, user_id, hour_start) DO UPDATE SET
      sent = user_hourly_counts.sent + excluded.sent,
      received = user_hourly_counts.received + excluded.received`;
  await tx.$executeRaw`
    INSERT INTO user_daily_counts (sdk_app_id, user_id, day_start, sent, received)
    VALUES ${values(userDays.map((d) => Prisma.sql`(${d.sdkAppId}, ${d.userId}, ${d.dayStart}, ${-d.sent}, ${-d.received})`))}
    ON CONFLICT (sdk_app_id, user_id, day_start) DO UPDATE SET
      sent = user_daily_counts.sent + excluded.sent,
      received = user_daily_counts.received + excluded.received`;
  await tx.$executeRaw`
    INSERT INTO recall_hourly_counts (sdk_app_id, hour_start, opt_platform, recalls)
    VALUES ${values(appHours.map((h) => Prisma.sql`(${h.sdkAppId}, ${h.hourStart}, ${h.optPlatform}, ${-h.recalls})`))}
    ON CONFLICT (sdk_app_id, hour_start, opt_platform) DO UPDATE SET
      recalls = recall_hourly_counts.recalls + excluded.recalls`;

  // Only hours up to the newest deleted recall's can have reached zero (the hour index bounds it).
  await tx.$executeRaw`DELETE FROM user_hourly_counts WHERE hour_start < ${lastHour} AND sent <= 0 AND received <= 0`;
  await tx.$executeRaw`DELETE FROM user_daily_counts WHERE day_start < ${lastDay} AND sent <= 0 AND received <= 0`;
  await tx.$executeRaw`DELETE FROM recall_hourly_counts WHERE hour_start < ${lastHour} AND recalls <= 0`;

  const keys = Prisma.join(
    users.map((u) => Prisma.sql`(sdk_app_id = ${u.sdkAppId} AND user_id = ${u.userId})`),
    " OR ",
  );
  await tx.$executeRaw`DELETE FROM user_stats WHERE (${keys}) AND recalls_sent <= 0 AND recalls_received <= 0`;
  // A remaining user whose latest recall (or latest unread count) was older than the newest
  // deleted recall may have lost it: read it again from what remains (rare: held counterparts).
  await tx.$executeRaw`
    UPDATE user_stats SET last_recall_at = (
      SELECT MAX(r.received_at) FROM recalls r
      WHERE r.sdk_app_id = user_stats.sdk_app_id AND (r.from_account = user_stats.user_id OR r.to_account = user_stats.user_id))
    WHERE (${keys}) AND last_recall_at <= ${newest}`;
  await tx.$executeRaw`
    UPDATE user_stats SET
      last_unread_msg_num = (
        SELECT r.unread_msg_num FROM recalls r
        WHERE r.sdk_app_id = user_stats.sdk_app_id AND r.to_account = user_stats.user_id AND r.unread_msg_num IS NOT NULL
        ORDER BY r.received_at DESC, r.id DESC LIMIT 1),
      last_unread_at = (
        SELECT MAX(r.received_at) FROM recalls r
        WHERE r.sdk_app_id = user_stats.sdk_app_id AND r.to_account = user_stats.user_id AND r.unread_msg_num IS NOT NULL)
    WHERE (${keys}) AND last_unread_at <= ${newest}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A run that failed part-way: the batches before the failure are committed and counted. */
export class RetentionRunError extends Error {
  override name = "RetentionRunError";
  constructor(
    readonly deleted: number,
    readonly causeMessage: string,
  ) {
    super(`retention failed after deleting ${deleted} recalls: ${causeMessage}`);
  }
}

// A batch that meets a busy database (SQLite's write lock held by the receiver a little too long,
// a PostgreSQL lock timeout) is tried again after a pause before the run gives up.
const BATCH_ATTEMPTS = 3;

/** Deletes every expired, unheld recall, batch by batch; stops early when `signal` aborts. */
export async function deleteExpired(
  db: Db,
  cutoff: Date,
  options: { batch: number; signal?: AbortSignal; pauseMs?: number },
): Promise<number> {
  const pause = options.pauseMs ?? PAUSE_MS;
  let deleted = 0;
  for (;;) {
    if (options.signal?.aborted) return deleted;
    let n = 0;
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        n = await deleteExpiredBatch(db, cutoff, options.batch);
        break;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= BATCH_ATTEMPTS) throw new RetentionRunError(deleted, message);
        await sleep(pause * 4 * attempt);
      }
    }
    deleted += n;
    if (n < options.batch) return deleted;
    await sleep(Math.max(pause, (performance.now() - started) * PAUSE_PER_BATCH_TIME));
  }
}

/**
 * Holds PostgreSQL's retention lock for `run`, on a connection of its own (a session lock must be
 * taken and released on one connection, which a pool does not promise). Null: another instance
 * holds it. SQLite is single-instance: `run` runs.
 */
async function withRetentionLock<T>(database: Config["database"], run: () => Promise<T>): Promise<T | null> {
  if (database.dialect === "sqlite") return run();
  const client = new pg.Client({ connectionString: database.url, application_name: "recall-monitor-retention" });
  await client.connect();
  try {
    const got = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [RETENTION_LOCK_KEY]);
    if (!got.rows[0]?.locked) return null;
    try {
      return await run();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [RETENTION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/**
 * One retention run: deletes what has expired and records the run, with the count removed, in the
 * access log. Null when another instance is running it.
 */
export async function runRetention(
  db: Db,
  database: Config["database"],
  days: number,
  options: { now?: Date; signal?: AbortSignal } = {},
): Promise<RetentionRun | null> {
  const cutoff = retentionCutoff(days, options.now);
  try {
    const result = await withRetentionLock(database, async () => {
      const started = Date.now();
      const record = (deleted: number, failed?: string) =>
        appendAccessLog(db, {
          action: "retention_run",
          address: "server",
          target: `recalls received before ${cutoff.toISOString()}`,
          detail: { deleted, retentionDays: days, cutoff: cutoff.toISOString(), ...(failed ? { failed } : {}) },
        });
      let deleted: number;
      try {
        deleted = await deleteExpired(db, cutoff, { batch: RETENTION_BATCH[database.dialect], signal: options.signal });
      } catch (error) {
        // What was deleted before the failure is committed: it is recorded all the same. The
        // database's text stays in the server log; the access log gets the id that finds it.
        if (error instanceof RetentionRunError) {
          const id = errorId();
          log("error", "retention_batch_failed", { errorId: id, deleted: error.deleted, error: error.causeMessage });
          await record(error.deleted, `database error (log id ${id})`);
        }
        throw error;
      }
      await record(deleted);
      log("info", "retention_run", { deleted, retentionDays: days, cutoff: cutoff.toISOString(), ms: Date.now() - started });
      return { deleted, cutoff };
    });
    countRetentionRun(result ? "completed" : "skipped", result?.deleted ?? 0);
    return result;
  } catch (error) {
    countRetentionRun("failed");
    throw error;
  }
}

/** First run shortly after start (not during start-up itself), then at this interval. */
const FIRST_RUN_MS = 5_000;
const INTERVAL_MS = 15 * 60_000;

type Scheduler = { timer: ReturnType<typeof setTimeout> | undefined };
const holder = globalThis as unknown as { recallMonitorRetention?: Scheduler };

/** Starts the background runs (instrumentation.ts); does nothing when RETENTION_DAYS is unset. */
export function startRetention(config: Pick<Config, "database" | "retention">, db: () => Promise<Db>): void {
  const days = config.retention.days;
  if (days === undefined || holder.recallMonitorRetention) return;
  const scheduler: Scheduler = { timer: undefined };
  holder.recallMonitorRetention = scheduler;
  const tick = async () => {
    try {
      await runRetention(await db(), config.database, days);
    } catch (error) {
      log("error", "retention_failed", { error: error instanceof Error ? error.message : String(error) });
    }
    scheduler.timer = setTimeout(tick, INTERVAL_MS);
    scheduler.timer.unref?.();
  };
  scheduler.timer = setTimeout(tick, FIRST_RUN_MS);
  scheduler.timer.unref?.();
}
