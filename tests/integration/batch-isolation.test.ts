// Defect 2: one bad recall must never fail its batch-mates. The receiver's real queue and real
// writer (the SQLite thread, or storeRecalls on PostgreSQL), fed a batch in which one recall
// makes the database refuse the whole statement. HTTP validation refuses such recalls earlier;
// this is the store's own guarantee, for whatever gets past it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { connectDb } from "@/lib/db/client";
import { CommitQueue, type WriteBatch } from "@/lib/recalls/commit-queue";
import { batchWriterFor } from "@/lib/recalls/ingest";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { newRecall } from "../support/recalls";

let test: TestDatabase;
let db: Db;
let write: WriteBatch;
beforeAll(async () => {
  test = await createTestDatabase();
  db = await connectDb(test.database);
  write = batchWriterFor(test.database, async () => db);
});
afterAll(async () => {
  await db?.$disconnect();
  await test?.drop();
});

/**
 * A recall the database itself refuses. PostgreSQL cannot hold U+0000 in text (22021, which
 * fails the whole multi-row INSERT); SQLite stores any string, but its driver refuses to bind a
 * value that is not a number, string, bigint, buffer or null.
 */
function poisoned(): NewRecall {
  if (test.database.dialect === "postgresql") return newRecall({ fromAccount: "evil\u0000", toAccount: "victim" });
  return newRecall({ fromAccount: "evil", clientIp: { not: "bindable" } as unknown as string });
}

describe("a batch with one recall the database refuses", () => {
  it("stores and answers every other recall of the batch; only the bad one fails", async () => {
    const queue = new CommitQueue(write);
    const good = Array.from({ length: 40 }, (_, i) => newRecall({ fromAccount: `sender${i}`, toAccount: "bob" }));
    const bad = poisoned();
    // Submitted in one turn of the event loop: one batch.
    const results = await Promise.allSettled([...good.slice(0, 20), bad, ...good.slice(20)].map((r) => queue.submit(r)));

    expect(results[20]?.status).toBe("rejected");
    const goodResults = results.filter((_, i) => i !== 20);
    expect(goodResults.map((r) => (r.status === "fulfilled" ? r.value.outcome : "rejected"))).toEqual(good.map(() => "stored"));

    const stored = await db.recall.findMany({ where: { msgKey: { in: good.map((r) => r.msgKey) } } });
    expect(stored).toHaveLength(40);
    expect(await db.recall.count({ where: { msgKey: bad.msgKey } })).toBe(0);
    // The aggregates count exactly the stored recalls.
    const bob = await db.userStats.findUnique({ where: { sdkAppId_userId: { sdkAppId: good[0]?.sdkAppId ?? "", userId: "bob" } } });
    expect(bob?.recallsReceived).toBe(40);
  });

  it("answers a redelivery of a batch-mate as a duplicate afterwards", async () => {
    const queue = new CommitQueue(write);
    const good = newRecall({ fromAccount: "carol", toAccount: "dave" });
    const [first] = await Promise.allSettled([queue.submit(good), queue.submit(poisoned())]);
    expect(first).toMatchObject({ status: "fulfilled", value: { outcome: "stored" } });
    await expect(queue.submit({ ...good })).resolves.toEqual({ outcome: "duplicate" });
  });
});
