import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/db/generated/sqlite/client";
import { unavailableFor } from "@/lib/db/query-budget";
import { SqliteReadPool, sqliteReadPoolAdapter } from "@/lib/db/sqlite-read-pool";

const dir = mkdtempSync(path.join(tmpdir(), "read-pool-"));
const file = path.join(dir, "t.db");
let direct: PrismaClient;
let pooled: PrismaClient;

beforeAll(async () => {
  direct = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
  await direct.$executeRawUnsafe("PRAGMA journal_mode = WAL");
  await direct.$executeRawUnsafe(
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, at DATETIME, n BIGINT, r REAL, maybe INTEGER, blob BLOB)",
  );
  await direct.$executeRaw`INSERT INTO t (name, at, n, r, maybe, blob) VALUES
    (${"用户😀"}, ${new Date("2026-03-01T10:00:00.123Z")}, ${9007199254740993n}, ${1.5}, ${null}, ${Buffer.from([1, 2, 3])}),
    (${"b"}, ${new Date("2026-03-02T00:00:00.000Z")}, ${7}, ${-2.25}, ${4}, ${null})`;
  pooled = new PrismaClient({
    adapter: sqliteReadPoolAdapter(new SqliteReadPool({ file, size: 2, budgetMs: 2_000, maxQueued: 8, busyTimeoutMs: 250 })),
  });
});
afterAll(async () => {
  await pooled?.$disconnect();
  await direct?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("the SQLite read pool", () => {
  it("answers raw queries exactly as Prisma's own better-sqlite3 adapter does", async () => {
    for (const query of [
      "SELECT * FROM t ORDER BY id",
      "SELECT COUNT(*) AS n, SUM(r) AS total, MAX(at) AS last, MIN(name) AS first FROM t",
      "SELECT id, name FROM t WHERE 1 = 0",
    ]) {
      expect(await pooled.$queryRawUnsafe(query), query).toEqual(await direct.$queryRawUnsafe(query));
    }
    const since = new Date("2026-03-01T12:00:00Z");
    expect(await pooled.$queryRaw`SELECT name FROM t WHERE at >= ${since}`).toEqual([{ name: "b" }]);
  });

  it("refuses writes", async () => {
    await expect(pooled.$queryRawUnsafe("INSERT INTO t (name) VALUES ('x') RETURNING id")).rejects.toThrow();
    await expect(pooled.$executeRawUnsafe("DELETE FROM t")).rejects.toThrow(/read-only/);
    expect(await direct.$queryRawUnsafe("SELECT COUNT(*) AS n FROM t")).toEqual([{ n: 2n }]);
  });

  it("answers a query over its budget as unavailable (503) and keeps answering others", async () => {
    const slow = new PrismaClient({
      adapter: sqliteReadPoolAdapter(new SqliteReadPool({ file, size: 1, budgetMs: 100, maxQueued: 1, busyTimeoutMs: 250 })),
    });
    try {
      const error = await slow
        .$queryRawUnsafe("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT COUNT(*) FROM n")
        .catch((e: unknown) => e);
      expect(unavailableFor(error)).toMatchObject({ status: 503, code: "unavailable", message: expect.stringContaining("budget") });
      // The pool answers again once the thread is free (the slow statement finishes on its own).
      let answer: unknown;
      for (let i = 0; i < 300 && answer === undefined; i++) answer = await slow.$queryRawUnsafe("SELECT 1 AS one").catch(() => undefined);
      expect(answer).toEqual([{ one: 1n }]);
    } finally {
      await slow.$disconnect();
    }
  }, 60_000);
});
