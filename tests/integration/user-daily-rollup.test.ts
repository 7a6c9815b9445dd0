// The daily rollup (user_daily_counts) against the hours it sums. A ranged users list and the
// overview's top users read the whole UTC days of a range from the rollup and the partial hours at
// either end from user_hourly_counts; for every kind of range they must give exactly the answer
// the hours alone give (what they read before the rollup), or the dashboard's numbers would change
// with the shape of the range. The migration's backfill must build the rollup the write path keeps.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDb, type Db, Prisma } from "@/lib/db/client";
import { dialectOf } from "@/lib/db/dialect";
import { toNumber } from "@/lib/db/values";
import { getOverview, overviewQuerySchema, TOP_USERS } from "@/lib/overview";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { listUsers, userListQuerySchema } from "@/lib/users/list";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { newRecall, storeTestRecalls } from "../support/recalls";

const OTHER_APP = "1400000002";
const START = Date.parse("2026-11-18T00:00:00.000Z");
const HOUR = 3_600_000;
const USERS = ["u0", "u1", "u2", "u3", "u4", "u5", "u6", "v7"];

/** 1,200 recalls over 12 days, 13-14 minutes apart with a varying offset, so every hour and day has some. */
function spread(): NewRecall[] {
  return Array.from({ length: 1200 }, (_, i) =>
    newRecall({
      ...(i % 11 === 0 ? { sdkAppId: OTHER_APP } : {}),
      fromAccount: USERS[(i * 5) % USERS.length],
      toAccount: USERS[(i * 3 + 1) % USERS.length],
      receivedAt: new Date(START + i * 14 * 60_000 - (i % 7) * 61_000),
    }),
  );
}

const at = (iso: string) => new Date(iso);

// [name, since, until]: partial days at both ends, whole days, sub-day ranges, edges on hours and midnights.
const RANGES: [string, string | undefined, string | undefined][] = [
  ["partial days at both ends (7 days)", "2026-11-20T05:30:00Z", "2026-11-27T05:29:59.999Z"],
  ["partial days at both ends, odd minutes", "2026-11-19T23:59:00Z", "2026-11-26T00:01:00Z"],
  ["whole days only", "2026-11-21T00:00:00Z", "2026-11-25T00:00:00Z"],
  ["exactly one day", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z"],
  ["from midnight to mid-day", "2026-11-21T00:00:00Z", "2026-11-23T13:20:00Z"],
  ["from mid-day to midnight", "2026-11-21T10:45:00Z", "2026-11-24T00:00:00Z"],
  ["ending in a day's last hour (the day counts whole)", "2026-11-21T10:00:00Z", "2026-11-23T23:30:00Z"],
  ["ending one millisecond after midnight", "2026-11-21T10:00:00Z", "2026-11-23T00:00:00.001Z"],
  ["sub-day, within one day", "2026-11-22T03:10:00Z", "2026-11-22T09:00:00Z"],
  ["sub-day, across one midnight", "2026-11-22T20:00:00Z", "2026-11-23T04:00:00Z"],
  ["23 hours, not a whole day", "2026-11-22T00:00:00Z", "2026-11-22T23:00:00Z"],
  ["within one hour", "2026-11-22T10:05:00Z", "2026-11-22T10:50:00Z"],
  ["empty (since = until)", "2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z"],
  ["the whole history and beyond", "2026-11-01T00:00:00Z", "2026-12-31T00:00:00Z"],
  ["until only", undefined, "2026-11-24T12:00:00Z"],
  ["since only", "2026-11-24T12:00:00Z", undefined],
];

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await connectDb(testDb.database);
  const recalls = spread();
  for (let i = 0; i < recalls.length; i += 300) await storeTestRecalls(db, recalls.slice(i, i + 300));
}, 60_000);
afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

type Totals = { sdkAppId: string; userId: string; sent: number; received: number };
const byUser = (a: Totals, b: Totals) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.sdkAppId < b.sdkAppId ? -1 : 1);

/** The range's totals from user_hourly_counts alone: the hours h with hourStart(since) <= h < until. */
async function fromHours(since: Date | undefined, until: Date | undefined, where: Prisma.Sql = Prisma.sql`1 = 1`): Promise<Totals[]> {
  const from = new Date(Math.floor((since?.getTime() ?? 0) / HOUR) * HOUR);
  const rows = await db.$queryRaw<{ sdk_app_id: string; user_id: string; sent: unknown; received: unknown }[]>`
    SELECT sdk_app_id, user_id, SUM(sent) AS sent, SUM(received) AS received FROM user_hourly_counts
    WHERE hour_start >= ${from} AND ${until ? Prisma.sql`hour_start < ${until}` : Prisma.sql`1 = 1`} AND ${where}
    GROUP BY sdk_app_id, user_id`;
  return rows
    .map((r) => ({ sdkAppId: r.sdk_app_id, userId: r.user_id, sent: toNumber(r.sent), received: toNumber(r.received) }))
    .sort(byUser);
}

async function listed(query: Record<string, string>): Promise<Totals[]> {
  const page = await listUsers(db, userListQuerySchema.parse({ sort: "userId", order: "asc", limit: "100", ...query }));
  expect(page.nextCursor).toBeNull();
  return page.items.map((u) => ({ sdkAppId: u.sdkAppId, userId: u.userId, sent: u.recallsSent, received: u.recallsReceived }));
}

const rangeQuery = (since: string | undefined, until: string | undefined) => ({
  ...(since ? { since } : {}),
  ...(until ? { until } : {}),
});

describe("a ranged users list with the daily rollup", () => {
  it.each(RANGES)("counts exactly what the hours count: %s", async (_name, since, until) => {
    const expected = await fromHours(since ? at(since) : undefined, until ? at(until) : undefined);
    expect(await listed(rangeQuery(since, until))).toEqual(expected);
  });

  it("sanity: the ranges cover whole days, partial hours and nothing, and the counts differ between them", async () => {
    const week = await listed(rangeQuery("2026-11-20T05:30:00Z", "2026-11-27T05:29:59.999Z"));
    expect(week.reduce((n, u) => n + u.sent, 0)).toBeGreaterThan(600);
    expect(await listed(rangeQuery("2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z"))).toEqual([]);
    // Only the whole hours a range overlaps count: 10:05-10:50 counts the whole of 10:00-11:00.
    const hour = await listed(rangeQuery("2026-11-22T10:05:00Z", "2026-11-22T10:50:00Z"));
    expect(hour.reduce((n, u) => n + u.sent, 0)).toBe(await recallsIn("2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z"));
  });

  it("filters by app and user ID prefix the same way", async () => {
    const [since, until] = ["2026-11-19T17:00:00Z", "2026-11-26T03:00:00Z"];
    const app = Prisma.sql`sdk_app_id = ${OTHER_APP}`;
    expect(await listed({ ...rangeQuery(since, until), sdkAppId: OTHER_APP })).toEqual(await fromHours(at(since), at(until), app));
    const prefix = Prisma.sql`substr(user_id, 1, 1) = ${"v"}`;
    const v = await listed({ ...rangeQuery(since, until), q: "v" });
    expect(v.length).toBeGreaterThan(0);
    expect(v.every((u) => u.userId === "v7")).toBe(true);
    expect(v).toEqual(await fromHours(at(since), at(until), prefix));
  });

  it("sorts and pages by the rollup's sums as by the hours'", async () => {
    const [since, until] = ["2026-11-20T05:30:00Z", "2026-11-27T05:29:59.999Z"];
    const expected = (await fromHours(at(since), at(until))).sort(
      (a, b) => b.received - a.received || (a.userId < b.userId ? 1 : a.userId > b.userId ? -1 : a.sdkAppId < b.sdkAppId ? 1 : -1),
    );
    const seen: Totals[] = [];
    let cursor: string | undefined;
    do {
      const page = await listUsers(
        db,
        userListQuerySchema.parse({ since, until, sort: "recallsReceived", order: "desc", limit: "3", ...(cursor ? { cursor } : {}) }),
      );
      seen.push(...page.items.map((u) => ({ sdkAppId: u.sdkAppId, userId: u.userId, sent: u.recallsSent, received: u.recallsReceived })));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(expected);
  });
});

/** Recalls received in [since, until), counted from the recalls themselves. */
async function recallsIn(since: string, until: string): Promise<number> {
  return db.recall.count({ where: { receivedAt: { gte: at(since), lt: at(until) } } });
}

describe("the overview's top users with the daily rollup", () => {
  it.each(RANGES.filter(([, since, until]) => since && until && since !== until))(
    "ranks exactly as the hours rank: %s",
    async (_name, since, until) => {
      const now = at("2026-12-01T00:00:00Z");
      const overview = await getOverview(db, overviewQuerySchema.parse({ since, until }), now);
      const hours = await fromHours(since ? at(since) : undefined, until ? at(until) : undefined);
      const top = (key: "sent" | "received") =>
        hours
          .filter((u) => u[key] > 0)
          .sort((a, b) => b[key] - a[key] || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
          .slice(0, TOP_USERS)
          .map((u) => ({ userId: u.userId, recalls: u[key] }));
      const strip = (rows: { userId: string; recalls: number }[]) => rows.map((u) => ({ userId: u.userId, recalls: u.recalls }));
      expect(strip(overview.topSenders)).toEqual(top("sent"));
      expect(strip(overview.topRecipients)).toEqual(top("received"));
    },
  );
});

describe("the migration's backfill", () => {
  it("rebuilds from user_hourly_counts exactly the rollup the write path kept", async () => {
    const kept = await db.userDailyCount.findMany({ orderBy: [{ sdkAppId: "asc" }, { userId: "asc" }, { dayStart: "asc" }] });
    expect(new Set(kept.map((d) => d.dayStart.toISOString())).size).toBe(12);
    const dialect = dialectOf(db);
    const dir = path.join(process.cwd(), "prisma", dialect, "migrations");
    const migration = readFileSync(path.join(dir, "20261202165012_user_daily_counts", "migration.sql"), "utf8");
    const backfill = migration.slice(migration.indexOf('INSERT INTO "user_daily_counts"'));
    await db.$executeRawUnsafe('DELETE FROM "user_daily_counts"');
    await db.$executeRawUnsafe(backfill);
    expect(await db.userDailyCount.findMany({ orderBy: [{ sdkAppId: "asc" }, { userId: "asc" }, { dayStart: "asc" }] })).toEqual(kept);
  });
});
