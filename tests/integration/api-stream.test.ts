// The live stream of new recalls over real HTTP: delivery, filters, resumption after a drop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecallItem } from "@/lib/recalls/list";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { callbackUrl, eventually, post, recallBody } from "../support/im";
import { type ApiErrorJson, appDb, getJson, newRecall, storeTestRecalls } from "../support/recalls";
import { openSse } from "../support/sse";

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

async function sendRecall(overrides: Record<string, unknown>) {
  const body = recallBody(overrides);
  const res = await post(callbackUrl(app.url, { optPlatform: "Android", clientIp: "198.51.100.4" }), body);
  expect(res.json?.ActionStatus).toBe("OK");
  return body;
}

const item = (data: string) => JSON.parse(data) as RecallItem;

describe("GET /api/recalls/stream", () => {
  it("sends a recall called back after connecting as an event whose id ends with the recall id", async () => {
    const sse = await openSse(`${app.url}/api/recalls/stream?from=stream-a`, await app.headersFor("viewer"));
    try {
      expect(sse.status).toBe(200);
      expect(sse.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const body = await sendRecall({ From_Account: "stream-a", To_Account: "stream-b", UnreadMsgNum: 12 });
      const [ev] = await sse.waitFor(1);
      expect(sse.text()).toMatch(/^retry: \d+\n\n/);
      const row = await (await appDb(app)).recall.findFirstOrThrow({ where: { msgKey: String(body.MsgKey) } });
      expect(ev?.event).toBe("recall");
      // SQLite: the recall id; PostgreSQL: `<commit_seq>-<id>` (lib/recalls/stream-cursor.ts).
      expect(ev?.id).toMatch(new RegExp(`^(\\d+-)?${row.id}$`));
      const streamed = item(ev?.data ?? "{}");
      // The same row, with the same time to recall and content flag, as the recall log lists it.
      const listed = await fetch(`${app.url}/api/recalls?from=stream-a`, { headers: await app.headersFor("viewer") });
      expect(((await listed.json()) as { items: RecallItem[] }).items[0]).toEqual(streamed);
      expect(streamed).toMatchObject({
        id: row.id,
        sdkAppId: TEST_APP_ID,
        fromAccount: "stream-a",
        toAccount: "stream-b",
        msgKey: body.MsgKey,
        unreadMsgNum: 12,
        eventTime: null,
        receivedAt: row.receivedAt.toISOString(),
        optPlatform: "Android",
        clientIp: "198.51.100.4",
      });
    } finally {
      sse.close();
    }
  });

  it("sends only recalls matching its filters, in id order", async () => {
    const sse = await openSse(`${app.url}/api/recalls/stream?user=stream-c&platform=android`, await app.headersFor("viewer"));
    try {
      await sendRecall({ From_Account: "someone", To_Account: "else" });
      const a = await sendRecall({ From_Account: "stream-c", To_Account: "x" });
      await sendRecall({ From_Account: "someone", To_Account: "else" });
      const b = await sendRecall({ From_Account: "y", To_Account: "stream-c" });
      const events = await sse.waitFor(2);
      expect(events.map((e) => item(e.data).msgKey)).toEqual([a.MsgKey, b.MsgKey]);
      expect(item(events[0]?.data ?? "{}").id).toBeLessThan(item(events[1]?.data ?? "{}").id);
    } finally {
      sse.close();
    }
  });

  it("finds recalls another instance committed (no in-process notice) by polling", async () => {
    const sse = await openSse(`${app.url}/api/recalls/stream?from=stream-other-instance`, await app.headersFor("viewer"));
    try {
      const [id] = await storeTestRecalls(await appDb(app), [newRecall({ fromAccount: "stream-other-instance" })]);
      const events = await sse.waitFor(1);
      expect(events.map((e) => item(e.data).id)).toEqual([id]);
    } finally {
      sse.close();
    }
  });

  it("resumes after Last-Event-ID with exactly the rows missed while disconnected", async () => {
    const first = await openSse(`${app.url}/api/recalls/stream?to=stream-d`, await app.headersFor("viewer"));
    await sendRecall({ From_Account: "p", To_Account: "stream-d" });
    const [seen] = await first.waitFor(1);
    first.close();

    const missed = [];
    for (let i = 0; i < 3; i++) missed.push(await sendRecall({ From_Account: `p${i}`, To_Account: "stream-d" }));
    await sendRecall({ From_Account: "p", To_Account: "not-stream-d" });

    for (const resume of [
      async (url: string) => openSse(url, { ...(await app.headersFor("viewer")), "last-event-id": seen?.id ?? "" }),
      async (url: string) => openSse(`${url}&lastEventId=${seen?.id}`, await app.headersFor("viewer")),
    ]) {
      const again = await resume(`${app.url}/api/recalls/stream?to=stream-d`);
      try {
        const events = await again.waitFor(3);
        // Anything extra would arrive with the first three; give it a moment to show up.
        await new Promise((r) => setTimeout(r, 1_500));
        expect(again.events.map((e) => item(e.data).msgKey)).toEqual(missed.map((m) => m.MsgKey));
        expect(new Set(events.map((e) => e.id)).size).toBe(3);
      } finally {
        again.close();
      }
    }
  });

  it("notices when clients disconnect, and keeps serving", async () => {
    const closedBefore = app.logs().split("recall_stream_closed").length;
    const viewer = await app.headersFor("viewer");
    const streams = await Promise.all([1, 2, 3].map(() => openSse(`${app.url}/api/recalls/stream`, viewer)));
    for (const s of streams) s.close();
    const logs = await eventually(
      async () => app.logs(),
      (text) => text.split("recall_stream_closed").length >= closedBefore + 3,
    );
    expect(logs.split("recall_stream_closed").length).toBeGreaterThanOrEqual(closedBefore + 3);
    const sse = await openSse(`${app.url}/api/recalls/stream?from=stream-after-close`, await app.headersFor("viewer"));
    try {
      await sendRecall({ From_Account: "stream-after-close" });
      expect(await sse.waitFor(1)).toHaveLength(1);
    } finally {
      sse.close();
    }
    expect(app.logs()).not.toContain("recall_stream_error");
  });

  it.each([
    [{ "last-event-id": "abc" }, "", "Last-Event-ID"],
    [{}, "lastEventId=-1", "lastEventId"],
    [{}, "since=soon", "since"],
  ])("answers 400 naming the parameter for %j %s", async (headers, query, parameter) => {
    const res = await getJson<ApiErrorJson>(`${app.url}/api/recalls/stream?${query}`, {
      headers: { ...(await app.headersFor("viewer")), ...headers },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_parameter", parameter });
  });
});

describe("shutting down with a dashboard open", () => {
  it("closes open streams so the server exits on SIGTERM instead of waiting for them", async () => {
    const own = await startApp();
    const conn = await openSse(`${own.url}/api/recalls/stream`, await own.headersFor("viewer"));
    expect(conn.status).toBe(200);
    await eventually(
      async () => conn.text(),
      (t) => t.includes("retry:"),
    );
    // stop() sends SIGTERM and waits for the process to exit: before streams were closed on
    // shutdown, it waited for as long as the client stayed connected.
    await own.stop();
    conn.close();
    expect(own.logs()).toContain("recall_stream_closed");
  });
});
