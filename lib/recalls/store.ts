// Writes a batch of recalls and everything derived from them in one transaction. The SQL lives in
// lib/recalls/ingest-sql.ts, shared with the SQLite writer thread. On PostgreSQL it runs through
// Prisma's raw queries (Prisma's query API cannot do in one round trip what it must: a multi-row
// insert that skips duplicates and says which rows were new, and additive upserts); on SQLite
// with better-sqlite3 on the file of the client it was given.
import Database, { type Statement } from "better-sqlite3";
import type { Db } from "@/lib/db/client";
import { databaseOf } from "@/lib/db/dialect";
import { toNumber } from "@/lib/db/values";
import {
  type CallbackTally,
  POSTGRES_INGEST_SQL,
  POSTGRES_TALLY_SQL,
  type PreparedBatch,
  postgresRecallArgs,
  prepareBatch,
  SQLITE_STATEMENTS,
  type SqliteCall,
  type SqlitePlan,
  type SqliteStatementName,
  sqlitePlan,
  tallyArgs,
} from "@/lib/recalls/ingest-sql";
import type { NewRecall } from "@/lib/recalls/new-recall";

export type { CallbackTally } from "@/lib/recalls/ingest-sql";

// Scripts and tests may wait for the receiver's writer to finish a batch.
const SCRIPT_BUSY_TIMEOUT_MS = 5_000;

export type StoreOutcome = { outcome: "stored"; id: number } | { outcome: "duplicate" };

/** One outcome per recall, from the ids of those that were new (null: stored already). */
export function outcomesFromIds(ids: readonly (number | null)[]): StoreOutcome[] {
  return ids.map((id): StoreOutcome => (id === null ? { outcome: "duplicate" } : { outcome: "stored", id }));
}

/**
 * Stores `recalls` (which must have distinct identities) and adds `tallies` to the callback
 * counters. Returns one outcome per recall, in order. A recall that is already stored is a
 * duplicate delivery and changes nothing.
 */
export async function storeRecalls(db: Db, recalls: readonly NewRecall[], tallies: readonly CallbackTally[] = []): Promise<StoreOutcome[]> {
  const batch = prepareBatch(recalls, tallies);
  const database = databaseOf(db);
  const ids = database.dialect === "postgresql" ? await storeOnPostgres(db, batch) : runSqlitePlan(database.file, sqlitePlan(batch));
  return outcomesFromIds(ids);
}

/**
 * Recalls in one statement (its own transaction). Tallies, at most about once a second, are one
 * statement each (their per-app name limit counts names as they are added), so a batch that has
 * them runs everything in one transaction instead.
 */
async function storeOnPostgres(db: Db, batch: PreparedBatch): Promise<(number | null)[]> {
  const ids: (number | null)[] = batch.recalls.map(() => null);
  const recallsQuery =
    batch.recalls.length > 0
      ? db.$queryRawUnsafe<{ ord: unknown; id: unknown }[]>(POSTGRES_INGEST_SQL, ...postgresRecallArgs(batch.recalls))
      : undefined;
  let stored: { ord: unknown; id: unknown }[] = [];
  if (batch.tallies.length === 0) {
    if (recallsQuery) stored = await recallsQuery;
  } else {
    const talliesQueries = batch.tallies.map((t) => db.$executeRawUnsafe(POSTGRES_TALLY_SQL, ...tallyArgs(t)));
    if (recallsQuery) [stored] = await db.$transaction([recallsQuery, ...talliesQueries]);
    else await db.$transaction(talliesQueries);
  }
  for (const row of stored) ids[toNumber(row.ord) - 1] = toNumber(row.id);
  return ids;
}

/**
 * The SQLite writer thread's plan, run here on a connection of its own to the client's file
 * (tests and scripts, which may block their own event loop): statement by statement through
 * Prisma, a 1,500-recall seed took tens of seconds and held the write lock throughout.
 */
function runSqlitePlan(file: string, plan: SqlitePlan): (number | null)[] {
  if (plan.recalls.length === 0 && plan.after.length === 0) return [];
  const connection = new Database(file, { fileMustExist: true, timeout: SCRIPT_BUSY_TIMEOUT_MS });
  try {
    connection.pragma("synchronous = FULL");
    const statements = new Map<SqliteStatementName, Statement>();
    const statement = (name: SqliteStatementName) => {
      let prepared = statements.get(name);
      if (!prepared) {
        prepared = connection.prepare(SQLITE_STATEMENTS[name]);
        statements.set(name, prepared);
      }
      return prepared;
    };
    const run = (calls: readonly SqliteCall[]) => {
      for (const [name, args] of calls) statement(name).run(...args);
    };
    // The same steps as the writer thread's (lib/recalls/sqlite-writer.ts).
    const write = connection.transaction((batch: SqlitePlan) => {
      const ids: (number | null)[] = [];
      for (const recall of batch.recalls) {
        const row = statement("insertRecall").get(...recall.insert) as { id: number | bigint } | undefined;
        if (row === undefined) {
          ids.push(null);
          continue;
        }
        ids.push(toNumber(row.id));
        run(recall.whenStored);
      }
      run(batch.after);
      return ids;
    });
    return write.immediate(plan);
  } finally {
    connection.close();
  }
}
