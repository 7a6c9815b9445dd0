// "OK only after commit": every acknowledged recall survives a crash, a database that cannot
// take writes gets 503 (so IM can redeliver) and the server recovers by itself.
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { testDialect } from "../support/databases";
import { callbackUrl, post, recallBody } from "../support/im";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Checks that the aggregates agree with the stored recalls: nothing was half written. */
async function expectConsistent(a: TestApp) {
  const db = await a.db();
  const recalls = await db.recall.count();
  const totals = await db.userStats.aggregate({ _sum: { recallsSent: true, recallsReceived: true } });
  const hourly = await db.recallHourlyCount.aggregate({ _sum: { recalls: true } });
  expect(totals._sum.recallsSent ?? 0).toBe(recalls);
  expect(totals._sum.recallsReceived ?? 0).toBe(recalls);
  expect(hourly._sum.recalls ?? 0).toBe(recalls);
}

describe("a crash of the app process", () => {
  it("loses no recall that was answered OK, and leaves no partial write", async () => {
    const a = await startApp();
    app = a;
    const acknowledged: string[] = [];
    let killed = false;
    let next = 0;
    // 16 senders keep callbacks in flight; the process is killed mid-stream after 150 OKs.
    const sender = async () => {
      while (!killed) {
        const body = recallBody({ MsgKey: `crash_${next++}`, From_Account: `u${next % 13}`, To_Account: `u${next % 7}` });
        const res = await post(callbackUrl(a.url), body).catch(() => undefined);
        if (res?.json?.ActionStatus === "OK") {
          acknowledged.push(String(body.MsgKey));
          if (acknowledged.length === 150 && !killed) {
            killed = true;
            await a.kill();
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, sender));

    const stored = new Set((await (await a.db()).recall.findMany({ select: { msgKey: true } })).map((r) => r.msgKey));
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    expect(acknowledged.filter((k) => !stored.has(k))).toEqual([]);
    await expectConsistent(a);

    await a.restart();
    expect((await post(callbackUrl(a.url), recallBody())).json?.ActionStatus).toBe("OK");
  }, 180_000); // Kills and restarts servers: on a loaded machine each restart alone has taken 15 s.
});

/** Makes the database refuse the app's writes until `release` is called. */
async function blockWrites(a: TestApp): Promise<() => Promise<void>> {
  if (testDialect() === "sqlite" && a.database.dialect === "sqlite") {
    const blocker = new Database(a.database.file);
    blocker.exec("BEGIN EXCLUSIVE");
    return async () => {
      blocker.exec("ROLLBACK");
      blocker.close();
    };
  }
  const blocker = new pg.Client({ connectionString: a.database.url });
  await blocker.connect();
  await blocker.query("BEGIN");
  await blocker.query("LOCK TABLE recalls IN ACCESS EXCLUSIVE MODE");
  return async () => {
    await blocker.query("ROLLBACK");
    await blocker.end();
  };
}

describe("a database that cannot take the write", () => {
  it("answers 503 FAIL/1, stores nothing, keeps serving, and takes the redelivery once it recovers", async () => {
    const a = await startApp();
    app = a;
    const first = await post(callbackUrl(a.url), recallBody());
    expect(first.status, a.logs()).toBe(200);

    const release = await blockWrites(a);
    const body = recallBody({ From_Account: "blocked-sender" });
    const refused = await post(callbackUrl(a.url), body);
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ ActionStatus: "FAIL", ErrorCode: 1 });
    expect(refused.json?.ErrorInfo).toMatch(/database unavailable; retry later/);
    // Other commands never depend on the database.
    expect((await post(callbackUrl(a.url, { command: "C2C.CallbackBeforeSendMsg" }), "{}")).status).toBe(200);
    await release();

    const redelivered = await post(callbackUrl(a.url), body);
    expect(redelivered.json?.ActionStatus).toBe("OK");
    const db = await a.db();
    expect(await db.recall.count({ where: { msgKey: String(body.MsgKey) } })).toBe(1);
    expect(await db.userStats.findFirst({ where: { userId: "blocked-sender" } })).toMatchObject({ recallsSent: 1 });
    await expectConsistent(a);
  });
});

// PostgreSQL only: SQLite has no connection to drop.
if (testDialect() === "postgresql")
  describe("a PostgreSQL server that drops the app's connections", () => {
    it("recovers by itself and loses no acknowledged recall", async () => {
      const a = await startApp();
      app = a;
      expect((await post(callbackUrl(a.url), recallBody())).status).toBe(200);
      const admin = new pg.Client({ connectionString: a.database.url });
      await admin.connect();
      const dbName = new URL(a.database.url).pathname.slice(1);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [dbName]);
      await admin.end();

      const acknowledged: string[] = [];
      for (let i = 0; i < 10; i++) {
        const body = recallBody();
        const res = await post(callbackUrl(a.url), body);
        expect([200, 503]).toContain(res.status);
        if (res.status === 200) acknowledged.push(String(body.MsgKey));
      }
      expect(acknowledged.length).toBeGreaterThanOrEqual(8);
      const stored = await (await a.db()).recall.count({ where: { msgKey: { in: acknowledged } } });
      expect(stored).toBe(acknowledged.length);
    }, 180_000);
  });
