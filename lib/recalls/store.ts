// Writes a batch of recalls and everything derived from them in one transaction. The SQL lives in
// lib/recalls/ingest-sql.ts, shared with the SQLite writer thread: this runs it through Prisma's
// raw queries, because Prisma's query API cannot do in one round trip what it must (a multi-row
// insert that skips duplicates and says which rows were new, and additive upserts).
import type { Db } from "@/lib/db/client";
import { dialectOf } from "@/lib/db/dialect";
import { toNumber } from "@/lib/db/values";
import type { NewMessage } from "@/lib/messages/new-message";
import {
  type CallbackTally,
  POSTGRES_INGEST_SQL,
  POSTGRES_MESSAGES_SQL,
  POSTGRES_TALLY_SQL,
  type PreparedBatch,
  postgresMessageArgs,
  postgresRecallArgs,
  prepareBatch,
  SQLITE_STATEMENTS,
  type SqlitePlan,
  sqlitePlan,
  tallyArgs,
} from "@/lib/recalls/ingest-sql";
import type { NewRecall } from "@/lib/recalls/new-recall";

export type { CallbackTally } from "@/lib/recalls/ingest-sql";

export type StoreOutcome = { outcome: "stored"; id: number } | { outcome: "duplicate" };

/** One outcome per recall, from the ids of those that were new (null: stored already). */
export function outcomesFromIds(ids: readonly (number | null)[]): StoreOutcome[] {
  return ids.map((id): StoreOutcome => (id === null ? { outcome: "duplicate" } : { outcome: "stored", id }));
}

/**
 * Stores `recalls` and `messages` (each with distinct identities) and adds `tallies` to the
 * callback counters, in one transaction. Returns one outcome per recall, then one per message, in
 * order. A recall or message that is already stored is a duplicate delivery and changes nothing.
 */
export async function storeRecalls(
  db: Db,
  recalls: readonly NewRecall[],
  tallies: readonly CallbackTally[] = [],
  messages: readonly NewMessage[] = [],
): Promise<StoreOutcome[]> {
  const batch = prepareBatch(recalls, tallies, messages);
  const ids = dialectOf(db) === "postgresql" ? await storeOnPostgres(db, batch) : await runSqlitePlan(db, sqlitePlan(batch));
  return outcomesFromIds(ids);
}

/**
 * Recalls in one statement (its own transaction). Tallies, at most about once a second, are one
 * statement each (their per-app name limit counts names as they are added), so a batch that has
 * them runs everything in one transaction instead.
 */
async function storeOnPostgres(db: Db, batch: PreparedBatch): Promise<(number | null)[]> {
  type Stored = { ord: unknown; id: unknown }[];
  const recallIds: (number | null)[] = batch.recalls.map(() => null);
  const messageIds: (number | null)[] = batch.messages.map(() => null);
  const recallsQuery =
    batch.recalls.length > 0 ? db.$queryRawUnsafe<Stored>(POSTGRES_INGEST_SQL, ...postgresRecallArgs(batch.recalls)) : undefined;
  const messagesQuery =
    batch.messages.length > 0 ? db.$queryRawUnsafe<Stored>(POSTGRES_MESSAGES_SQL, ...postgresMessageArgs(batch.messages)) : undefined;
  const talliesQueries = batch.tallies.map((t) => db.$executeRawUnsafe(POSTGRES_TALLY_SQL, ...tallyArgs(t)));
  const queries = [recallsQuery, messagesQuery].filter((q) => q !== undefined);
  let results: unknown[] = [];
  // One statement is its own transaction; more than one share one.
  if (queries.length + talliesQueries.length === 1) results = [await (queries[0] ?? talliesQueries[0])];
  else if (queries.length + talliesQueries.length > 1) results = await db.$transaction([...queries, ...talliesQueries]);
  let next = 0;
  const fill = (ids: (number | null)[], present: boolean) => {
    if (!present) return;
    for (const row of results[next++] as Stored) ids[toNumber(row.ord) - 1] = toNumber(row.id);
  };
  fill(recallIds, recallsQuery !== undefined);
  fill(messageIds, messagesQuery !== undefined);
  return [...recallIds, ...messageIds];
}

/** The SQLite writer thread's plan, run through Prisma (tests and scripts without the thread). */
async function runSqlitePlan(db: Db, plan: SqlitePlan): Promise<(number | null)[]> {
  if (plan.recalls.length === 0 && plan.messages.length === 0 && plan.after.length === 0) return [];
  return db.$transaction(async (tx) => {
    const ids: (number | null)[] = [];
    for (const [insert, rows] of [
      [SQLITE_STATEMENTS.insertRecall, plan.recalls],
      [SQLITE_STATEMENTS.insertMessage, plan.messages],
    ] as const) {
      for (const item of rows) {
        const [row] = await tx.$queryRawUnsafe<{ id: unknown }[]>(insert, ...item.insert);
        if (row === undefined) {
          ids.push(null);
          continue;
        }
        ids.push(toNumber(row.id));
        for (const [name, args] of item.whenStored) await tx.$executeRawUnsafe(SQLITE_STATEMENTS[name], ...args);
      }
    }
    for (const [name, args] of plan.after) await tx.$executeRawUnsafe(SQLITE_STATEMENTS[name], ...args);
    return ids;
  });
}
