// Users, per-user trend, counterparts, sparklines and the overview over real HTTP, on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Overview } from "@/lib/overview";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { storeRecalls } from "@/lib/recalls/store";
import type { UserPage } from "@/lib/users/list";
import type { UnreadSparklines } from "@/lib/users/sparklines";
import type { UserCounterparts, UserTrend } from "@/lib/users/trend";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { type ApiErrorJson, appDb, getJson, newRecall, storeTestRecalls } from "../support/recalls";

const OTHER_APP = "1400000002";
const D = Date.parse("2026-03-01T00:00:00.000Z");
const HOUR = 3_600_000;
const hour = (h: number, minute = 0) => new Date(D + h * HOUR + minute * 60_000);
const iso = (d: Date) => d.toISOString();

type R = Partial<NewRecall> & { fromAccount: string; toAccount: string; receivedAt: Date };
const r = (fromAccount: string, toAccount: string, receivedAt: Date, unreadMsgNum: number | null, extra: Partial<NewRecall> = {}): R => ({
  fromAccount,
  toAccount,
  receivedAt,
  unreadMsgNum,
  ...extra,
});

// u-b receives a drifting unread count from u-heavy; ties in every count column; a user who never
// received (no unread count); one user in a second app; a Unicode user ID.
const FIXTURE: R[] = [
  ...[1, 2, 3, 4, 5, 6].map((n, i) => r("u-heavy", "u-b", hour(i, 15), n)),
  r("u-b", "u-heavy", hour(30), 9),
  r("u-b", "u-heavy", hour(31), null),
  r("u-c", "u-b", hour(50, 30), 4, { optPlatformRaw: "Android", optPlatform: "Android" }),
  r("x-other", "u-c", hour(49), null, { optPlatformRaw: "Web", optPlatform: "Web" }),
  r("u-d", "用户甲", hour(52), 2, { optPlatformRaw: null, optPlatform: null }),
  r("用户甲", "u-d", hour(53), 11),
  r("u-heavy", "u-b", hour(55), 3, { sdkAppId: OTHER_APP }),
];

type Model = {
  userId: string;
  sdkAppId: string;
  recallsSent: number;
  recallsReceived: number;
  lastUnreadMsgNum: number | null;
  lastRecallAt: string;
  /** This fixture has no sent-message callbacks: no messages, no recall rate. */
  messagesSent: number;
  recallRate: number | null;
};

/** What user_stats should say, computed from the fixture. */
function model(rows: R[], since?: Date, until?: Date): Model[] {
  const users = new Map<string, Model & { unreadAt: number }>();
  const entry = (app: string, id: string) => {
    const key = `${app}/${id}`;
    let u = users.get(key);
    if (!u) {
      u = {
        userId: id,
        sdkAppId: app,
        recallsSent: 0,
        recallsReceived: 0,
        lastUnreadMsgNum: null,
        lastRecallAt: "",
        messagesSent: 0,
        recallRate: null,
        unreadAt: -1,
      };
      users.set(key, u);
    }
    return u;
  };
  for (const x of rows) {
    const app = x.sdkAppId ?? TEST_APP_ID;
    const inRange = (!since || x.receivedAt >= since) && (!until || x.receivedAt < until);
    const from = entry(app, x.fromAccount);
    const to = entry(app, x.toAccount);
    if (inRange) {
      from.recallsSent++;
      to.recallsReceived++;
    }
    for (const u of [from, to]) if (iso(x.receivedAt) > u.lastRecallAt) u.lastRecallAt = iso(x.receivedAt);
    if (x.unreadMsgNum != null && x.receivedAt.getTime() >= to.unreadAt) {
      to.lastUnreadMsgNum = x.unreadMsgNum;
      to.unreadAt = x.receivedAt.getTime();
    }
  }
  return [...users.values()].filter((u) => !since || u.recallsSent + u.recallsReceived > 0).map(({ unreadAt: _, ...u }) => u);
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

function sortModel(rows: Model[], sort: keyof Model, order: "asc" | "desc") {
  const dir = order === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const av = a[sort];
    const bv = b[sort];
    if (av === null || bv === null) {
      if (av !== bv) return av === null ? 1 : -1; // missing values last in either order
    } else if (av !== bv) return dir * cmp(av, bv);
    return dir * (cmp(a.userId, b.userId) || cmp(a.sdkAppId, b.sdkAppId));
  });
}

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { CALLBACK_SILENCE_WARNING_MINUTES: "30" } });
  await storeTestRecalls(
    await appDb(app),
    FIXTURE.map((x) => newRecall(x)),
  );
});
afterAll(async () => {
  await app?.stop();
});

async function ok<T>(path: string): Promise<T> {
  const res = await getJson<T>(`${app.url}${path}`, { headers: await app.headersFor("viewer") });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function expectInvalid(path: string, parameter: string) {
  const res = await getJson<ApiErrorJson>(`${app.url}${path}`, { headers: await app.headersFor("viewer") });
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error).toMatchObject({ code: "invalid_parameter", parameter });
}

async function allUsers(query: string, limit = 2) {
  const items: UserPage["items"] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 30; pages++) {
    const page: UserPage = await ok(`/api/users?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items;
}

describe("GET /api/users", () => {
  it("lists every user with all-time counts, latest unread count and last recall time", async () => {
    const items = await allUsers("sort=userId&order=asc", 500);
    expect(items).toEqual(sortModel(model(FIXTURE), "userId", "asc"));
  });

  const SORTS = ["userId", "recallsSent", "recallsReceived", "lastUnreadMsgNum", "lastRecallAt"] as const;
  for (const sort of SORTS) {
    for (const order of ["asc", "desc"] as const) {
      it(`sorts by ${sort} ${order}, paging two rows at a time through ties and missing values`, async () => {
        const items = await allUsers(`sort=${sort}&order=${order}`);
        expect(items.map((u) => `${u.sdkAppId}/${u.userId}`)).toEqual(
          sortModel(model(FIXTURE), sort, order).map((u) => `${u.sdkAppId}/${u.userId}`),
        );
      });
    }
  }

  it("defaults to most recalls sent first", async () => {
    const page = await ok<UserPage>("/api/users");
    expect(page.items[0]).toMatchObject({
      userId: "u-heavy",
      sdkAppId: TEST_APP_ID,
      recallsSent: 6,
      recallsReceived: 2,
      lastUnreadMsgNum: 9,
    });
  });

  it("searches by user ID prefix, case-sensitively, including Unicode", async () => {
    expect((await allUsers("q=u-&sort=userId&order=asc", 500)).map((u) => u.userId)).toEqual([
      "u-b",
      "u-b",
      "u-c",
      "u-d",
      "u-heavy",
      "u-heavy",
    ]);
    expect(await allUsers("q=U-", 500)).toEqual([]);
    expect((await allUsers(`q=${encodeURIComponent("用户")}`, 500)).map((u) => u.userId)).toEqual(["用户甲"]);
  });

  it("filters by app", async () => {
    const items = await allUsers(`sdkAppId=${OTHER_APP}&sort=userId&order=asc`, 500);
    expect(items).toEqual(
      sortModel(
        model(FIXTURE).filter((u) => u.sdkAppId === OTHER_APP),
        "userId",
        "asc",
      ),
    );
  });

  it("counts only the selected range's recalls when since/until are given", async () => {
    const since = hour(30);
    const until = hour(53);
    for (const sort of ["recallsSent", "recallsReceived", "userId"] as const) {
      const items = await allUsers(`since=${iso(since)}&until=${iso(until)}&sort=${sort}`);
      expect(items).toEqual(sortModel(model(FIXTURE, since, until), sort, "desc"));
    }
  });

  it.each([
    ["sort=name", "sort"],
    ["order=up", "order"],
    ["limit=1000", "limit"],
    ["cursor=abc", "cursor"],
    ["since=2026-03-02&until=2026-03-01", "until"],
    ["since=March", "since"],
  ])("answers 400 naming the parameter for %s", async (query, parameter) => {
    await expectInvalid(`/api/users?${query}`, parameter);
  });
});

describe("GET /api/users/{userId}/trend", () => {
  it("returns every unread count reported for recalls the user received, in time order", async () => {
    const trend = await ok<UserTrend>(`/api/users/u-b/trend?since=${iso(hour(0))}&until=${iso(hour(72))}`);
    const expected = FIXTURE.filter((x) => x.toAccount === "u-b" && x.unreadMsgNum !== null).map((x) => ({
      at: iso(x.receivedAt),
      unreadMsgNum: x.unreadMsgNum,
    }));
    expect(trend.userId).toBe("u-b");
    expect(trend.unread).toEqual(expected);
    expect(trend.unread.map((p) => p.unreadMsgNum)).toEqual([1, 2, 3, 4, 5, 6, 4, 3]);
    expect(trend.unreadSampled).toBeNull();
  });

  it("counts recalls sent and received per hour, and per UTC day", async () => {
    const hourly = await ok<UserTrend>(`/api/users/u-b/trend?since=${iso(hour(0))}&until=${iso(hour(48))}&bucket=hour`);
    expect(hourly.buckets).toHaveLength(48);
    expect(hourly.buckets[0]).toEqual({ start: iso(hour(0)), sent: 0, received: 1 });
    expect(hourly.buckets[30]).toEqual({ start: iso(hour(30)), sent: 1, received: 0 });
    expect(hourly.buckets.reduce((n, b) => n + b.received, 0)).toBe(6);

    const daily = await ok<UserTrend>(`/api/users/u-b/trend?since=${iso(hour(0))}&until=${iso(hour(72))}&bucket=day`);
    expect(daily.buckets).toEqual([
      { start: iso(hour(0)), sent: 0, received: 6 },
      { start: iso(hour(24)), sent: 2, received: 0 },
      { start: iso(hour(48)), sent: 0, received: 2 },
    ]);
  });

  it("past 2,000 recalls in the range, gives the last unread count of each slice with its time, and says it sampled", async () => {
    const APP = "1400000004";
    const start = Date.parse("2026-04-01T00:00:00.000Z");
    const many = Array.from({ length: 2_100 }, (_, i) =>
      newRecall({
        sdkAppId: APP,
        fromAccount: `s${i % 7}`,
        toAccount: "u-busy",
        receivedAt: new Date(start + i * 60_000),
        unreadMsgNum: i % 500,
      }),
    );
    await storeTestRecalls(await appDb(app), many);
    const until = new Date(start + 2_100 * 60_000);
    const trend = await ok<UserTrend>(
      `/api/users/u-busy/trend?since=${iso(new Date(start))}&until=${iso(until)}&sdkAppId=${APP}&bucket=day`,
    );
    expect(trend.unreadSampled).toEqual({ sliceMs: (2_100 * 60_000) / 400, recalls: 2_100 });
    expect(trend.unread).toHaveLength(400);
    // Slices are 5.25 minutes: the first holds minutes 0-5, so its last report is minute 5's.
    expect(trend.unread[0]).toEqual({ at: iso(new Date(start + 5 * 60_000)), unreadMsgNum: 5 });
    expect(trend.unread.at(-1)).toEqual({ at: iso(new Date(start + 2_099 * 60_000)), unreadMsgNum: 2_099 % 500 });
    // Every sampled point is a report that was sent, at its own time.
    const sent = new Map(many.map((r) => [iso(r.receivedAt), r.unreadMsgNum]));
    for (const p of trend.unread) expect(sent.get(p.at)).toBe(p.unreadMsgNum);
    expect(trend.buckets.reduce((n, b) => n + b.received, 0)).toBe(2_100);

    // A narrower range holds fewer recalls and brings back every point.
    const narrow = await ok<UserTrend>(
      `/api/users/u-busy/trend?since=${iso(new Date(start))}&until=${iso(new Date(start + 600 * 60_000))}&sdkAppId=${APP}`,
    );
    expect(narrow.unreadSampled).toBeNull();
    expect(narrow.unread.map((p) => p.unreadMsgNum)).toEqual(many.slice(0, 600).map((r) => r.unreadMsgNum));
  });

  it("narrows to one app", async () => {
    const trend = await ok<UserTrend>(`/api/users/u-b/trend?since=${iso(hour(0))}&until=${iso(hour(72))}&sdkAppId=${OTHER_APP}`);
    expect(trend.unread.map((p) => p.unreadMsgNum)).toEqual([3]);
  });

  it("takes Unicode user IDs in the path", async () => {
    const trend = await ok<UserTrend>(
      `/api/users/${encodeURIComponent("用户甲")}/trend?since=${iso(hour(0))}&until=${iso(hour(72))}&bucket=day`,
    );
    expect(trend.userId).toBe("用户甲");
    expect(trend.unread).toEqual([{ at: iso(hour(52)), unreadMsgNum: 2 }]);
  });

  it.each([
    ["bucket=week", "bucket"],
    ["since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z", "until"],
    ["since=2000-01-01T00:00:00Z&until=2026-01-01T00:00:00Z&bucket=hour", "bucket"],
  ])("answers 400 naming the parameter for %s", async (query, parameter) => {
    await expectInvalid(`/api/users/u-b/trend?${query}`, parameter);
  });
});

describe("GET /api/users/{userId}/counterparts", () => {
  it("ranks the users someone exchanges recalls with, both directions", async () => {
    const res = await ok<UserCounterparts>("/api/users/u-b/counterparts");
    expect(res.items).toEqual([
      { userId: "u-heavy", sent: 2, received: 7, total: 9 },
      { userId: "u-c", sent: 0, received: 1, total: 1 },
    ]);
    const ranged = await ok<UserCounterparts>(`/api/users/u-b/counterparts?since=${iso(hour(30))}&sdkAppId=${TEST_APP_ID}`);
    expect(ranged.items).toEqual([
      { userId: "u-heavy", sent: 2, received: 0, total: 2 },
      { userId: "u-c", sent: 0, received: 1, total: 1 },
    ]);
  });
});

describe("GET /api/unread-sparklines", () => {
  it("gives each listed user's last reported unread count per slice of the range, in one answer", async () => {
    const res = await ok<UnreadSparklines>(
      `/api/unread-sparklines?user=u-b&user=u-heavy&user=x-other&since=${iso(hour(0))}&until=${iso(hour(72))}&points=3`,
    );
    expect(res.items).toEqual([
      { userId: "u-b", values: [6, null, 3] },
      { userId: "u-heavy", values: [null, 9, null] },
      { userId: "x-other", values: [null, null, null] },
    ]);
  });

  it("answers 400 naming user when none is given", async () => {
    await expectInvalid("/api/unread-sparklines", "user");
  });
});

describe("GET /api/overview", () => {
  it("sums recalls over time and by platform, and ranks senders and recipients in the range", async () => {
    const since = iso(hour(0));
    const until = iso(hour(72));
    const o = await ok<Overview>(`/api/overview?since=${since}&until=${until}&sdkAppId=${TEST_APP_ID}`);
    const mine = FIXTURE.filter((x) => (x.sdkAppId ?? TEST_APP_ID) === TEST_APP_ID);
    expect(o.totalRecalls).toBe(mine.length);
    expect(o.bucket).toBe("hour");
    expect(o.recallsOverTime).toHaveLength(72);
    expect(o.recallsOverTime[0]).toEqual({ start: since, recalls: 1 });
    expect(o.recallsOverTime.reduce((n, b) => n + b.recalls, 0)).toBe(mine.length);
    expect(o.platforms).toEqual([
      { platform: "iOS", recalls: 9 },
      { platform: "Android", recalls: 1 },
      { platform: "Web", recalls: 1 },
      { platform: null, recalls: 1 },
    ]);
    expect(o.topSenders[0]).toEqual({ userId: "u-heavy", sdkAppId: TEST_APP_ID, recalls: 6 });
    expect(o.topRecipients.slice(0, 2)).toEqual([
      { userId: "u-b", sdkAppId: TEST_APP_ID, recalls: 7 },
      { userId: "u-heavy", sdkAppId: TEST_APP_ID, recalls: 2 },
    ]);
  });

  it("ranks within a range that cuts the data, and charts per day", async () => {
    const o = await ok<Overview>(`/api/overview?since=${iso(hour(24))}&until=${iso(hour(72))}&bucket=day`);
    expect(o.recallsOverTime).toEqual([
      { start: iso(hour(24)), recalls: 2 },
      { start: iso(hour(48)), recalls: 5 },
    ]);
    expect(o.topSenders.map((u) => [u.userId, u.recalls])).toEqual([
      ["u-b", 2],
      ["u-c", 1],
      ["u-d", 1],
      ["u-heavy", 1],
      ["x-other", 1],
      ["用户甲", 1],
    ]);
  });

  it("says how long ago the last callback came and warns after the configured silence", async () => {
    const APP = "1400000009";
    const db = await appDb(app);
    let o = await ok<Overview>(`/api/overview?sdkAppId=${APP}`);
    expect(o.callbacks).toMatchObject({ lastCallbackAt: null, silent: true, silenceWarningMinutes: 30 });

    const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000);
    await storeRecalls(db, [], [{ sdkAppId: APP, command: "C2C.CallbackAfterMsgWithDraw", count: 1, lastReceivedAt: twentyMinutesAgo }]);
    o = await ok<Overview>(`/api/overview?sdkAppId=${APP}`);
    expect(o.callbacks.lastCallbackAt).toBe(iso(twentyMinutesAgo));
    expect(o.callbacks.silent).toBe(false);
    expect(o.callbacks.secondsSinceLastCallback).toBeGreaterThanOrEqual(20 * 60);

    const fortyMinutesAgo = new Date(Date.now() - 40 * 60_000);
    const OLD = "1400000010";
    await storeRecalls(db, [], [{ sdkAppId: OLD, command: "C2C.CallbackAfterMsgWithDraw", count: 1, lastReceivedAt: fortyMinutesAgo }]);
    o = await ok<Overview>(`/api/overview?sdkAppId=${OLD}`);
    expect(o.callbacks.silent).toBe(true);
  });

  it("answers 400 naming the parameter for a bad range", async () => {
    await expectInvalid("/api/overview?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z", "until");
    await expectInvalid("/api/overview?bucket=minute", "bucket");
  });
});
