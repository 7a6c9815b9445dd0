// The live stream with several writers on one PostgreSQL database: rows that commit out of id
// order are neither missed nor repeated across a reconnect, and a recall received by one instance
// reaches a browser's stream on another through LISTEN/NOTIFY.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecallItem } from "@/lib/recalls/list";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { callbackUrl, eventually, post, recallBody } from "../support/im";
import { getJson } from "../support/recalls";
import { openSse, type SseEvent } from "../support/sse";

const msgKeys = (events: SseEvent[]) => events.map((e) => (JSON.parse(e.data) as RecallItem).msgKey);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function receive(app: TestApp, overrides: Record<string, unknown>): Promise<string> {
  const body = recallBody(overrides);
  const res = await post(callbackUrl(app.url), body);
  expect(res.json?.ActionStatus).toBe("OK");
  return String(body.MsgKey);
}

describe("resuming with several writers", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("a stream reconnecting with Last-Event-ID gets the row that committed late, and nothing twice", async () => {
    const viewer = await app.headersFor("viewer");
    const url = `${app.url}/api/recalls/stream?to=late-commit`;
    const first = await openSse(url, viewer);
    const writer = new pg.Client({ connectionString: app.database.url });
    await writer.connect();
    try {
      const firstKey = await receive(app, { To_Account: "late-commit", MsgKey: "first" });
      await first.waitFor(1);

      // A second writer (another instance) inserts first, so it holds the lower id, and commits last.
      await writer.query("BEGIN");
      const late = await writer.query<{ id: number }>(
        "INSERT INTO recalls (sdk_app_id, from_account, to_account, msg_key, received_at) VALUES ($1, 'w2', 'late-commit', 'late', now()) RETURNING id",
        [TEST_APP_ID],
      );
      const earlyKey = await receive(app, { To_Account: "late-commit", MsgKey: "early" });
      const listed = await getJson<{ items: RecallItem[] }>(`${app.url}/api/recalls?to=late-commit`, { headers: viewer });
      expect(listed.body.items.map((r) => r.msgKey)).toEqual([earlyKey, firstKey]);
      expect(listed.body.items[0]?.id).toBeGreaterThan(late.rows[0]?.id ?? Number.MAX_SAFE_INTEGER);
      // Long enough for the stream to have sent "early" if it were going to (a poll and more).
      await pause(1_500);
      first.close();
      await writer.query("COMMIT");

      const lastSeen = first.events.at(-1)?.id ?? "";
      const again = await openSse(url, { ...viewer, "last-event-id": lastSeen });
      try {
        await again.waitFor(3 - first.events.length);
        // Anything extra would arrive with the rest; give it a moment to show up.
        await pause(1_500);
        const all = [...msgKeys(first.events), ...msgKeys(again.events)];
        expect([...all].sort()).toEqual(["early", "first", "late"]);
      } finally {
        again.close();
      }
    } finally {
      first.close();
      await writer.end();
    }
  });

  it("answers 400 for an event id this stream never sends", async () => {
    const res = await getJson<{ error: { parameter?: string } }>(`${app.url}/api/recalls/stream`, {
      headers: { ...(await app.headersFor("viewer")), "last-event-id": "12-x" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.parameter).toBe("Last-Event-ID");
  });
});

describe("two instances on one database", () => {
  let shared: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    shared = await createTestDatabase("postgresql");
    // The apps must not drop the database the other still uses: it is dropped once, at the end.
    const borrowed = { database: shared.database, drop: async () => {} };
    // A's streams never poll within the test: only a notification can bring B's recalls to them.
    [a, b] = await Promise.all([startApp({ database: borrowed, env: { STREAM_POLL_MS: "600000" } }), startApp({ database: borrowed })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await shared?.drop();
  });

  it("a stream on A sends the recall that B received", async () => {
    const sse = await openSse(`${a.url}/api/recalls/stream?from=across`, await a.headersFor("viewer"));
    try {
      expect(sse.status).toBe(200);
      await eventually(
        async () => a.logs(),
        (logs) => logs.includes("recall_listener_ready"),
      );
      const key = await receive(b, { From_Account: "across" });
      await sse.waitFor(1);
      expect(msgKeys(sse.events)).toEqual([key]);
    } finally {
      sse.close();
    }
  });

  it("after its listening connection is cut, A listens again and still gets B's recall, even one held back by another transaction", async () => {
    const sse = await openSse(`${a.url}/api/recalls/stream?from=after-cut`, await a.headersFor("viewer"));
    const admin = new pg.Client({ connectionString: shared.database.url });
    // Another transaction that stays open across the gap holds the horizon back, as a bulk load in
    // any database of the cluster does: when A listens again, what B committed meanwhile is not yet
    // readable, and A's streams (which never poll here) must look again once it is.
    const holder = new pg.Client({ connectionString: shared.database.url });
    await Promise.all([admin.connect(), holder.connect()]);
    const readyCount = (logs: string) => logs.split("recall_listener_ready").length - 1;
    try {
      const ready = await eventually(
        async () => readyCount(await a.logs()),
        (n) => n >= 1,
      );
      await holder.query("BEGIN");
      await holder.query("SELECT pg_current_xact_id()");
      const cut = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'recall-monitor-listener'",
      );
      expect(cut.rowCount).toBeGreaterThan(0);
      // Received while A is reconnecting: caught up when it listens again (or, if A was back in
      // time, notified). Nothing is received after it, so no later notification can bring it.
      const key = await receive(b, { From_Account: "after-cut" });
      await eventually(
        async () => readyCount(await a.logs()),
        (n) => n > ready,
        15_000,
      );
      // A's catch-up has looked and found nothing readable yet; then the horizon moves on.
      await pause(500);
      expect(sse.events).toEqual([]);
      await holder.query("COMMIT");
      await sse.waitFor(1, 20_000);
      expect(msgKeys(sse.events)).toEqual([key]);
    } finally {
      sse.close();
      await Promise.all([admin.end(), holder.end()]);
    }
  });
});
