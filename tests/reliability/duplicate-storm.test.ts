// Duplicate storm: IM retries after-callbacks, and a deployment may run several instances on one
// PostgreSQL. The same 1,000 recalls, each delivered 5 times, concurrently and spread over two
// instances, must leave exactly 1,000 rows and exact aggregates.
import { afterEach, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase } from "../support/databases";
import { deliver, expectAggregatesMatchRecount, expectAllAcknowledgedStored, type SentRecall, scale, seededRng } from "./support";

const apps: TestApp[] = [];
afterEach(async () => {
  // The first app owns the database (its stop drops it): stop it last.
  for (const a of apps.reverse()) await a.stop();
  apps.length = 0;
});

const RECALLS = scale(1_000, 10_000);
const DELIVERIES = 5;
const CONCURRENCY = 40;

describe("a duplicate storm across two instances on one PostgreSQL database", () => {
  it(`stores ${RECALLS} recalls delivered ${DELIVERIES} times each exactly once, aggregates exact`, async () => {
    const { rng } = seededRng("duplicate-storm");
    const database = await createTestDatabase("postgresql");
    apps.push(await startApp({ database }));
    apps.push(await startApp({ database: { database: database.database, drop: async () => {} } }));
    const [first, second] = apps as [TestApp, TestApp];

    const recalls: SentRecall[] = Array.from({ length: RECALLS }, (_, i) => ({
      fromAccount: `u${Math.floor(rng() * 50)}`,
      toAccount: `u${Math.floor(rng() * 50)}`,
      msgKey: `storm_${i}`,
      unreadMsgNum: Math.floor(rng() * 9),
    }));
    // Every delivery of every recall, shuffled, so twins race each other on both instances.
    const deliveries = recalls.flatMap((r) => Array.from({ length: DELIVERIES }, () => r));
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j] as SentRecall, deliveries[i] as SentRecall];
    }

    const outcomes = new Map<string, number>();
    const acknowledged = new Set<SentRecall>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < deliveries.length; i = next++) {
          const r = deliveries[i] as SentRecall;
          const d = await deliver(rng() < 0.5 ? first.url : second.url, r);
          const label = d.ok ? "OK" : `HTTP ${d.status}`;
          outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
          if (d.ok) acknowledged.add(r);
        }
      }),
    );
    console.log(`[duplicate-storm] outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
    // A 503 is allowed (IM redelivers it); a recall none of whose five deliveries was answered OK is not.
    expect([...outcomes.keys()].filter((k) => k !== "OK" && k !== "HTTP 503")).toEqual([]);
    expect(recalls.filter((r) => !acknowledged.has(r)).length, "recalls with no delivery answered OK").toBe(0);

    const db = await first.db();
    expect(await db.recall.count()).toBe(RECALLS);
    await expectAllAcknowledgedStored(db, [...acknowledged]);
    await expectAggregatesMatchRecount(db);
  });
});
