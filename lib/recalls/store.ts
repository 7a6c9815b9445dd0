// Writes a batch of recalls and everything derived from them in one transaction. The SQL is
// written by hand (parameterised through Prisma.sql) because it must do what Prisma's query API
// cannot in one round trip: a multi-row insert that skips duplicates and says which rows were new,
// and additive upserts. It runs unchanged on SQLite and PostgreSQL.
import { type Db, Prisma } from "@/lib/db/client";
import { aggregateRecalls } from "@/lib/recalls/aggregates";
import { MAX_COMMANDS_PER_APP, OTHER_COMMANDS } from "@/lib/recalls/commit-queue";
import { insertForwardCopies } from "@/lib/recalls/forward-copy";
import { type NewRecall, recallIdentity } from "@/lib/recalls/new-recall";

export type StoreOutcome = { outcome: "stored"; id: number } | { outcome: "duplicate" };

/** Callbacks answered OK, per app and command, since the last write. */
export type CallbackTally = { sdkAppId: string; command: string; count: number; lastReceivedAt: Date };

type InsertedRow = { id: number | bigint; sdk_app_id: string; from_account: string; to_account: string; msg_key: string };

const values = (rows: Prisma.Sql[]) => Prisma.join(rows, ",");

/**
 * Stores `recalls` (which must have distinct identities) and adds `tallies` to the callback
 * counters. Returns one outcome per recall, in order. A recall that is already stored is a
 * duplicate delivery and changes nothing.
 */
export async function storeRecalls(db: Db, recalls: readonly NewRecall[], tallies: readonly CallbackTally[] = []): Promise<StoreOutcome[]> {
  return db.$transaction(async (tx) => {
    const ids = new Map<string, number>();
    if (recalls.length > 0) {
      const inserted = await tx.$queryRaw<InsertedRow[]>`
        INSERT INTO recalls (sdk_app_id, from_account, to_account, msg_key, unread_msg_num, event_time,
                             received_at, opt_platform_raw, opt_platform, client_ip)
        VALUES ${values(
          recalls.map(
            (r) => Prisma.sql`(${r.sdkAppId}, ${r.fromAccount}, ${r.toAccount}, ${r.msgKey}, ${r.unreadMsgNum}, ${r.eventTime},
                               ${r.receivedAt}, ${r.optPlatformRaw}, ${r.optPlatform}, ${r.clientIp})`,
          ),
        )}
        ON CONFLICT (sdk_app_id, from_account, to_account, msg_key) DO NOTHING
        RETURNING id, sdk_app_id, from_account, to_account, msg_key`;
      for (const row of inserted) {
        ids.set(
          recallIdentity({ sdkAppId: row.sdk_app_id, fromAccount: row.from_account, toAccount: row.to_account, msgKey: row.msg_key }),
          Number(row.id),
        );
      }
      // A stored row whose identity matches none of the recalls was altered on the way in (the
      // database replaced a character): fail the batch rather than answer `duplicate` for a
      // recall that was stored differently. The commit queue then retries row by row.
      const sent = new Set(recalls.map(recallIdentity));
      if (ids.size !== inserted.length || [...ids.keys()].some((key) => !sent.has(key))) {
        throw new Error("a stored recall's identity differs from the one sent (the database altered a character)");
      }
    }
    const fresh = recalls.filter((r) => ids.has(recallIdentity(r)));
    if (fresh.length > 0) await addToAggregates(tx, fresh);
    // Forwarding mode: each new recall's copy for the backend commits with it (a duplicate adds none).
    await insertForwardCopies(
      tx,
      fresh.flatMap((r) => (r.forward ? [r.forward] : [])),
    );
    if (tallies.length > 0) await addToCallbackCounts(tx, tallies);

    return recalls.map((r): StoreOutcome => {
      const id = ids.get(recallIdentity(r));
      return id === undefined ? { outcome: "duplicate" } : { outcome: "stored", id };
    });
  });
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

async function addToAggregates(tx: Tx, fresh: readonly NewRecall[]) {
  const { users, userHours, appHours } = aggregateRecalls(fresh);

  // On conflict every SET expression sees the row as it was, so the two CASEs agree.
  await tx.$executeRaw`
    INSERT INTO user_stats (sdk_app_id, user_id, recalls_sent, recalls_received, last_unread_msg_num, last_unread_at, last_recall_at)
    VALUES ${values(
      users.map(
        (u) =>
          Prisma.sql`(${u.sdkAppId}, ${u.userId}, ${u.sent}, ${u.received}, ${u.lastUnreadMsgNum}, ${u.lastUnreadAt}, ${u.lastRecallAt})`,
      ),
    )}
    ON CONFLICT (sdk_app_id, user_id) DO UPDATE SET
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

  await tx.$executeRaw`
    INSERT INTO user_hourly_counts (sdk_app_id, user_id, hour_start, sent, received)
    VALUES ${values(userHours.map((h) => Prisma.sql`(${h.sdkAppId}, ${h.userId}, ${h.hourStart}, ${h.sent}, ${h.received})`))}
    ON CONFLICT (sdk_app_id, user_id, hour_start) DO UPDATE SET
      sent = user_hourly_counts.sent + excluded.sent,
      received = user_hourly_counts.received + excluded.received`;

  await tx.$executeRaw`
    INSERT INTO recall_hourly_counts (sdk_app_id, hour_start, opt_platform, recalls)
    VALUES ${values(appHours.map((h) => Prisma.sql`(${h.sdkAppId}, ${h.hourStart}, ${h.optPlatform}, ${h.recalls})`))}
    ON CONFLICT (sdk_app_id, hour_start, opt_platform) DO UPDATE SET
      recalls = recall_hourly_counts.recalls + excluded.recalls`;
}

/**
 * The command each tally is counted under: its own name while the app has fewer than
 * MAX_COMMANDS_PER_APP distinct names in the table (or the name is there already), otherwise
 * OTHER_COMMANDS. Callback commands come from unauthenticated URLs; this keeps the table, and the
 * overview that lists it, bounded. The SQLite writer (lib/recalls/sqlite-writer.ts) does the same.
 */
async function commandsToCount(tx: Tx, tallies: readonly CallbackTally[]): Promise<CallbackTally[]> {
  const known = new Map<string, Set<string>>();
  const merged = new Map<string, CallbackTally>();
  for (const t of tallies) {
    let names = known.get(t.sdkAppId);
    if (!names) {
      const rows = await tx.$queryRaw<{ command: string }[]>`
        SELECT command FROM callback_counts WHERE sdk_app_id = ${t.sdkAppId} LIMIT ${MAX_COMMANDS_PER_APP + 1}`;
      names = new Set(rows.map((row) => row.command));
      known.set(t.sdkAppId, names);
    }
    const command = names.has(t.command) || names.size < MAX_COMMANDS_PER_APP ? t.command : OTHER_COMMANDS;
    names.add(command);
    const key = JSON.stringify([t.sdkAppId, command]);
    const cur = merged.get(key);
    if (!cur) merged.set(key, { ...t, command });
    else {
      cur.count += t.count;
      if (t.lastReceivedAt > cur.lastReceivedAt) cur.lastReceivedAt = t.lastReceivedAt;
    }
  }
  return [...merged.values()];
}

async function addToCallbackCounts(tx: Tx, all: readonly CallbackTally[]) {
  const tallies = await commandsToCount(tx, all);
  // A fixed order takes row locks in the same order in every transaction (no deadlocks on PostgreSQL).
  const sorted = [...tallies].sort((a, b) =>
    a.sdkAppId === b.sdkAppId ? (a.command < b.command ? -1 : 1) : a.sdkAppId < b.sdkAppId ? -1 : 1,
  );
  await tx.$executeRaw`
    INSERT INTO callback_counts (sdk_app_id, command, count, last_received_at)
    VALUES ${values(sorted.map((t) => Prisma.sql`(${t.sdkAppId}, ${t.command}, ${t.count}, ${t.lastReceivedAt})`))}
    ON CONFLICT (sdk_app_id, command) DO UPDATE SET
      count = callback_counts.count + excluded.count,
      last_received_at = CASE
        WHEN excluded.last_received_at > callback_counts.last_received_at
        THEN excluded.last_received_at ELSE callback_counts.last_received_at END`;
}
