// Retention against the real database: old recalls go, held users' recalls and recent ones stay,
// and every aggregate equals a recount of the recalls that remain. Also the background run in a
// started app, recorded in the access log, and the one-instance lock on PostgreSQL.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDb, type Db } from "@/lib/db/client";
import { aggregateRecalls } from "@/lib/recalls/aggregates";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { RETENTION_BATCH, runRetention } from "@/lib/recalls/retention";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase, testDialect } from "../support/databases";
import { eventually } from "../support/im";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";

const NOW = new Date("2026-12-01T12:00:00.000Z");
const DAY = 86_400_000;
const USERS = ["u0", "u1", "u2", "u3", "u4", "u5", "held"];

/** Recalls spread over 60 days before NOW, between a few users, with unread counts and platforms. */
function spread(count: number): NewRecall[] {
  return Array.from({ length: count }, (_, i) =>
    newRecall({
      fromAccount: USERS[i % USERS.length],
      toAccount: USERS[(i * 3 + 1) % USERS.length],
      // Distinct times (a minute apart, newest last) so "latest" is never a tie.
      receivedAt: new Date(NOW.getTime() - 60 * DAY + i * 37 * 60_000),
      unreadMsgNum: i % 4 === 0 ? null : i % 50,
      optPlatform: ["iOS", "Android", null][i % 3] ?? null,
    }),
  );
}

const byKey = <T>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** The aggregate tables, and what a recount of the remaining recalls says they should hold. */
async function aggregatesAndRecount(db: Db) {
  const recalls = await db.recall.findMany({ orderBy: { id: "asc" } });
  const recount = aggregateRecalls(recalls);
  const stats = await db.userStats.findMany();
  const userHours = await db.userHourlyCount.findMany();
  const userDays = await db.userDailyCount.findMany();
  const appHours = await db.recallHourlyCount.findMany();
  return {
    tables: {
      users: byKey(
        stats.map((s) => ({
          userId: s.userId,
          sent: s.recallsSent,
          received: s.recallsReceived,
          lastRecallAt: s.lastRecallAt.toISOString(),
          lastUnreadMsgNum: s.lastUnreadMsgNum,
          lastUnreadAt: s.lastUnreadAt?.toISOString() ?? null,
        })),
        (u) => u.userId,
      ),
      userHours: byKey(
        userHours.map((h) => `${h.userId} ${h.hourStart.toISOString()} ${h.sent} ${h.received}`),
        (s) => s,
      ),
      userDays: byKey(
        userDays.map((d) => `${d.userId} ${d.dayStart.toISOString()} ${d.sent} ${d.received}`),
        (s) => s,
      ),
      appHours: byKey(
        appHours.map((h) => `${h.hourStart.toISOString()} ${h.optPlatform} ${h.recalls}`),
        (s) => s,
      ),
    },
    recount: {
      users: byKey(
        recount.users.map((u) => ({
          userId: u.userId,
          sent: u.sent,
          received: u.received,
          lastRecallAt: u.lastRecallAt.toISOString(),
          lastUnreadMsgNum: u.lastUnreadMsgNum,
          lastUnreadAt: u.lastUnreadAt?.toISOString() ?? null,
        })),
        (u) => u.userId,
      ),
      userHours: byKey(
        recount.userHours.map((h) => `${h.userId} ${h.hourStart.toISOString()} ${h.sent} ${h.received}`),
        (s) => s,
      ),
      userDays: byKey(
        recount.userDays.map((d) => `${d.userId} ${d.dayStart.toISOString()} ${d.sent} ${d.received}`),
        (s) => s,
      ),
      appHours: byKey(
        recount.appHours.map((h) => `${h.hourStart.toISOString()} ${h.optPlatform} ${h.recalls}`),
        (s) => s,
      ),
    },
  };
}

describe("a retention run", () => {
  let testDb: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await connectDb(testDb.database);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await testDb?.drop();
  });

  it("deletes recalls older than RETENTION_DAYS in batches, keeps held users' and recent ones, and leaves aggregates equal to a recount", async () => {
    // More than two batches, so that aggregates must stay right across batch boundaries.
    const recalls = spread(RETENTION_BATCH.postgresql * 2 + 300);
    for (let i = 0; i < recalls.length; i += 400) await storeTestRecalls(db, recalls.slice(i, i + 400));
    await db.legalHold.create({
      data: { userId: "held", reason: "case 42", placedByEmail: "admin@example.com", placedAt: NOW },
    });
    // A lifted hold protects nothing.
    await db.legalHold.create({
      data: { userId: "u1", reason: "old case", placedByEmail: "admin@example.com", placedAt: NOW, liftedAt: NOW },
    });
    const cutoff = new Date(NOW.getTime() - 30 * DAY);
    const expired = recalls.filter((r) => r.receivedAt < cutoff && r.fromAccount !== "held" && r.toAccount !== "held");

    const before = await aggregatesAndRecount(db);
    expect(before.tables).toEqual(before.recount);

    const run = await runRetention(db, testDb.database, 30, { now: NOW });
    expect(run).toEqual({ deleted: expired.length, cutoff });

    const remaining = await db.recall.findMany();
    expect(remaining.length).toBe(recalls.length - expired.length);
    expect(remaining.filter((r) => r.receivedAt < cutoff).every((r) => r.fromAccount === "held" || r.toAccount === "held")).toBe(true);
    expect(remaining.some((r) => r.receivedAt < cutoff)).toBe(true);

    const after = await aggregatesAndRecount(db);
    expect(after.tables).toEqual(after.recount);
    // Nothing left to delete: a second run removes nothing and still records itself.
    expect(await runRetention(db, testDb.database, 30, { now: NOW })).toEqual({ deleted: 0, cutoff });

    const entries = await db.accessLog.findMany({ where: { action: "retention_run" }, orderBy: { id: "asc" } });
    expect(entries.map((e) => JSON.parse(e.detail ?? "{}").deleted)).toEqual([expired.length, 0]);
    expect(entries[0]?.address).toBe("server");
  });

  it("never prunes the access log, and keeps held users' recalls however old", async () => {
    const logged = await db.accessLog.count();
    await runRetention(db, testDb.database, 1, { now: new Date(NOW.getTime() + 365 * DAY) });
    expect(await db.accessLog.count()).toBe(logged + 1);
    // Only the held user's recalls are left; their aggregates still match.
    const left = await db.recall.findMany();
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((r) => r.fromAccount === "held" || r.toAccount === "held")).toBe(true);
    const after = await aggregatesAndRecount(db);
    expect(after.tables).toEqual(after.recount);
  });

  // SQLite serves one instance: there is no lock to contend for.
  const onPostgres = testDialect() === "postgresql" ? it : () => {};
  onPostgres("records a run that fails, with the count deleted and a log id instead of the database's text", async () => {
    await storeTestRecalls(db, [newRecall({ fromAccount: "late-expiring", receivedAt: new Date(NOW.getTime() - 400 * DAY) })]);
    const other = new pg.Client({ connectionString: testDb.database.url });
    await other.connect();
    try {
      // The aggregates are locked, so every attempt times out (the dashboard pool's lock timeout).
      await other.query("BEGIN");
      await other.query("LOCK TABLE user_stats IN ACCESS EXCLUSIVE MODE");
      await expect(runRetention(db, testDb.database, 30, { now: NOW })).rejects.toThrow(/retention failed after deleting 0 recalls/);
      await other.query("ROLLBACK");
    } finally {
      await other.end();
    }
    const last = await db.accessLog.findFirst({ where: { action: "retention_run" }, orderBy: { id: "desc" } });
    const detail = JSON.parse(last?.detail ?? "{}");
    expect(detail).toMatchObject({ deleted: 0 });
    expect(detail.failed).toMatch(/^database error \(log id [\w-]+\)$/);
    // Nothing was half-deleted: the recall and its aggregates are still there and still agree.
    expect(await db.recall.count({ where: { fromAccount: "late-expiring" } })).toBe(1);
    const after = await aggregatesAndRecount(db);
    expect(after.tables).toEqual(after.recount);
  });

  onPostgres("is skipped while another instance holds the retention lock", async () => {
    const other = new pg.Client({ connectionString: testDb.database.url });
    await other.connect();
    try {
      await other.query("SELECT pg_advisory_lock(7412389001)");
      const logged = await db.accessLog.count();
      expect(await runRetention(db, testDb.database, 1, { now: NOW })).toBeNull();
      expect(await db.accessLog.count()).toBe(logged);
      await other.query("SELECT pg_advisory_unlock(7412389001)");
      expect(await runRetention(db, testDb.database, 1, { now: NOW })).not.toBeNull();
    } finally {
      await other.end();
    }
  });
});

describe("the background run in a started app", () => {
  let app: TestApp;
  let old: NewRecall;
  let recent: NewRecall;
  beforeAll(async () => {
    const database = await createTestDatabase();
    const db = await connectDb(database.database);
    old = newRecall({ fromAccount: "old-sender", receivedAt: new Date(Date.now() - 10 * DAY) });
    recent = newRecall({ fromAccount: "recent-sender", receivedAt: new Date(Date.now() - DAY) });
    await storeTestRecalls(db, [old, recent]);
    await db.$disconnect();
    app = await startApp({ database, env: { RETENTION_DAYS: "7" } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("deletes what is older than RETENTION_DAYS soon after start and records it in the access log", async () => {
    const db = await appDb(app);
    const entries = await eventually(
      () => db.accessLog.findMany({ where: { action: "retention_run" } }),
      (e) => e.length > 0,
      30_000,
    );
    expect(JSON.parse(entries[0]?.detail ?? "{}")).toMatchObject({ deleted: 1, retentionDays: 7 });
    expect((await db.recall.findMany()).map((r) => r.msgKey)).toEqual([recent.msgKey]);
    expect((await db.userStats.findMany({ orderBy: { userId: "asc" } })).map((s) => s.userId)).toEqual(["bob", "recent-sender"]);
  });
});
