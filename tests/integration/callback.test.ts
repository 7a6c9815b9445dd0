// The IM callback endpoint over real HTTP against the production build, on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { callbackUrl, eventually, post, RECALL, recallBody } from "../support/im";

const OK = { ActionStatus: "OK", ErrorInfo: "", ErrorCode: 0 };

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

async function rowsFor(msgKey: string) {
  return (await app.db()).recall.findMany({ where: { msgKey } });
}

describe("the seed's sample", () => {
  it("answers the documented request with exactly the documented response, and stores it", async () => {
    const url = `${app.url}/api/im/callback?SdkAppid=${TEST_APP_ID}&CallbackCommand=C2C.CallbackAfterMsgWithDraw&contenttype=json&ClientIP=127.0.0.1&OptPlatform=RESTAPI`;
    const body = `{
  "CallbackCommand": "C2C.CallbackAfterMsgWithDraw",
  "From_Account": "jared",
  "To_Account": "Jonh",
  "MsgKey": "48374_2837546_1557481126",
  "UnreadMsgNum": 7
}`;
    const before = Date.now();
    const res = await post(url, body);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}');
    expect(res.contentType).toMatch(/^application\/json/);

    const [row, ...rest] = await rowsFor("48374_2837546_1557481126");
    expect(rest).toHaveLength(0);
    expect(row).toMatchObject({
      sdkAppId: TEST_APP_ID,
      fromAccount: "jared",
      toAccount: "Jonh",
      unreadMsgNum: 7,
      eventTime: null,
      optPlatformRaw: "RESTAPI",
      optPlatform: "RESTAPI",
      clientIp: "127.0.0.1",
    });
    expect(row?.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(row?.receivedAt.getTime()).toBeLessThanOrEqual(Date.now() + 5);
  });
});

describe("request shape", () => {
  it("reads query parameter names case-insensitively", async () => {
    const body = recallBody();
    const url = `${app.url}/api/im/callback?SDKAPPID=${TEST_APP_ID}&callbackcommand=${RECALL}&ContentType=json&clientip=10.0.0.9&optplatform=IPad`;
    expect((await post(url, body)).json).toEqual(OK);
    const [row] = await rowsFor(String(body.MsgKey));
    expect(row).toMatchObject({ clientIp: "10.0.0.9", optPlatformRaw: "IPad", optPlatform: "iPad" });
  });

  it("takes the body as JSON whatever the Content-Type says, or with none", async () => {
    const a = recallBody();
    const b = recallBody();
    expect((await post(callbackUrl(app.url), a)).status).toBe(200); // no Content-Type at all
    expect((await post(callbackUrl(app.url), b, { "content-type": "text/html" })).status).toBe(200);
    expect(await rowsFor(String(a.MsgKey))).toHaveLength(1);
    expect(await rowsFor(String(b.MsgKey))).toHaveLength(1);
  });

  it("ignores unknown fields and accepts EventTime as a number or a numeric string", async () => {
    const a = recallBody({ EventTime: 1670574414123, Extra: { nested: true } });
    const b = recallBody({ EventTime: "1670574414124", UnreadMsgNum: undefined });
    expect((await post(callbackUrl(app.url), a)).json).toEqual(OK);
    expect((await post(callbackUrl(app.url), b)).json).toEqual(OK);
    expect((await rowsFor(String(a.MsgKey)))[0]?.eventTime?.getTime()).toBe(1670574414123);
    const [rowB] = await rowsFor(String(b.MsgKey));
    expect(rowB?.eventTime?.getTime()).toBe(1670574414124);
    expect(rowB?.unreadMsgNum).toBeNull();
  });

  it("stores a command without ClientIP or OptPlatform", async () => {
    const body = recallBody();
    const res = await post(`${app.url}/api/im/callback?SdkAppid=${TEST_APP_ID}&CallbackCommand=${RECALL}`, body);
    expect(res.json).toEqual(OK);
    expect((await rowsFor(String(body.MsgKey)))[0]).toMatchObject({ clientIp: null, optPlatform: null, optPlatformRaw: null });
  });

  it("keeps unknown OptPlatform values as sent", async () => {
    const body = recallBody();
    await post(callbackUrl(app.url, { optPlatform: "HarmonyOS" }), body);
    expect((await rowsFor(String(body.MsgKey)))[0]).toMatchObject({ optPlatformRaw: "HarmonyOS", optPlatform: "HarmonyOS" });
  });
});

describe("refusals answer Tencent's shape, store nothing", () => {
  const refused = async (url: string, body: string | Record<string, unknown>, status: number, info: RegExp) => {
    const res = await post(url, body);
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ ActionStatus: "FAIL", ErrorCode: 1 });
    expect(res.json?.ErrorInfo).toMatch(info);
  };

  it("refuses another app's SDKAppID with 403, and a missing one", async () => {
    const body = recallBody();
    await refused(callbackUrl(app.url, { sdkAppId: "1400009999" }), body, 403, /not this app's SDKAppID/);
    await refused(callbackUrl(app.url, { sdkAppId: null }), body, 403, /SdkAppid is missing/);
    expect(await rowsFor(String(body.MsgKey))).toHaveLength(0);
  });

  it("refuses a URL without CallbackCommand with 400", async () => {
    await refused(callbackUrl(app.url, { command: null }), recallBody(), 400, /CallbackCommand is missing/);
  });

  it("names the field and the problem for invalid bodies", async () => {
    const url = callbackUrl(app.url);
    await refused(url, "{not json", 400, /not valid JSON/);
    await refused(url, "", 400, /body is empty/);
    await refused(url, "[1,2]", 400, /must be a JSON object/);
    await refused(url, recallBody({ From_Account: undefined }), 400, /From_Account is required/);
    await refused(url, recallBody({ To_Account: 42 }), 400, /To_Account must be a string/);
    await refused(url, recallBody({ MsgKey: "" }), 400, /MsgKey must not be empty/);
    await refused(url, recallBody({ From_Account: "x".repeat(300) }), 400, /From_Account is longer than 256/);
    await refused(url, recallBody({ UnreadMsgNum: -1 }), 400, /UnreadMsgNum must not be negative/);
    await refused(url, recallBody({ UnreadMsgNum: 2.5 }), 400, /UnreadMsgNum must be a whole number/);
    await refused(url, recallBody({ UnreadMsgNum: "7" }), 400, /UnreadMsgNum must be a number/);
    await refused(url, recallBody({ EventTime: "yesterday" }), 400, /EventTime must be a whole number of milliseconds/);
    await refused(url, recallBody({ CallbackCommand: "C2C.CallbackAfterSendMsg" }), 400, /does not match the URL/);
    await refused(url, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("latin1"), 400, /.+/);
    const invalidUtf8 = await post(url, new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    expect(invalidUtf8).toMatchObject({ status: 400, json: { ActionStatus: "FAIL", ErrorCode: 1, ErrorInfo: "body is not valid UTF-8" } });
  });

  it("refuses a 10 MiB body with 413 and keeps serving", async () => {
    const huge = new Uint8Array(10 * 1024 * 1024).fill(0x20);
    const declared = await post(callbackUrl(app.url), huge);
    expect(declared.status).toBe(413);
    expect(declared.json).toMatchObject({ ActionStatus: "FAIL", ErrorCode: 1 });

    // Without a Content-Length (chunked), the limit is enforced while reading.
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 160) controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        else controller.close();
      },
    });
    const res = await fetch(callbackUrl(app.url), { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);

    expect((await post(callbackUrl(app.url), recallBody())).json).toEqual(OK);
  });

  it("answers 405 in Tencent's shape to GET", async () => {
    const res = await fetch(callbackUrl(app.url));
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ ActionStatus: "FAIL", ErrorCode: 1 });
  });
});

describe("other callback commands", () => {
  it("answers OK to every other command, even with a body it cannot parse, and only counts them", async () => {
    const db = await app.db();
    const recallsBefore = await db.recall.count();
    for (const command of ["C2C.CallbackBeforeSendMsg", "State.StateChange", "Push.OfflinePush", "Group.CallbackAfterNewMemberJoin"]) {
      const res = await post(`${app.url}/api/im/callback?SdkAppid=${TEST_APP_ID}&CallbackCommand=${command}`, "{this is not json");
      expect(res.status, command).toBe(200);
      expect(res.json, command).toEqual(OK);
    }
    expect(await db.recall.count()).toBe(recallsBefore);
    const counts = await eventually(
      () => db.callbackCount.findMany({ where: { command: "C2C.CallbackBeforeSendMsg" } }),
      (rows) => rows.length === 1,
    );
    expect(Number(counts[0]?.count)).toBe(1);
    expect(counts[0]?.sdkAppId).toBe(TEST_APP_ID);
  });
});

describe("duplicates and aggregates", () => {
  it("stores a redelivered recall once and counts it once", async () => {
    const body = recallBody({ From_Account: "dup-sender", To_Account: "dup-recipient", UnreadMsgNum: 4 });
    for (let i = 0; i < 3; i++) expect((await post(callbackUrl(app.url), body)).json).toEqual(OK);
    // Concurrent redeliveries too.
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => post(callbackUrl(app.url), body)));
    for (const r of concurrent) expect(r.json).toEqual(OK);

    expect(await rowsFor(String(body.MsgKey))).toHaveLength(1);
    const db = await app.db();
    const sender = await db.userStats.findUnique({ where: { sdkAppId_userId: { sdkAppId: TEST_APP_ID, userId: "dup-sender" } } });
    const recipient = await db.userStats.findUnique({ where: { sdkAppId_userId: { sdkAppId: TEST_APP_ID, userId: "dup-recipient" } } });
    expect(sender).toMatchObject({ recallsSent: 1, recallsReceived: 0, lastUnreadMsgNum: null });
    expect(recipient).toMatchObject({ recallsSent: 0, recallsReceived: 1, lastUnreadMsgNum: 4 });
  });

  it("treats the same MsgKey between other users as a different recall", async () => {
    const msgKey = "1_2_3";
    await post(callbackUrl(app.url), recallBody({ MsgKey: msgKey, From_Account: "k1", To_Account: "k2" }));
    await post(callbackUrl(app.url), recallBody({ MsgKey: msgKey, From_Account: "k2", To_Account: "k1" }));
    expect(await rowsFor(msgKey)).toHaveLength(2);
  });

  it("keeps per-user totals, latest unread count and hourly counts in step with the recalls", async () => {
    const send = (from: string, to: string, unread?: number) =>
      post(callbackUrl(app.url), recallBody({ From_Account: from, To_Account: to, UnreadMsgNum: unread }));
    // In order, so "latest" is well defined.
    expect((await send("agg-a", "agg-b", 5)).status).toBe(200);
    expect((await send("agg-a", "agg-b", 9)).status).toBe(200);
    expect((await send("agg-b", "agg-a", 2)).status).toBe(200);
    expect((await send("agg-c", "agg-b")).status).toBe(200); // no UnreadMsgNum: keeps 9

    const db = await app.db();
    const stats = await db.userStats.findMany({ where: { userId: { in: ["agg-a", "agg-b", "agg-c"] } }, orderBy: { userId: "asc" } });
    expect(stats.map((s) => [s.userId, s.recallsSent, s.recallsReceived, s.lastUnreadMsgNum])).toEqual([
      ["agg-a", 2, 1, 2],
      ["agg-b", 1, 3, 9],
      ["agg-c", 1, 0, null],
    ]);
    const recalls = await db.recall.findMany({ where: { OR: [{ fromAccount: "agg-b" }, { toAccount: "agg-b" }] } });
    const latest = Math.max(...recalls.map((r) => r.receivedAt.getTime()));
    expect(stats[1]?.lastRecallAt.getTime()).toBe(latest);

    const hourly = await db.userHourlyCount.findMany({ where: { userId: "agg-b" } });
    expect(hourly.reduce((n, h) => n + h.sent, 0)).toBe(1);
    expect(hourly.reduce((n, h) => n + h.received, 0)).toBe(3);
    for (const h of hourly) expect(h.hourStart.getTime() % 3_600_000).toBe(0);
  });

  it("under 200 concurrent callbacks, answers every one OK and stores every one with consistent totals", async () => {
    const bodies = Array.from({ length: 200 }, (_, i) =>
      recallBody({ From_Account: `burst-${i % 7}`, To_Account: `burst-r${i % 3}`, MsgKey: `burst_${i}`, UnreadMsgNum: i }),
    );
    const answers = await Promise.all(bodies.map((b, i) => post(callbackUrl(app.url, { optPlatform: i % 2 ? "Android" : "Web" }), b)));
    for (const a of answers) expect(a.json).toEqual(OK);

    const db = await app.db();
    expect(await db.recall.count({ where: { msgKey: { startsWith: "burst_" } } })).toBe(200);
    const stats = await db.userStats.findMany({ where: { userId: { startsWith: "burst-" } } });
    expect(stats.reduce((n, s) => n + s.recallsSent, 0)).toBe(200);
    expect(stats.reduce((n, s) => n + s.recallsReceived, 0)).toBe(200);
    const platforms = await db.recallHourlyCount.groupBy({
      by: ["optPlatform"],
      _sum: { recalls: true },
      where: { optPlatform: { in: ["Android", "Web"] } },
    });
    const byPlatform = Object.fromEntries(platforms.map((p) => [p.optPlatform, p._sum.recalls]));
    expect((byPlatform.Android ?? 0) + (byPlatform.Web ?? 0)).toBeGreaterThanOrEqual(200);
  });
});

describe("health and logs", () => {
  it("reports the database as up", async () => {
    const res = await fetch(`${app.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("logs each callback as one JSON line with command, app, outcome and duration", async () => {
    const body = recallBody({ From_Account: "log-user" });
    await post(callbackUrl(app.url), body);
    const lines = await eventually(
      async () =>
        app
          .logs()
          .split("\n")
          .filter((l) => l.startsWith("{") && l.includes('"im_callback"')),
      (l) => l.length > 0,
    );
    const entry = JSON.parse(lines.at(-1) ?? "{}");
    expect(entry).toMatchObject({ event: "im_callback", command: RECALL, app: TEST_APP_ID, status: 200 });
    expect(typeof entry.ms).toBe("number");
    expect(app.logs()).not.toContain("log-user"); // no personal data beyond IDs it needs
  });
});
