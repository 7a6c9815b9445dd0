// Two instances on one PostgreSQL database receive the same recalls at the same moment (IM
// retrying to another instance while the first is still committing), among a few users whose
// aggregate rows every batch on both instances touches. Each recall must be stored once, counted
// once, the aggregates must equal a recount, and no transaction may deadlock: the ingest
// statement inserts and upserts in key order on every instance (lib/recalls/ingest-sql.ts).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Delivery, deliver, expectAggregatesMatchRecount, expectAllAcknowledgedStored, type SentRecall } from "../reliability/support";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { createTestDatabase } from "../support/databases";
import { eventually, RECALL } from "../support/im";

const RECALLS = 400;
const USERS = 6;
const PAIRS_IN_FLIGHT = 25;

let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  const database = await createTestDatabase("postgresql");
  a = await startApp({ database });
  // Same database; A owns it (its stop drops it).
  b = await startApp({ database: { database: database.database, drop: async () => {} } });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

/**
 * Delivers as IM does: a 503 (the instance could not commit within IM's 2 s, which a loaded test
 * machine can cause) is delivered again. Returns the answers, the last one final.
 */
async function deliverAsIm(url: string, r: SentRecall): Promise<Delivery[]> {
  const answers: Delivery[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const d = await deliver(url, r);
    answers.push(d);
    if (d.status !== 503) break;
  }
  return answers;
}

async function deadlocksSoFar(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ deadlocks: string }>("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
    return Number(r.rows[0]?.deadlocks ?? 0);
  } finally {
    await client.end();
  }
}

describe("two instances, one PostgreSQL database, the same recalls at once", () => {
  it("stores each recall once, counts it once, keeps aggregates equal to a recount, and never deadlocks", async () => {
    const url = a.database.dialect === "postgresql" ? a.database.url : "";
    const deadlocksBefore = await deadlocksSoFar(url);
    // Users overlap on purpose: every batch upserts the same few user_stats and hourly rows, in
    // both directions (u1 -> u2 and u2 -> u1), on both instances.
    const recalls: SentRecall[] = Array.from({ length: RECALLS }, (_, i) => ({
      fromAccount: `u${i % USERS}`,
      toAccount: `u${(i * 7 + 1) % USERS}`,
      msgKey: `twin_${i}`,
      unreadMsgNum: i % 5,
    }));

    const answers = new Map<string, number>();
    const acknowledged: SentRecall[] = [];
    let okAnswers = 0;
    let retried = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: PAIRS_IN_FLIGHT }, async () => {
        for (let i = next++; i < recalls.length; i = next++) {
          const r = recalls[i] as SentRecall;
          // Both deliveries leave together; which one commits first is up to the race.
          const both = await Promise.all([deliverAsIm(a.url, r), deliverAsIm(b.url, r)]);
          for (const attempts of both) {
            const d = attempts.at(-1);
            const label = d?.ok ? "OK" : `HTTP ${d?.status}${d?.error ? ` ${d.error}` : ""}`;
            answers.set(label, (answers.get(label) ?? 0) + 1);
            retried += attempts.length - 1;
            if (d?.ok) okAnswers += 1;
          }
          if (both.some((attempts) => attempts.at(-1)?.ok)) acknowledged.push(r);
        }
      }),
    );

    console.log(`[concurrent-ingest] ${retried} deliveries answered 503 and delivered again`);
    // Every delivery ends answered OK: one as stored, its twin as a duplicate.
    expect(Object.fromEntries(answers)).toEqual({ OK: 2 * RECALLS });
    const db = await a.db();
    expect(await db.recall.count()).toBe(RECALLS);
    await expectAllAcknowledgedStored(db, acknowledged);
    await expectAggregatesMatchRecount(db);
    // Callbacks answered OK are counted (both deliveries of each), flushed about a second later.
    const counted = await eventually(
      async () => (await db.callbackCount.findUnique({ where: { sdkAppId_command: { sdkAppId: TEST_APP_ID, command: RECALL } } }))?.count,
      (n) => Number(n) === okAnswers,
      10_000,
    );
    expect(Number(counted)).toBe(2 * RECALLS);
    expect(await deadlocksSoFar(url)).toBe(deadlocksBefore);
    expect(`${a.logs()}\n${b.logs()}`).not.toMatch(/40P01|deadlock/i);
  }, 180_000); // two servers and thousands of deliveries; a loaded machine took over a minute
});
