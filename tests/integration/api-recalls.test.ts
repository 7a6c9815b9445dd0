// The recall log's JSON API over real HTTP against the production build, on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecallDetail, RecallItem, RecallPage } from "@/lib/recalls/list";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { type ApiErrorJson, appDb, getJson, newRecall, storeTestRecalls } from "../support/recalls";

const OTHER_APP = "1400000002";
const T0 = Date.parse("2026-01-10T00:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

// Distinct senders, recipients, platforms, IPs, apps and times; two rows share a time (ties are
// broken by id) and two share a MsgKey (MsgKey alone is not unique).
const FIXTURE: NewRecall[] = [
  newRecall({ fromAccount: "alice", toAccount: "bob", receivedAt: at(0), unreadMsgNum: 3, clientIp: "10.0.0.1", msgKey: "shared_key_1" }),
  newRecall({
    fromAccount: "bob",
    toAccount: "alice",
    receivedAt: at(10),
    unreadMsgNum: 5,
    optPlatformRaw: "Android",
    optPlatform: "Android",
    clientIp: "10.0.0.2",
  }),
  newRecall({
    fromAccount: "carol",
    toAccount: "alice",
    receivedAt: at(20),
    unreadMsgNum: null,
    optPlatformRaw: "Web",
    optPlatform: "Web",
    clientIp: "10.0.0.3",
  }),
  newRecall({
    sdkAppId: OTHER_APP,
    fromAccount: "alice",
    toAccount: "carol",
    receivedAt: at(30),
    optPlatformRaw: null,
    optPlatform: null,
    clientIp: null,
  }),
  newRecall({
    fromAccount: "dave",
    toAccount: "张三",
    receivedAt: at(40),
    eventTime: new Date(T0 + 40 * 60_000 - 1234),
    optPlatformRaw: "Mac",
    optPlatform: "macOS",
    clientIp: "10.0.0.1",
    msgKey: "shared_key_1",
  }),
  newRecall({ fromAccount: "张三", toAccount: "dave", receivedAt: at(50), unreadMsgNum: 0 }),
  newRecall({ fromAccount: "bob", toAccount: "carol", receivedAt: at(60), unreadMsgNum: 7 }),
  newRecall({ fromAccount: "carol", toAccount: "bob", receivedAt: at(60), unreadMsgNum: 8 }),
  newRecall({
    fromAccount: "alice",
    toAccount: "dave",
    receivedAt: at(70),
    unreadMsgNum: 2,
    optPlatformRaw: "Android",
    optPlatform: "Android",
  }),
];

let app: TestApp;
let stored: (NewRecall & { id: number })[];

beforeAll(async () => {
  app = await startApp();
  const ids = await storeTestRecalls(await appDb(app), FIXTURE);
  stored = FIXTURE.map((r, i) => ({ ...r, id: ids[i] ?? 0 }));
});
afterAll(async () => {
  await app?.stop();
});

const newestFirst = (rows: typeof stored) =>
  [...rows].sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || b.id - a.id).map((r) => r.id);

async function list(query: string) {
  const res = await getJson<RecallPage>(`${app.url}/api/recalls?${query}`, { headers: await app.headersFor("viewer") });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function listIds(query: string) {
  return (await list(query)).items.map((i) => i.id);
}

async function expectInvalid(path: string, parameter: string) {
  const res = await getJson<ApiErrorJson>(`${app.url}${path}`, { headers: await app.headersFor("viewer") });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe("invalid_parameter");
  expect(res.body.error.parameter).toBe(parameter);
  expect(res.body.error.message).toContain(parameter);
}

describe("GET /api/recalls", () => {
  it("lists recalls newest first (ties by id) with every field, times as ISO 8601 UTC", async () => {
    const page = await list("");
    expect(page.items.map((i) => i.id)).toEqual(newestFirst(stored));
    expect(page.nextCursor).toBeNull();
    const dave = page.items.find((i) => i.fromAccount === "dave") as RecallItem;
    expect(dave).toEqual({
      id: stored[4]?.id,
      sdkAppId: TEST_APP_ID,
      fromAccount: "dave",
      toAccount: "张三",
      msgKey: "shared_key_1",
      unreadMsgNum: 1,
      eventTime: new Date(T0 + 40 * 60_000 - 1234).toISOString(),
      receivedAt: "2026-01-10T00:40:00.000Z",
      optPlatform: "macOS",
      clientIp: "10.0.0.1",
      // No send callback for it, and a MsgKey without a time: unknown.
      timeToRecall: null,
      contentCaptured: false,
    });
    const noPlatform = page.items.find((i) => i.sdkAppId === OTHER_APP);
    expect(noPlatform).toMatchObject({ optPlatform: null, clientIp: null, eventTime: null });
  });

  it.each([
    ["user=alice", (r: NewRecall) => r.fromAccount === "alice" || r.toAccount === "alice"],
    ["from=alice", (r: NewRecall) => r.fromAccount === "alice"],
    ["to=alice", (r: NewRecall) => r.toAccount === "alice"],
    [`user=${encodeURIComponent("张三")}`, (r: NewRecall) => r.fromAccount === "张三" || r.toAccount === "张三"],
    ["platform=Android", (r: NewRecall) => r.optPlatform === "Android"],
    ["platform=mac", (r: NewRecall) => r.optPlatform === "macOS"],
    ["platform=IOS", (r: NewRecall) => r.optPlatform === "iOS"],
    ["ip=10.0.0.1", (r: NewRecall) => r.clientIp === "10.0.0.1"],
    ["msgKey=shared_key_1", (r: NewRecall) => r.msgKey === "shared_key_1"],
    [`sdkAppId=${OTHER_APP}`, (r: NewRecall) => r.sdkAppId === OTHER_APP],
    ["kind=user", (r: NewRecall) => r.optPlatform !== "RESTAPI"],
    ["kind=admin", (r: NewRecall) => r.optPlatform === "RESTAPI"],
    ["since=2026-01-10T00:40:00Z", (r: NewRecall) => r.receivedAt >= at(40)],
    ["until=2026-01-10T00:40:00Z", (r: NewRecall) => r.receivedAt < at(40)],
    [
      "since=2026-01-10T08:10:00%2B08:00&until=2026-01-10T00:60:00Z".replace("00:60", "01:00"),
      (r: NewRecall) => r.receivedAt >= at(10) && r.receivedAt < at(60),
    ],
    ["from=alice&platform=Android", (r: NewRecall) => r.fromAccount === "alice" && r.optPlatform === "Android"],
    ["user=alice&from=bob", (r: NewRecall) => r.fromAccount === "bob" && r.toAccount === "alice"],
    ["user=bob&to=carol", (r: NewRecall) => r.toAccount === "carol" && r.fromAccount === "bob"],
    ["from=nobody", () => false],
  ])("filters by %s", async (query, match) => {
    const expected = newestFirst(stored.filter(match));
    expect(await listIds(query)).toEqual(expected);
  });

  it("ignores unknown and empty parameters", async () => {
    expect(await listIds("colour=blue&from=&platform=")).toEqual(newestFirst(stored));
  });

  it("pages with limit and cursor through every row exactly once, also for either-side user", async () => {
    for (const [query, match] of [
      ["", () => true],
      ["user=alice", (r: NewRecall) => r.fromAccount === "alice" || r.toAccount === "alice"],
      ["user=bob", (r: NewRecall) => r.fromAccount === "bob" || r.toAccount === "bob"],
    ] as const) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: RecallPage = await list(`${query}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(seen).toEqual(newestFirst(stored.filter(match)));
    }
  });

  it.each([
    ["since=yesterday", "since"],
    ["since=2026-02-30T00:00:00Z", "since"],
    ["until=2026-01-10T25:00:00Z", "until"],
    ["since=2026-01-11T00:00:00Z&until=2026-01-10T00:00:00Z", "until"],
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["limit=ten", "limit"],
    ["cursor=not-a-cursor!", "cursor"],
    [`cursor=${Buffer.from('{"x":1}').toString("base64url")}`, "cursor"],
    ["sdkAppId=abc", "sdkAppId"],
    ["from=alice&from=bob", "from"],
    [`user=${"x".repeat(300)}`, "user"],
  ])("answers 400 naming the parameter for %s", async (query, parameter) => {
    await expectInvalid(`/api/recalls?${query}`, parameter);
  });

  it("accepts limit up to 500 and defaults to 50", async () => {
    expect((await list("limit=500")).items).toHaveLength(stored.length);
  });
});

describe("cursor stability", () => {
  it("returns the same next page when newer rows arrive between pages", async () => {
    const APP = "1400000003";
    const db = await appDb(app);
    const now = Date.now();
    const first = Array.from({ length: 6 }, (_, i) => newRecall({ sdkAppId: APP, receivedAt: new Date(now - (10 - i) * 1000) }));
    await storeTestRecalls(db, first);
    const page1 = await list(`sdkAppId=${APP}&limit=3`);
    const expectedPage2 = (await list(`sdkAppId=${APP}&limit=6`)).items.slice(3);
    expect(page1.nextCursor).not.toBeNull();

    // Newer rows, and rows with the same time as the page's last row but a higher id.
    const lastTime = new Date(page1.items[2]?.receivedAt ?? 0);
    await storeTestRecalls(db, [
      newRecall({ sdkAppId: APP, receivedAt: new Date(now) }),
      newRecall({ sdkAppId: APP, receivedAt: new Date(now + 1) }),
      newRecall({ sdkAppId: APP, receivedAt: lastTime }),
    ]);
    const page2 = await list(`sdkAppId=${APP}&limit=3&cursor=${page1.nextCursor}`);
    expect(page2.items).toEqual(expectedPage2);
    expect(page2.nextCursor).toBeNull();
  });
});

describe("GET /api/recalls/{id}", () => {
  it("returns one recall with its raw platform", async () => {
    const dave = stored[4];
    const res = await getJson<RecallDetail>(`${app.url}/api/recalls/${dave?.id}`, { headers: await app.headersFor("viewer") });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: dave?.id, fromAccount: "dave", toAccount: "张三", optPlatform: "macOS", optPlatformRaw: "Mac" });
  });

  it("answers 404 in the error envelope for an id that does not exist", async () => {
    const res = await getJson<ApiErrorJson>(`${app.url}/api/recalls/999999999`, { headers: await app.headersFor("viewer") });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
    expect(res.body.error.message).toContain("999999999");
  });

  it("answers 400 naming id for an id that is not a number", async () => {
    await expectInvalid("/api/recalls/abc", "id");
  });
});
