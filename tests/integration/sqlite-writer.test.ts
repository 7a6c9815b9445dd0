// The SQLite ingest path commits on a worker thread with its own SQL (lib/recalls/sqlite-writer.ts);
// storeRecalls (lib/recalls/store.ts) is the reference. Fed the same batches, both must leave the
// same rows and give the same answers, or the dashboard would show different numbers per database.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { connectDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrations";
import { MAX_COMMANDS_PER_APP, OTHER_COMMANDS } from "@/lib/recalls/commit-queue";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { sqliteBatchWriter } from "@/lib/recalls/sqlite-writer";
import { type CallbackTally, storeRecalls } from "@/lib/recalls/store";
import { createTestDatabase, type TestDatabase } from "../support/databases";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 26, 9, 58, 0);
/** Late on a UTC day, so some batches cross midnight as well as hours. */
const LATE = Date.UTC(2026, 10, 26, 23, 10, 0);

function recall(i: number, overrides: Partial<NewRecall> = {}): NewRecall {
  const platforms = ["IOS", "Android", "Mac", null, "Something New"] as const;
  const raw = platforms[i % platforms.length] ?? null;
  return {
    sdkAppId: i % 7 === 0 ? "1400000002" : "1400000001",
    fromAccount: `u${(i * 3) % 5}`,
    toAccount: `u${(i * 7 + 1) % 6}`,
    msgKey: `${i}_42_1700000000`,
    unreadMsgNum: i % 4 === 0 ? null : i % 9,
    eventTime: i % 3 === 0 ? new Date(T0 - i) : null,
    // Crosses an hour boundary, and some later batches carry earlier times.
    receivedAt: new Date(T0 + ((i * 37_000) % (2 * HOUR))),
    optPlatformRaw: raw,
    optPlatform: raw === "IOS" ? "iOS" : raw === "Mac" ? "macOS" : raw,
    clientIp: i % 5 === 0 ? null : `203.0.113.${i % 250}`,
    ...overrides,
  };
}

async function snapshot(db: Db) {
  return {
    recalls: await db.recall.findMany({ orderBy: { id: "asc" } }),
    users: await db.userStats.findMany({ orderBy: [{ sdkAppId: "asc" }, { userId: "asc" }] }),
    userHours: await db.userHourlyCount.findMany({ orderBy: [{ sdkAppId: "asc" }, { userId: "asc" }, { hourStart: "asc" }] }),
    userDays: await db.userDailyCount.findMany({ orderBy: [{ sdkAppId: "asc" }, { userId: "asc" }, { dayStart: "asc" }] }),
    appHours: await db.recallHourlyCount.findMany({ orderBy: [{ sdkAppId: "asc" }, { hourStart: "asc" }, { optPlatform: "asc" }] }),
    callbacks: await db.callbackCount.findMany({ orderBy: [{ sdkAppId: "asc" }, { command: "asc" }] }),
  };
}

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

async function freshSqlite(): Promise<{ test: TestDatabase; db: Db }> {
  const test = await createTestDatabase("sqlite");
  const db = await connectDb(test.database);
  cleanup.push(async () => {
    await db.$disconnect();
    await test.drop();
  });
  return { test, db };
}

// The writer is SQLite's alone (PostgreSQL ingests through storeRecalls), so both projects run
// this file against SQLite.
describe("SQLite worker writer", () => {
  it("stores, deduplicates and aggregates exactly like storeRecalls", async () => {
    const reference = await freshSqlite();
    const worker = await freshSqlite();
    if (worker.test.database.dialect !== "sqlite") throw new Error("expected SQLite");
    const write = sqliteBatchWriter(worker.test.database.file);

    const tally = (command: string, count: number, at: number): CallbackTally => ({
      sdkAppId: "1400000001",
      command,
      count,
      lastReceivedAt: new Date(at),
    });
    const batches: [NewRecall[], CallbackTally[]][] = [
      [Array.from({ length: 30 }, (_, i) => recall(i)), [tally("State.StateChange", 3, T0)]],
      // Redeliveries of the first batch mixed with new recalls; an older tally time must not win.
      [
        [recall(3), recall(30), recall(11), recall(31)],
        [tally("State.StateChange", 2, T0 - 5_000), tally("C2C.CallbackBeforeSendMsg", 1, T0)],
      ],
      [Array.from({ length: 40 }, (_, i) => recall(i + 32)), []],
      // An older recall for a recipient must not replace their latest unread count.
      [[recall(100, { toAccount: "u1", unreadMsgNum: 99, receivedAt: new Date(T0 - HOUR) })], []],
      // Across midnight: each recall counts in its own UTC day's row.
      [Array.from({ length: 20 }, (_, i) => recall(i + 200, { receivedAt: new Date(LATE + i * 7 * 60_000) })), []],
    ];

    for (const [recalls, tallies] of batches) {
      const expected = await storeRecalls(reference.db, recalls, tallies);
      const actual = await write(recalls, tallies);
      expect(actual).toEqual(expected);
    }
    const a = await snapshot(reference.db);
    const b = await snapshot(worker.db);
    expect(b.recalls.length).toBe(72 + 1 + 20);
    expect(b).toEqual(a);
    // Every user's days hold exactly their hours' sums.
    const daysFromHours = new Map<string, number[]>();
    for (const h of b.userHours) {
      const key = `${h.sdkAppId} ${h.userId} ${new Date(h.hourStart).toISOString().slice(0, 10)}`;
      const [sent = 0, received = 0] = daysFromHours.get(key) ?? [];
      daysFromHours.set(key, [sent + h.sent, received + h.received]);
    }
    expect(new Set(b.userDays.map((d) => d.dayStart.toISOString().slice(0, 10)))).toEqual(new Set(["2026-11-26", "2026-11-27"]));
    expect(b.userDays.map((d) => [`${d.sdkAppId} ${d.userId} ${d.dayStart.toISOString().slice(0, 10)}`, [d.sent, d.received]])).toEqual(
      [...daysFromHours].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
    );
  });

  it("fails the batch when the database is locked, and works again once it is free", async () => {
    const { test, db } = await freshSqlite();
    if (test.database.dialect !== "sqlite") throw new Error("expected SQLite");
    const write = sqliteBatchWriter(test.database.file);
    await db.$executeRawUnsafe("BEGIN IMMEDIATE");
    await expect(write([recall(1)], [])).rejects.toThrow(/locked|busy/i);
    await db.$executeRawUnsafe("ROLLBACK");
    expect(await write([recall(1)], [])).toEqual([{ outcome: "stored", id: 1 }]);
  });

  it("replaces its thread when a job passes its deadline, and the new thread writes", async () => {
    const { test, db } = await freshSqlite();
    if (test.database.dialect !== "sqlite") throw new Error("expected SQLite");
    const write = sqliteBatchWriter(test.database.file);
    expect(await write([recall(1)], [])).toEqual([{ outcome: "stored", id: 1 }]);
    // Held lock: the job cannot finish before it is abandoned.
    await db.$executeRawUnsafe("BEGIN IMMEDIATE");
    const deadline = new AbortController();
    const stuck = write([recall(2)], [], deadline.signal);
    deadline.abort(new Error("deadline passed"));
    await expect(stuck).rejects.toThrow("deadline passed");
    await db.$executeRawUnsafe("ROLLBACK");
    expect(await write([recall(2), recall(1)], [])).toMatchObject([{ outcome: "stored" }, { outcome: "duplicate" }]);
    expect(await db.recall.count()).toBe(2);
  });

  it("counts command names beyond the per-app limit under one bucket, exactly like storeRecalls", async () => {
    const reference = await freshSqlite();
    const worker = await freshSqlite();
    if (worker.test.database.dialect !== "sqlite") throw new Error("expected SQLite");
    const write = sqliteBatchWriter(worker.test.database.file);
    const tallies = (from: number, n: number): CallbackTally[] =>
      Array.from({ length: n }, (_, i) => ({
        sdkAppId: "1400000001",
        command: `Invented.${from + i}`,
        count: 1,
        lastReceivedAt: new Date(T0 + i),
      }));
    for (const batch of [tallies(0, 30), tallies(30, 30), tallies(0, 5), tallies(60, 10)]) {
      await storeRecalls(reference.db, [], batch);
      await write([], batch);
    }
    const a = await snapshot(reference.db);
    const b = await snapshot(worker.db);
    expect(b.callbacks).toEqual(a.callbacks);
    expect(b.callbacks).toHaveLength(MAX_COMMANDS_PER_APP + 1);
    expect(b.callbacks.find((c) => c.command === OTHER_COMMANDS)?.count).toBe(BigInt(70 - MAX_COMMANDS_PER_APP));
    expect(b.callbacks.reduce((sum, c) => sum + Number(c.count), 0)).toBe(75);
  });

  it("fails while the database file is missing, without creating it, and works once it exists", async () => {
    const dir = path.join(process.cwd(), "tests", ".tmp");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `rm_writer_${randomBytes(4).toString("hex")}.db`);
    cleanup.push(async () => {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    });
    const write = sqliteBatchWriter(file);
    await expect(write([recall(1)], [])).rejects.toThrow();
    await expect(write([recall(1)], [])).rejects.toThrow();
    expect(existsSync(file)).toBe(false);

    await applyMigrations({ dialect: "sqlite", url: `file:${file}`, file });
    expect(await write([recall(1)], [])).toEqual([{ outcome: "stored", id: 1 }]);
    expect(await write([recall(1), recall(2)], [])).toMatchObject([{ outcome: "duplicate" }, { outcome: "stored" }]);
  });
});
