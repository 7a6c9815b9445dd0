// Sent-message counts, content capture, reveal and retention (issue 11) over real HTTP, on a real
// database, against the production build.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteExpiredMessages } from "@/lib/messages/retention";
import type { UserPage } from "@/lib/users/list";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { createTestDatabase } from "../support/databases";
import { callbackUrl, post, recallBody } from "../support/im";
import { getJson } from "../support/recalls";

const SEND = "C2C.CallbackAfterSendMsg";
const KEY = randomBytes(32).toString("base64");
const OK = { ActionStatus: "OK", ErrorInfo: "", ErrorCode: 0 };

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { IM_CAPTURE_MESSAGES: "1", MESSAGE_CONTENT_KEY: KEY } });
});
afterAll(async () => {
  await app?.stop();
});

let seq = 0;
/** A send callback body as IM documents it; MsgKey is `<seq>_<random>_<seconds>`. */
function sendBody(from: string, to: string, text: string, sentAt = new Date()) {
  seq += 1;
  const random = Math.floor(Math.random() * 1e9);
  const seconds = Math.floor(sentAt.getTime() / 1000);
  return {
    CallbackCommand: SEND,
    From_Account: from,
    To_Account: to,
    MsgSeq: seq,
    MsgRandom: random,
    MsgTime: seconds,
    MsgKey: `${seq}_${random}_${seconds}`,
    OnlineOnlyFlag: 0,
    SendMsgResult: 0,
    ErrorInfo: "send msg succeed",
    UnreadMsgNum: 1,
    MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: text } }],
  };
}

const sendUrl = () => callbackUrl(app.url, { command: SEND });

async function messageCounts(userId: string) {
  const db = await app.db();
  const rows = await db.userMessageHour.findMany({ where: { sdkAppId: TEST_APP_ID, userId } });
  return { sent: rows.reduce((n, r) => n + r.sent, 0), received: rows.reduce((n, r) => n + r.received, 0) };
}

async function recallIdFor(msgKey: string): Promise<number> {
  const row = await (await app.db()).recall.findFirstOrThrow({ where: { msgKey } });
  return row.id;
}

describe("message counts", () => {
  it("counts a message once for its sender and recipient however often IM delivers it", async () => {
    const body = sendBody("count-a", "count-b", "hello");
    const answers = await Promise.all([post(sendUrl(), body), post(sendUrl(), body)]);
    answers.push(await post(sendUrl(), body));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.json).toEqual(OK);
    }
    expect(await messageCounts("count-a")).toEqual({ sent: 1, received: 0 });
    expect(await messageCounts("count-b")).toEqual({ sent: 0, received: 1 });
  });

  it("answers before-send callbacks OK at once and stores nothing of them", async () => {
    const before = { ...sendBody("before-a", "before-b", "not stored"), CallbackCommand: "C2C.CallbackBeforeSendMsg" };
    const res = await post(callbackUrl(app.url, { command: "C2C.CallbackBeforeSendMsg" }), before);
    expect(res.json).toEqual(OK);
    expect(await messageCounts("before-a")).toEqual({ sent: 0, received: 0 });
    expect(await (await app.db()).message.count({ where: { msgKey: before.MsgKey } })).toBe(0);
  });

  it("refuses a send callback without From_Account with a 400 naming it, and counts nothing", async () => {
    const { From_Account: _, ...body } = sendBody("x", "bad-b", "x");
    const res = await post(sendUrl(), body);
    expect(res.status).toBe(400);
    expect(res.json?.ErrorInfo).toContain("From_Account is required");
    expect(await messageCounts("bad-b")).toEqual({ sent: 0, received: 0 });
  });

  it("shows each user's recall rate (recalls sent / messages sent) on /api/users, sortable", async () => {
    const bodies = Array.from({ length: 4 }, (_, i) => sendBody("rate-a", "rate-b", `m${i}`));
    for (const b of bodies) await post(sendUrl(), b);
    for (let i = 0; i < 2; i++) await post(sendUrl(), sendBody("rate-c", "rate-b", `c${i}`));
    await post(callbackUrl(app.url), recallBody({ From_Account: "rate-a", To_Account: "rate-b", MsgKey: bodies[0]?.MsgKey }));
    await post(callbackUrl(app.url), recallBody({ From_Account: "rate-c", To_Account: "rate-b" }));
    const { body } = await getJson<UserPage>(`${app.url}/api/users?q=rate-&sort=recallRate&order=desc`, {
      headers: await app.headersFor("viewer"),
    });
    expect(body.items.map((u) => [u.userId, u.recallRate, u.messagesSent])).toEqual([
      ["rate-c", 0.5, 2],
      ["rate-a", 0.25, 4],
      ["rate-b", null, 0],
    ]);
  });
});

describe("content capture", () => {
  const auditor = () => app.headersFor("auditor");

  it("joins a recall to its message whether the send arrives before or after the recall, and shows it to auditors", async () => {
    const early = sendBody("join-a", "join-b", "早到的消息 sent first");
    await post(sendUrl(), early);
    await post(callbackUrl(app.url), recallBody({ From_Account: "join-a", To_Account: "join-b", MsgKey: early.MsgKey }));

    const late = sendBody("join-a", "join-b", "late message 🙂");
    await post(callbackUrl(app.url), recallBody({ From_Account: "join-a", To_Account: "join-b", MsgKey: late.MsgKey }));
    await post(sendUrl(), late);

    for (const [body, text] of [
      [early, "早到的消息 sent first"],
      [late, "late message 🙂"],
    ] as const) {
      const id = await recallIdFor(body.MsgKey);
      const res = await getJson<{ message: { contentCaptured: boolean; content: { MsgBody: unknown[] } } }>(
        `${app.url}/api/recalls/${id}?include=content`,
        { headers: await auditor() },
      );
      expect(res.status).toBe(200);
      expect(res.body.message.contentCaptured).toBe(true);
      expect(res.body.message.content.MsgBody).toEqual([{ MsgType: "TIMTextElem", MsgContent: { Text: text } }]);
    }
  });

  it("records every reveal in the access log: who, which recall", async () => {
    const body = sendBody("log-a", "log-b", "logged reveal");
    await post(sendUrl(), body);
    await post(callbackUrl(app.url), recallBody({ From_Account: "log-a", To_Account: "log-b", MsgKey: body.MsgKey }));
    const id = await recallIdFor(body.MsgKey);
    const headers = await auditor();
    await getJson(`${app.url}/api/recalls/${id}?include=content`, { headers });
    await getJson(`${app.url}/api/recalls/${id}?include=content`, { headers });
    const entries = await (await app.db()).accessLog.findMany({ where: { action: "message_content_revealed", target: String(id) } });
    expect(entries).toHaveLength(2);
    for (const e of entries) expect(e.actorEmail).toMatch(/auditor/);
  });

  it("gives viewers no content from any API, only that content exists", async () => {
    const body = sendBody("view-a", "view-b", "secret for viewers");
    await post(sendUrl(), body);
    await post(callbackUrl(app.url), recallBody({ From_Account: "view-a", To_Account: "view-b", MsgKey: body.MsgKey }));
    const id = await recallIdFor(body.MsgKey);
    const headers = await app.headersFor("viewer");
    const refused = await getJson<{ error: { code: string } }>(`${app.url}/api/recalls/${id}?include=content`, { headers });
    expect(refused.status).toBe(403);
    for (const path of [`/api/recalls/${id}`, "/api/recalls?from=view-a", "/api/users?q=view-"]) {
      const res = await fetch(`${app.url}${path}`, { headers });
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).not.toContain("secret for viewers");
    }
    const detail = await getJson<{ message: { contentCaptured: boolean } }>(`${app.url}/api/recalls/${id}`, { headers });
    expect(detail.body.message.contentCaptured).toBe(true);
    expect(await (await app.db()).accessLog.count({ where: { action: "message_content_revealed", target: String(id) } })).toBe(0);
  });

  it("keeps only ciphertext in the database", async () => {
    const text = `plaintext-canary-${randomBytes(6).toString("hex")}`;
    await post(sendUrl(), sendBody("cipher-a", "cipher-b", text));
    const db = await app.db();
    const row = await db.message.findFirstOrThrow({ where: { fromAccount: "cipher-a" } });
    expect(row.content).not.toBeNull();
    expect(Buffer.from(row.content ?? []).includes(text)).toBe(false);
    if (app.database.dialect === "sqlite") {
      const file = app.database.file;
      for (const f of [file, `${file}-wal`]) if (existsSync(f)) expect(readFileSync(f).includes(text), f).toBe(false);
      // The canary is findable where it is not encrypted: the check above would see it.
      expect(readFileSync(existsSync(`${file}-wal`) ? `${file}-wal` : file).includes("cipher-a")).toBe(true);
    }
  });

  it("deletes unrecalled messages after the retention window and keeps recalled ones", async () => {
    const kept = sendBody("ret-a", "ret-b", "recalled, kept");
    const gone = sendBody("ret-a", "ret-b", "never recalled");
    await post(sendUrl(), kept);
    await post(sendUrl(), gone);
    await post(callbackUrl(app.url), recallBody({ From_Account: "ret-a", To_Account: "ret-b", MsgKey: kept.MsgKey }));
    const db = await app.db();
    // 72 hours and a minute from now, every message of this test has expired.
    await deleteExpiredMessages(db, 72, new Date(Date.now() + 72 * 3_600_000 + 60_000));
    expect(await db.message.count({ where: { msgKey: gone.MsgKey } })).toBe(0);
    expect(await db.message.count({ where: { msgKey: kept.MsgKey } })).toBe(1);
    const id = await recallIdFor(kept.MsgKey);
    const res = await getJson<{ message: { content: { MsgBody: { MsgContent: { Text: string } }[] } } }>(
      `${app.url}/api/recalls/${id}?include=content`,
      { headers: await auditor() },
    );
    expect(res.body.message.content.MsgBody[0]?.MsgContent.Text).toBe("recalled, kept");
    // Counts are not retention's business.
    expect((await messageCounts("ret-a")).sent).toBe(2);
  });
});

describe("time to recall", () => {
  it("uses the captured MsgTime, and estimates from the MsgKey when no send was captured", async () => {
    const sentAt = new Date(Date.now() - 42_000);
    const captured = sendBody("ttr-a", "ttr-b", "timed", sentAt);
    await post(sendUrl(), captured);
    const eventTime = Date.now();
    await post(
      callbackUrl(app.url),
      recallBody({ From_Account: "ttr-a", To_Account: "ttr-b", MsgKey: captured.MsgKey, EventTime: eventTime }),
    );
    const keySeconds = Math.floor(Date.now() / 1000) - 90;
    const estimatedKey = `777_12345_${keySeconds}`;
    await post(
      callbackUrl(app.url),
      recallBody({ From_Account: "ttr-a", To_Account: "ttr-b", MsgKey: estimatedKey, EventTime: eventTime }),
    );
    const headers = await app.headersFor("viewer");
    type Detail = { message: { sendTime: { sentAt: string; estimated: boolean; timeToRecallMs: number } | null } };
    const a = await getJson<Detail>(`${app.url}/api/recalls/${await recallIdFor(captured.MsgKey)}`, { headers });
    expect(a.body.message.sendTime).toEqual({
      sentAt: new Date(Math.floor(sentAt.getTime() / 1000) * 1000).toISOString(),
      estimated: false,
      timeToRecallMs: eventTime - Math.floor(sentAt.getTime() / 1000) * 1000,
    });
    const b = await getJson<Detail>(`${app.url}/api/recalls/${await recallIdFor(estimatedKey)}`, { headers });
    expect(b.body.message.sendTime).toEqual({
      sentAt: new Date(keySeconds * 1000).toISOString(),
      estimated: true,
      timeToRecallMs: eventTime - keySeconds * 1000,
    });
  });
});

it("refuses to start with capture on and no MESSAGE_CONTENT_KEY, saying how to make one", async () => {
  const database = await createTestDatabase();
  try {
    await expect(startApp({ database, env: { IM_CAPTURE_MESSAGES: "1" } })).rejects.toThrow(
      /MESSAGE_CONTENT_KEY: required when IM_CAPTURE_MESSAGES=1.*openssl rand -base64 32/,
    );
  } finally {
    await database.drop();
  }
});

describe("time to recall on the log, the user page and the overview", () => {
  it("gives each GET /api/recalls item its time to recall (captured, estimated or unknown) and whether content exists", async () => {
    const sentAt = new Date(Date.now() - 20_000);
    const captured = sendBody("ttl-a", "ttl-b", "listed", sentAt);
    await post(sendUrl(), captured);
    const eventTime = Date.now();
    const keySeconds = Math.floor(eventTime / 1000) - 300;
    const estimatedKey = `778_54321_${keySeconds}`;
    for (const MsgKey of [captured.MsgKey, estimatedKey, "opaque-key-without-time"])
      await post(callbackUrl(app.url), recallBody({ From_Account: "ttl-a", To_Account: "ttl-b", MsgKey, EventTime: eventTime }));
    type Item = { msgKey: string; contentCaptured: boolean; timeToRecall: { estimated: boolean; timeToRecallMs: number } | null };
    const { body } = await getJson<{ items: Item[] }>(`${app.url}/api/recalls?from=ttl-a`, { headers: await app.headersFor("viewer") });
    const by = (key: string) => body.items.find((i) => i.msgKey === key);
    expect(by(captured.MsgKey)).toMatchObject({
      contentCaptured: true,
      timeToRecall: { estimated: false, timeToRecallMs: eventTime - captured.MsgTime * 1000 },
    });
    expect(by(estimatedKey)).toMatchObject({
      contentCaptured: false,
      timeToRecall: { estimated: true, timeToRecallMs: eventTime - keySeconds * 1000 },
    });
    expect(by("opaque-key-without-time")).toMatchObject({ contentCaptured: false, timeToRecall: null });
  });

  it("puts each recall in its histogram bucket on the overview and gives a user's median on the trend API", async () => {
    const now = Date.now();
    // 5 s, 20 s, 60 s, 5 min and 20 min before the recall; the last two by MsgKey only (estimated).
    const agesSeconds = [5, 20, 60];
    for (const age of agesSeconds) {
      const body = sendBody("hist-a", "hist-b", `age ${age}`, new Date(now - age * 1000));
      await post(sendUrl(), body);
      await post(callbackUrl(app.url), recallBody({ From_Account: "hist-a", To_Account: "hist-b", MsgKey: body.MsgKey, EventTime: now }));
    }
    for (const age of [300, 1200]) {
      const key = `9${age}_1_${Math.floor(now / 1000) - age}`;
      await post(
        callbackUrl(app.url, { optPlatform: "RESTAPI" }),
        recallBody({ From_Account: "hist-a", To_Account: "hist-b", MsgKey: key, EventTime: now }),
      );
    }
    const headers = await app.headersFor("viewer");
    type Stats = { known: number; estimated: number; medianMs: number; buckets: { bucket: string; recalls: number; estimated: number }[] };
    const trend = await getJson<{ timeToRecall: Stats }>(`${app.url}/api/users/hist-a/trend`, { headers });
    expect(trend.status).toBe(200);
    expect(trend.body.timeToRecall).toMatchObject({ known: 5, estimated: 2 });
    // Sorted: 5, 20, 60, 300, 1200 s (captured times are whole seconds of MsgTime).
    expect(trend.body.timeToRecall.medianMs).toBeGreaterThanOrEqual(60_000);
    expect(trend.body.timeToRecall.medianMs).toBeLessThan(61_000);
    expect(trend.body.timeToRecall.buckets).toEqual([
      { bucket: "under10s", recalls: 1, estimated: 0 },
      { bucket: "10to30s", recalls: 1, estimated: 0 },
      { bucket: "30sTo2min", recalls: 1, estimated: 0 },
      { bucket: "2to10min", recalls: 1, estimated: 1 },
      { bucket: "over10min", recalls: 1, estimated: 1 },
    ]);
    const overview = await getJson<{ timeToRecall: Stats; recallKinds: { admin: number; user: number }; totalRecalls: number }>(
      `${app.url}/api/overview`,
      { headers },
    );
    expect(overview.status).toBe(200);
    const bucket = (name: string) => overview.body.timeToRecall.buckets.find((b) => b.bucket === name)?.recalls ?? 0;
    expect(bucket("over10min")).toBeGreaterThanOrEqual(1);
    expect(bucket("under10s")).toBeGreaterThanOrEqual(1);
    expect(overview.body.recallKinds.admin).toBeGreaterThanOrEqual(2);
    expect(overview.body.recallKinds.admin + overview.body.recallKinds.user).toBe(overview.body.totalRecalls);
    const admin = await getJson<{ items: { optPlatform: string }[] }>(`${app.url}/api/recalls?from=hist-a&kind=admin`, { headers });
    expect(admin.body.items.map((i) => i.optPlatform)).toEqual(["RESTAPI", "RESTAPI"]);
  });
});

describe("CSV export with include=content", () => {
  it("adds content_text for auditors, refuses viewers, and records it in the export log and the access log", async () => {
    const text = sendBody("csv-a", "csv-b", "第一条 first text");
    const first = { ...text, MsgBody: [...text.MsgBody, { MsgType: "TIMFaceElem", MsgContent: { Index: 2, Data: "" } }] };
    await post(sendUrl(), first);
    await post(callbackUrl(app.url), recallBody({ From_Account: "csv-a", To_Account: "csv-b", MsgKey: first.MsgKey }));
    await post(callbackUrl(app.url), recallBody({ From_Account: "csv-a", To_Account: "csv-b", MsgKey: "no-message-for-this" }));

    const viewer = await fetch(`${app.url}/api/recalls/export?from=csv-a&include=content`, { headers: await app.headersFor("viewer") });
    expect(viewer.status).toBe(403);

    const plain = await fetch(`${app.url}/api/recalls/export?from=csv-a`, { headers: await auditorHeaders() });
    const plainText = await plain.text();
    expect(plainText.split("\r\n")[0]).toBe(
      "received_at,event_time,sdk_app_id,from_account,to_account,msg_key,unread_msg_num,opt_platform,client_ip",
    );
    expect(plainText).not.toContain("first text");

    const res = await fetch(`${app.url}/api/recalls/export?from=csv-a&include=content`, { headers: await auditorHeaders() });
    expect(res.status).toBe(200);
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]).toBe(
      "received_at,event_time,sdk_app_id,from_account,to_account,msg_key,unread_msg_num,opt_platform,client_ip,content_text",
    );
    // Every other cell as in the default export, then the content.
    expect(lines[1]).toBe(`${plainText.split("\r\n")[1]},第一条 first text [face #2]`);
    expect(lines[2]).toBe(`${plainText.split("\r\n")[2]},`);

    const exportId = res.headers.get("x-export-id") ?? "";
    const db = await app.db();
    const logged = await db.exportLog.findMany({ where: { exportId } });
    expect(logged.map((e) => JSON.parse(e.filters))).toContainEqual({ from: "csv-a", include: "content" });
    const access = await db.accessLog.findFirstOrThrow({ where: { action: "csv_export", exportId } });
    expect(JSON.parse(access.detail ?? "{}")).toEqual({ filters: { from: "csv-a" }, include: "content" });
  });
});

const auditorHeaders = () => app.headersFor("auditor");
