// The ingest write path, written once: the values each recall is stored with (derived here and
// nowhere else), and the SQL that stores a batch. Three consumers run it:
// - the SQLite writer thread (lib/recalls/sqlite-writer.ts), which is handed SQLITE_STATEMENTS
//   through workerData and a plan of which statement to run with which values;
// - storeRecalls on SQLite through Prisma (tests, scripts), which runs the same plan;
// - storeRecalls on PostgreSQL, in one statement with data-modifying CTEs per batch
//   (POSTGRES_INGEST_SQL), so a batch costs one round trip instead of eight.
// The conflict clauses (what "add to an aggregate" means) are shared text, so the two databases
// cannot drift apart in meaning.
//
// Extra rows per stored recall belong in RecallPlan.whenStored on SQLite and in one more CTE
// reading `fresh` in POSTGRES_INGEST_SQL: both run in the batch's transaction, only for recalls
// that were new. Forwarding mode's outbox row (the backend's copy, lib/recalls/forward-copy.ts) is
// one: insertForwardCopy on SQLite, the `copies` CTE on PostgreSQL.

import type { NewMessage } from "@/lib/messages/new-message";
import { MAX_COMMANDS_PER_APP, OTHER_COMMANDS } from "@/lib/recalls/commit-queue";
import type { ForwardCopy } from "@/lib/recalls/forward-copy";
import type { NewRecall } from "@/lib/recalls/new-recall";

/** Callbacks answered OK, per app and command, since the last write. */
export type CallbackTally = { sdkAppId: string; command: string; count: number; lastReceivedAt: Date };

/**
 * A value bound to a statement: times are already in their stored form; bytes (a forwarded body)
 * survive the structured clone to the SQLite thread as a Uint8Array, which better-sqlite3 binds as a BLOB.
 */
export type SqlValue = string | number | Uint8Array | null;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * A time as both databases store it: ISO text with +00:00 is what Prisma writes on SQLite, and
 * PostgreSQL's `timestamp(3)` reads the same text as the same UTC instant.
 */
export function storedTime(at: Date): string {
  return at.toISOString().replace("Z", "+00:00");
}

/** The start of the UTC hour `at` falls in: the aggregates' time bucket. */
export function hourStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The start of the UTC day `at` falls in: the daily rollup's bucket (user_daily_counts). */
export function dayStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

/** The aggregates' platform key: a recall without a platform is counted under "". */
export const platformKey = (optPlatform: string | null): string => optPlatform ?? "";

/** A recall with every value the statements bind, derived once. */
export type PreparedRecall = {
  sdkAppId: string;
  fromAccount: string;
  toAccount: string;
  msgKey: string;
  unreadMsgNum: number | null;
  eventTime: string | null;
  receivedAt: string;
  optPlatformRaw: string | null;
  optPlatform: string | null;
  clientIp: string | null;
  hourStart: string;
  dayStart: string;
  platformKey: string;
  /** When the recipient's unread count was reported: receivedAt, or null without a count. */
  unreadAt: string | null;
  /** Forwarding mode: the backend's copy, an outbox row if the recall is new; null otherwise. */
  forward: ForwardCopy | null;
};

export type PreparedTally = { sdkAppId: string; command: string; count: number; lastReceivedAt: string };

/** A sent message (C2C.CallbackAfterSendMsg) with every value its statements bind. */
export type PreparedMessage = {
  sdkAppId: string;
  fromAccount: string;
  toAccount: string;
  msgKey: string;
  msgTime: string | null;
  receivedAt: string;
  hourStart: string;
  content: Uint8Array | null;
  contentKeyId: string | null;
};

export type PreparedBatch = { recalls: PreparedRecall[]; tallies: PreparedTally[]; messages: PreparedMessage[] };

// A lone UTF-16 surrogate cannot be stored as UTF-8 (PostgreSQL's driver would store U+FFFD
// instead): such a recall fails its batch, and the commit queue retries row by row, so only it
// is refused. HTTP validation refuses these earlier (lib/im/recall-body.ts); this is the store's own guarantee.
const LONE_SURROGATE = /\p{Cs}/u;

export function prepareRecall(r: NewRecall): PreparedRecall {
  for (const value of [r.sdkAppId, r.fromAccount, r.toAccount, r.msgKey]) {
    if (LONE_SURROGATE.test(value)) throw new Error("a recall's identity holds a lone UTF-16 surrogate, which the database would alter");
  }
  const receivedAt = storedTime(r.receivedAt);
  return {
    sdkAppId: r.sdkAppId,
    fromAccount: r.fromAccount,
    toAccount: r.toAccount,
    msgKey: r.msgKey,
    unreadMsgNum: r.unreadMsgNum,
    eventTime: r.eventTime === null ? null : storedTime(r.eventTime),
    receivedAt,
    optPlatformRaw: r.optPlatformRaw,
    optPlatform: r.optPlatform,
    clientIp: r.clientIp,
    hourStart: storedTime(hourStart(r.receivedAt)),
    dayStart: storedTime(dayStart(r.receivedAt)),
    platformKey: platformKey(r.optPlatform),
    unreadAt: r.unreadMsgNum === null ? null : receivedAt,
    forward: r.forward ?? null,
  };
}

export function prepareMessage(m: NewMessage): PreparedMessage {
  for (const value of [m.sdkAppId, m.fromAccount, m.toAccount, m.msgKey]) {
    if (LONE_SURROGATE.test(value)) throw new Error("a message's identity holds a lone UTF-16 surrogate, which the database would alter");
  }
  return {
    sdkAppId: m.sdkAppId,
    fromAccount: m.fromAccount,
    toAccount: m.toAccount,
    msgKey: m.msgKey,
    msgTime: m.msgTime === null ? null : storedTime(m.msgTime),
    receivedAt: storedTime(m.receivedAt),
    // Counted in the hour IM told us about it, like recalls.
    hourStart: storedTime(hourStart(m.receivedAt)),
    content: m.content,
    contentKeyId: m.contentKeyId,
  };
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function prepareBatch(
  recalls: readonly NewRecall[],
  tallies: readonly CallbackTally[],
  messages: readonly NewMessage[] = [],
): PreparedBatch {
  return {
    recalls: recalls.map(prepareRecall),
    messages: messages.map(prepareMessage),
    // A fixed order takes row locks in the same order in every transaction (no deadlocks on PostgreSQL).
    tallies: [...tallies]
      .sort((a, b) => byKey(a.sdkAppId, b.sdkAppId) || byKey(a.command, b.command))
      .map((t) => ({ sdkAppId: t.sdkAppId, command: t.command, count: t.count, lastReceivedAt: storedTime(t.lastReceivedAt) })),
  };
}

// --- What adding to an aggregate means (shared by both databases) ---------------------------

// On conflict every SET expression sees the row as it was, so the two CASEs agree.
const USER_STATS_CONFLICT = `ON CONFLICT (sdk_app_id, user_id) DO UPDATE SET
  recalls_sent = user_stats.recalls_sent + excluded.recalls_sent,
  recalls_received = user_stats.recalls_received + excluded.recalls_received,
  last_unread_msg_num = CASE
    WHEN excluded.last_unread_at IS NOT NULL
     AND (user_stats.last_unread_at IS NULL OR excluded.last_unread_at >= user_stats.last_unread_at)
    THEN excluded.last_unread_msg_num ELSE user_stats.last_unread_msg_num END,
  last_unread_at = CASE
    WHEN excluded.last_unread_at IS NOT NULL
     AND (user_stats.last_unread_at IS NULL OR excluded.last_unread_at >= user_stats.last_unread_at)
    THEN excluded.last_unread_at ELSE user_stats.last_unread_at END,
  last_recall_at = CASE
    WHEN excluded.last_recall_at > user_stats.last_recall_at
    THEN excluded.last_recall_at ELSE user_stats.last_recall_at END`;

const USER_HOURS_CONFLICT = `ON CONFLICT (sdk_app_id, user_id, hour_start) DO UPDATE SET
  sent = user_hourly_counts.sent + excluded.sent,
  received = user_hourly_counts.received + excluded.received`;

const USER_DAYS_CONFLICT = `ON CONFLICT (sdk_app_id, user_id, day_start) DO UPDATE SET
  sent = user_daily_counts.sent + excluded.sent,
  received = user_daily_counts.received + excluded.received`;

const APP_HOURS_CONFLICT = `ON CONFLICT (sdk_app_id, hour_start, opt_platform) DO UPDATE SET
  recalls = recall_hourly_counts.recalls + excluded.recalls`;

const MESSAGE_HOURS_CONFLICT = `ON CONFLICT (sdk_app_id, user_id, hour_start) DO UPDATE SET
  sent = user_message_hours.sent + excluded.sent,
  received = user_message_hours.received + excluded.received`;

const MESSAGE_COLUMNS = "sdk_app_id, from_account, to_account, msg_key, msg_time, received_at, content, content_key_id";

const RECALL_COLUMNS =
  "sdk_app_id, from_account, to_account, msg_key, unread_msg_num, event_time, received_at, opt_platform_raw, opt_platform, client_ip";
const RECALL_IDENTITY = "sdk_app_id, from_account, to_account, msg_key";
// A copy's row starts with no attempts made (lib/im/forward-outbox.ts counts them).
const FORWARD_COPY_COLUMNS =
  "search, body, content_type, client_address, received_at_ms, next_attempt_ms, lease_owner, lease_until_ms, attempts";

// One tally: counted under its own command while the app has fewer than MAX_COMMANDS_PER_APP
// distinct names in the table (or the name is there already), otherwise under OTHER_COMMANDS.
// Callback commands come from unauthenticated URLs; this keeps the table, and the overview that
// lists it, bounded. Run once per tally, in order, so names added by a batch count towards the
// limit. `p(n, type)` writes placeholder n (numbered in the order they appear: SQLite's `?` are
// positional) with the type PostgreSQL needs where the context gives none.
const tallyUpsert = (p: (n: number, type: string) => string) => `INSERT INTO callback_counts (sdk_app_id, command, count, last_received_at)
  SELECT ${p(1, "text")}, CASE
      WHEN EXISTS (SELECT 1 FROM callback_counts WHERE sdk_app_id = ${p(2, "text")} AND command = ${p(3, "text")})
        OR (SELECT count(*) FROM (SELECT 1 FROM callback_counts WHERE sdk_app_id = ${p(4, "text")} LIMIT ${p(5, "int")}) AS names) < ${p(6, "int")}
      THEN ${p(7, "text")} ELSE ${p(8, "text")} END, ${p(9, "int")}, ${p(10, "timestamp(3)")}
  WHERE true
  ON CONFLICT (sdk_app_id, command) DO UPDATE SET
    count = callback_counts.count + excluded.count,
    last_received_at = CASE
      WHEN excluded.last_received_at > callback_counts.last_received_at
      THEN excluded.last_received_at ELSE callback_counts.last_received_at END`;

/** The tally statement's values, in the order of its placeholders. */
export function tallyArgs(t: PreparedTally): SqlValue[] {
  return [
    t.sdkAppId,
    t.sdkAppId,
    t.command,
    t.sdkAppId,
    MAX_COMMANDS_PER_APP + 1,
    MAX_COMMANDS_PER_APP,
    t.command,
    OTHER_COMMANDS,
    t.count,
    t.lastReceivedAt,
  ];
}

// --- SQLite: prepared statements run per recall ---------------------------------------------

/**
 * SQLite's statements, with `?` placeholders. Prepared once by the writer thread; one row at a
 * time inside one transaction costs microseconds there, and a duplicate (no row inserted) simply
 * runs none of its aggregate statements.
 */
export const SQLITE_STATEMENTS = {
  insertRecall: `INSERT INTO recalls (${RECALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (${RECALL_IDENTITY}) DO NOTHING RETURNING id`,
  upsertUser: `INSERT INTO user_stats (sdk_app_id, user_id, recalls_sent, recalls_received, last_unread_msg_num, last_unread_at, last_recall_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ${USER_STATS_CONFLICT}`,
  upsertUserHour: `INSERT INTO user_hourly_counts (sdk_app_id, user_id, hour_start, sent, received) VALUES (?, ?, ?, ?, ?) ${USER_HOURS_CONFLICT}`,
  upsertUserDay: `INSERT INTO user_daily_counts (sdk_app_id, user_id, day_start, sent, received) VALUES (?, ?, ?, ?, ?) ${USER_DAYS_CONFLICT}`,
  upsertAppHour: `INSERT INTO recall_hourly_counts (sdk_app_id, hour_start, opt_platform, recalls) VALUES (?, ?, ?, ?) ${APP_HOURS_CONFLICT}`,
  upsertTally: tallyUpsert(() => "?"),
  insertForwardCopy: `INSERT INTO forward_outbox (${FORWARD_COPY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
  insertMessage: `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (${RECALL_IDENTITY}) DO NOTHING RETURNING id`,
  upsertMessageHour: `INSERT INTO user_message_hours (sdk_app_id, user_id, hour_start, sent, received) VALUES (?, ?, ?, ?, ?) ${MESSAGE_HOURS_CONFLICT}`,
} as const;

export type SqliteStatementName = keyof typeof SQLITE_STATEMENTS;
export type SqliteCall = readonly [SqliteStatementName, SqlValue[]];
/** One recall: `insert` returns its id, or nothing when it is stored already; `whenStored` then runs only for a new one. */
export type RecallPlan = { insert: SqlValue[]; whenStored: SqliteCall[] };
/**
 * A batch as the SQLite writer runs it: plain data, posted to the thread as it is. `messages`
 * have the recalls' shape, with insertMessage as their insert: a redelivered message counts nothing.
 */
export type SqlitePlan = { recalls: RecallPlan[]; messages: RecallPlan[]; after: SqliteCall[] };

export function sqlitePlan(batch: PreparedBatch): SqlitePlan {
  return {
    recalls: batch.recalls.map((r) => ({
      insert: [
        r.sdkAppId,
        r.fromAccount,
        r.toAccount,
        r.msgKey,
        r.unreadMsgNum,
        r.eventTime,
        r.receivedAt,
        r.optPlatformRaw,
        r.optPlatform,
        r.clientIp,
      ],
      whenStored: [
        ["upsertUser", [r.sdkAppId, r.fromAccount, 1, 0, null, null, r.receivedAt]],
        // UnreadMsgNum is To_Account's count.
        ["upsertUser", [r.sdkAppId, r.toAccount, 0, 1, r.unreadMsgNum, r.unreadAt, r.receivedAt]],
        ["upsertUserHour", [r.sdkAppId, r.fromAccount, r.hourStart, 1, 0]],
        ["upsertUserHour", [r.sdkAppId, r.toAccount, r.hourStart, 0, 1]],
        ["upsertUserDay", [r.sdkAppId, r.fromAccount, r.dayStart, 1, 0]],
        ["upsertUserDay", [r.sdkAppId, r.toAccount, r.dayStart, 0, 1]],
        ["upsertAppHour", [r.sdkAppId, r.hourStart, r.platformKey, 1]],
        // After the recall's own rows, so the outbox's ids follow the order of receipt.
        ...(r.forward ? [["insertForwardCopy", forwardCopyArgs(r.forward)] as const] : []),
      ],
    })),
    messages: batch.messages.map((m) => ({
      insert: [m.sdkAppId, m.fromAccount, m.toAccount, m.msgKey, m.msgTime, m.receivedAt, m.content, m.contentKeyId],
      whenStored: [
        ["upsertMessageHour", [m.sdkAppId, m.fromAccount, m.hourStart, 1, 0]],
        ["upsertMessageHour", [m.sdkAppId, m.toAccount, m.hourStart, 0, 1]],
      ],
    })),
    after: batch.tallies.map((t) => ["upsertTally", tallyArgs(t)] as const),
  };
}

/** insertForwardCopy's values, in the order of its placeholders (FORWARD_COPY_COLUMNS). */
function forwardCopyArgs(f: ForwardCopy): SqlValue[] {
  return [f.search, f.body, f.contentType, f.clientAddress, f.receivedAtMs, f.nextAttemptMs, f.leaseOwner, f.leaseUntilMs];
}

// --- PostgreSQL: one statement per batch -----------------------------------------------------

/**
 * Stores a batch's recalls and adds the new ones to the aggregates, in one statement (one round
 * trip, one implicit transaction: all or nothing). Values come as one array per column
 * (postgresRecallArgs). Ids are drawn in arrival order, but rows are inserted and aggregates
 * upserted in key order, so two instances writing overlapping batches lock rows in the same order
 * and cannot deadlock; `fresh` (the recalls that were new) joins back by id, so a duplicate adds
 * nothing. Each aggregate's ORDER BY sorts all of `fresh`, so every recall insert has finished
 * (and waited out a concurrent twin) before any aggregate row is locked. The new recalls that
 * carry a forwarding copy get their outbox row (`copies`; the f_* columns are null for a recall
 * without one), inserted in batch order so the outbox's ids follow the order of receipt. Returns
 * (ord, id) of the new recalls, ord counting from 1 in batch order.
 */
export const POSTGRES_INGEST_SQL = `WITH input AS (
  SELECT i.*, nextval('recalls_id_seq'::regclass)::int AS id
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamp(3)[], $7::timestamp(3)[],
              $8::text[], $9::text[], $10::text[], $11::timestamp(3)[], $12::text[], $13::timestamp(3)[], $14::timestamp(3)[],
              $15::text[], $16::bytea[], $17::text[], $18::text[], $19::bigint[], $20::bigint[], $21::text[], $22::bigint[])
       WITH ORDINALITY AS i(sdk_app_id, from_account, to_account, msg_key, unread_msg_num, event_time, received_at,
                            opt_platform_raw, opt_platform, client_ip, hour_start, platform_key, unread_at, day_start,
                            f_search, f_body, f_content_type, f_client_address, f_received_at_ms, f_next_attempt_ms,
                            f_lease_owner, f_lease_until_ms, ord)
  ORDER BY i.ord
), ins AS (
  INSERT INTO recalls (id, ${RECALL_COLUMNS})
  SELECT id, ${RECALL_COLUMNS} FROM input ORDER BY ${RECALL_IDENTITY}
  ON CONFLICT (${RECALL_IDENTITY}) DO NOTHING
  RETURNING id
), fresh AS (
  SELECT input.* FROM input JOIN ins USING (id)
), roles AS (
  SELECT sdk_app_id, from_account AS user_id, 1 AS sent, 0 AS received, NULL::int AS unread_msg_num,
         NULL::timestamp(3) AS unread_at, received_at, hour_start, day_start, ord FROM fresh
  UNION ALL
  -- UnreadMsgNum is To_Account's count.
  SELECT sdk_app_id, to_account, 0, 1, unread_msg_num, unread_at, received_at, hour_start, day_start, ord FROM fresh
), users AS (
  INSERT INTO user_stats (sdk_app_id, user_id, recalls_sent, recalls_received, last_unread_msg_num, last_unread_at, last_recall_at)
  SELECT sdk_app_id, user_id, sum(sent), sum(received),
         (array_agg(unread_msg_num ORDER BY unread_at DESC, ord DESC) FILTER (WHERE unread_at IS NOT NULL))[1],
         max(unread_at), max(received_at)
  FROM roles GROUP BY sdk_app_id, user_id ORDER BY sdk_app_id, user_id
  ${USER_STATS_CONFLICT}
), user_hours AS (
  INSERT INTO user_hourly_counts (sdk_app_id, user_id, hour_start, sent, received)
  SELECT sdk_app_id, user_id, hour_start, sum(sent), sum(received)
  FROM roles GROUP BY sdk_app_id, user_id, hour_start ORDER BY sdk_app_id, user_id, hour_start
  ${USER_HOURS_CONFLICT}
), user_days AS (
  INSERT INTO user_daily_counts (sdk_app_id, user_id, day_start, sent, received)
  SELECT sdk_app_id, user_id, day_start, sum(sent), sum(received)
  FROM roles GROUP BY sdk_app_id, user_id, day_start ORDER BY sdk_app_id, user_id, day_start
  ${USER_DAYS_CONFLICT}
), app_hours AS (
  INSERT INTO recall_hourly_counts (sdk_app_id, hour_start, opt_platform, recalls)
  SELECT sdk_app_id, hour_start, platform_key, count(*)
  FROM fresh GROUP BY sdk_app_id, hour_start, platform_key ORDER BY sdk_app_id, hour_start, platform_key
  ${APP_HOURS_CONFLICT}
), copies AS (
  INSERT INTO forward_outbox (${FORWARD_COPY_COLUMNS})
  SELECT f_search, f_body, f_content_type, f_client_address, f_received_at_ms, f_next_attempt_ms, f_lease_owner, f_lease_until_ms, 0
  FROM fresh WHERE f_search IS NOT NULL ORDER BY ord
)
SELECT ord, id FROM fresh`;

/** POSTGRES_INGEST_SQL's parameters: one array per column, in the order of its unnest. */
export function postgresRecallArgs(recalls: readonly PreparedRecall[]): SqlValue[][] {
  const column = <K extends Exclude<keyof PreparedRecall, "forward">>(key: K) => recalls.map((r) => r[key]);
  const copy = <K extends keyof ForwardCopy>(key: K) => recalls.map((r) => r.forward?.[key] ?? null);
  return [
    column("sdkAppId"),
    column("fromAccount"),
    column("toAccount"),
    column("msgKey"),
    column("unreadMsgNum"),
    column("eventTime"),
    column("receivedAt"),
    column("optPlatformRaw"),
    column("optPlatform"),
    column("clientIp"),
    column("hourStart"),
    column("platformKey"),
    column("unreadAt"),
    column("dayStart"),
    // The f_* columns: null throughout for a recall without a copy.
    copy("search"),
    copy("body"),
    copy("contentType"),
    copy("clientAddress"),
    copy("receivedAtMs"),
    copy("nextAttemptMs"),
    copy("leaseOwner"),
    copy("leaseUntilMs"),
  ];
}

/** The tally statement for PostgreSQL (tallyArgs are its parameters). */
export const POSTGRES_TALLY_SQL = tallyUpsert((n, type) => `$${n}::${type}`);

/**
 * Stores a batch's sent messages and counts the new ones for sender and recipient, in one
 * statement, with the same ordering rules as POSTGRES_INGEST_SQL (ids in arrival order, rows and
 * counters in key order, counters only after every insert). Returns (ord, id) of the new messages.
 */
export const POSTGRES_MESSAGES_SQL = `WITH input AS (
  SELECT i.*, nextval('messages_id_seq'::regclass)::int AS id
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp(3)[], $6::timestamp(3)[], $7::bytea[],
              $8::text[], $9::timestamp(3)[])
       WITH ORDINALITY AS i(sdk_app_id, from_account, to_account, msg_key, msg_time, received_at, content,
                            content_key_id, hour_start, ord)
  ORDER BY i.ord
), ins AS (
  INSERT INTO messages (id, ${MESSAGE_COLUMNS})
  SELECT id, ${MESSAGE_COLUMNS} FROM input ORDER BY ${RECALL_IDENTITY}
  ON CONFLICT (${RECALL_IDENTITY}) DO NOTHING
  RETURNING id
), fresh AS (
  SELECT input.* FROM input JOIN ins USING (id)
), roles AS (
  SELECT sdk_app_id, from_account AS user_id, 1 AS sent, 0 AS received, hour_start FROM fresh
  UNION ALL
  SELECT sdk_app_id, to_account, 0, 1, hour_start FROM fresh
), hours AS (
  INSERT INTO user_message_hours (sdk_app_id, user_id, hour_start, sent, received)
  SELECT sdk_app_id, user_id, hour_start, sum(sent), sum(received)
  FROM roles GROUP BY sdk_app_id, user_id, hour_start ORDER BY sdk_app_id, user_id, hour_start
  ${MESSAGE_HOURS_CONFLICT}
)
SELECT ord, id FROM fresh`;

/** POSTGRES_MESSAGES_SQL's parameters: one array per column, in the order of its unnest. */
export function postgresMessageArgs(messages: readonly PreparedMessage[]): (SqlValue | Uint8Array)[][] {
  const column = <K extends keyof PreparedMessage>(key: K) => messages.map((m) => m[key]);
  return [
    column("sdkAppId"),
    column("fromAccount"),
    column("toAccount"),
    column("msgKey"),
    column("msgTime"),
    column("receivedAt"),
    column("content"),
    column("contentKeyId"),
    column("hourStart"),
  ];
}
