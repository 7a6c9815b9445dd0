// Defect 7: a commit that cannot proceed (the database locked by another process) must turn
// callbacks away with 503 FAIL, never OK, and ingest must resume by itself once the lock is gone,
// with every recall answered OK stored exactly once. On SQLite another connection holds the write
// lock; on PostgreSQL another session holds LOCK TABLE on recalls.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { callbackUrl, eventually, post, recallBody } from "../support/im";
import { appDb } from "../support/recalls";

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

/** Takes the database's write lock from outside the app; returns the release. */
async function lockDatabase(): Promise<() => Promise<void>> {
  if (app.database.dialect === "sqlite") {
    const db = await appDb(app);
    await db.$executeRawUnsafe("BEGIN IMMEDIATE");
    return async () => {
      await db.$executeRawUnsafe("ROLLBACK");
    };
  }
  const client = new pg.Client({ connectionString: app.database.url });
  await client.connect();
  await client.query("BEGIN");
  await client.query("LOCK TABLE recalls IN ACCESS EXCLUSIVE MODE");
  return async () => {
    await client.query("ROLLBACK");
    await client.end();
  };
}

describe("a stalled commit", () => {
  it("answers 503 FAIL (never OK) while the database is locked, and resumes with nothing acknowledged missing", async () => {
    // Warm up: the writer is running and the table has rows.
    expect((await post(callbackUrl(app.url), recallBody({ From_Account: "stall-sender" }))).status).toBe(200);

    const release = await lockDatabase();
    const during = Array.from({ length: 40 }, (_, i) => recallBody({ From_Account: "stall-sender", To_Account: `r${i}` }));
    let answers: Awaited<ReturnType<typeof post>>[];
    try {
      answers = await Promise.all(during.map((b) => post(callbackUrl(app.url), b)));
      // A second wave, while the first one's writes may still be failing.
      answers.push(...(await Promise.all(during.slice(0, 10).map((b) => post(callbackUrl(app.url), b)))));
    } finally {
      await release();
    }
    for (const a of answers) {
      expect(a.status).toBe(503);
      expect(a.json).toMatchObject({ ActionStatus: "FAIL", ErrorCode: 1 });
    }

    // Ingest resumes without a restart: the first new callback may still meet the old lock's
    // aftermath (a writer being replaced); it must be answered OK soon after.
    const after = await eventually(
      () => post(callbackUrl(app.url), recallBody({ From_Account: "stall-sender", To_Account: "after" })),
      (a) => a.status === 200,
      15_000,
    );
    expect(after.json?.ActionStatus).toBe("OK");

    // IM redelivers what was refused: each is now answered OK and stored exactly once.
    const redelivered = await Promise.all(during.map((b) => post(callbackUrl(app.url), b)));
    for (const r of redelivered) expect(r.json?.ActionStatus).toBe("OK");
    const db = await appDb(app);
    const rows = await db.recall.findMany({ where: { fromAccount: "stall-sender" } });
    const keys = rows.map((r) => r.msgKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const b of during) expect(keys).toContain(b.MsgKey);
    const stats = await db.userStats.findFirst({ where: { userId: "stall-sender" } });
    expect(stats?.recallsSent).toBe(rows.length);
  });
});
