// Live streams are bounded: per owner (a session, or an API token) and per instance,
// a reconnect replays at most 1,000 recalls, and a client that does not read is dropped instead of
// being buffered without end.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { callbackUrl, eventually, post, recallBody } from "../support/im";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";
import { openSse, type SseConnection } from "../support/sse";

const streamUrl = (app: TestApp, query = "") => `${app.url}/api/recalls/stream${query}`;

async function expectRefused(app: TestApp, headers: Record<string, string>, message: RegExp) {
  const res = await fetch(streamUrl(app), { headers });
  expect(res.status).toBe(429);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("too_many_requests");
  expect(body.error.message).toMatch(message);
}

describe("stream limits", () => {
  let app: TestApp;
  let small: TestApp;
  beforeAll(async () => {
    [app, small] = await Promise.all([startApp(), startApp({ env: { STREAM_MAX_CLIENTS: "3" } })]);
  });
  afterAll(async () => {
    await Promise.all([app?.stop(), small?.stop()]);
  });

  it("allows 10 streams per session, answers 429 to the 11th, and frees a slot when one closes", async () => {
    const open: SseConnection[] = [];
    const [mine, someoneElse] = [await app.cookieFor("viewer"), await app.cookieFor("auditor")];
    try {
      for (let i = 0; i < 10; i++) {
        const sse = await openSse(streamUrl(app), mine);
        open.push(sse);
        expect(sse.status).toBe(200);
      }
      await expectRefused(app, mine, /you already have 10 live streams open/);
      const other = await openSse(streamUrl(app), someoneElse);
      open.push(other);
      expect(other.status).toBe(200);

      open.shift()?.close();
      const again = await eventually(
        async () => {
          const sse = await openSse(streamUrl(app), mine);
          if (sse.status !== 200) sse.close();
          return sse;
        },
        (sse) => sse.status === 200,
      );
      open.push(again);
      expect(again.status).toBe(200);
    } finally {
      for (const s of open) s.close();
    }
  });

  it("answers 429 past STREAM_MAX_CLIENTS streams on the instance, whoever asks", async () => {
    const open: SseConnection[] = [];
    try {
      for (const role of ["viewer", "auditor", "admin"] as const) {
        const sse = await openSse(streamUrl(small), await small.cookieFor(role));
        open.push(sse);
        expect(sse.status).toBe(200);
      }
      await expectRefused(small, await small.headersFor("viewer"), /this server already has 3 live streams open/);
    } finally {
      for (const s of open) s.close();
    }
  });
});

describe("resuming with Last-Event-ID", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("replays at most the last 1,000 recalls, then continues live", async () => {
    const db = await appDb(app);
    const ids: number[] = [];
    for (let chunk = 0; chunk < 3; chunk++) {
      ids.push(
        ...(await storeTestRecalls(
          db,
          Array.from({ length: 500 }, () => newRecall({ fromAccount: "resume-a" })),
        )),
      );
    }
    const top = Math.max(...ids);
    const sse = await openSse(streamUrl(app), { ...(await app.cookieFor("viewer")), "last-event-id": "0" });
    try {
      expect(sse.status).toBe(200);
      await sse.waitFor(1_000);
      const body = recallBody({ From_Account: "resume-live" });
      expect((await post(callbackUrl(app.url), body)).json?.ActionStatus).toBe("OK");
      const events = await sse.waitFor(1_001);
      expect(events).toHaveLength(1_001);
      // By recall id: an event's id is a commit-order position (lib/recalls/stream-cursor.ts).
      expect(events.slice(0, 1_000).map((e) => JSON.parse(e.data).id)).toEqual(ids.filter((id) => id > top - 1_000));
      expect(JSON.parse(events[1_000]?.data ?? "{}").fromAccount).toBe("resume-live");
    } finally {
      sse.close();
    }
  });

  it("treats a Last-Event-ID beyond the newest recall as now, so new recalls still arrive", async () => {
    const sse = await openSse(streamUrl(app, "?from=resume-future"), {
      ...(await app.cookieFor("viewer")),
      "last-event-id": "999999999999",
    });
    try {
      expect(sse.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect((await post(callbackUrl(app.url), recallBody({ From_Account: "resume-future" }))).json?.ActionStatus).toBe("OK");
      const [ev] = await sse.waitFor(1);
      expect(JSON.parse(ev?.data ?? "{}").fromAccount).toBe("resume-future");
    } finally {
      sse.close();
    }
  });
});

describe("a client that does not read", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ env: { STREAM_MAX_CLIENTS: "1" } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("is dropped once the stream's buffer passes its bound, and its slot is freed", async () => {
    const { port } = new URL(app.url);
    const socket = connect(Number(port), "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const { cookie } = await app.cookieFor("viewer");
    socket.write(`GET /api/recalls/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nCookie: ${cookie}\r\n\r\n`);
    let received = 0;
    const ended = new Promise<void>((resolve) => {
      socket.on("data", (d: Buffer) => {
        received += d.length;
      });
      socket.once("close", () => resolve());
    });
    // The stream holds its slot once its headers are sent (a fixed wait was too short under load);
    // from then on never read: the kernel's buffers fill, then the server's.
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    socket.pause();
    await expectRefused(app, await app.cookieFor("auditor"), /this server already has 1 live streams open/);

    // About 20 MB of events: more than the socket buffers of both ends and the stream's bound.
    // Stored 50 at a time, as the receiver would: one statement of 500 rows this wide could pass
    // the receiver pool's 1.5 s statement timeout on PostgreSQL when the machine is busy.
    const db = await appDb(app);
    const wide = (tag: string, i: number) => `${tag}-${i}-${"w".repeat(3_000)}`;
    for (let chunk = 0; chunk < 70; chunk++) {
      await storeTestRecalls(
        db,
        Array.from({ length: 50 }, (_, i) => newRecall({ fromAccount: wide("from", chunk * 50 + i), toAccount: wide("to", i) })),
      );
    }
    await eventually(
      async () => app.logs(),
      (logs) => logs.includes('"reason":"client_not_reading"'),
      30_000,
    );
    expect(app.logs()).toContain('"reason":"client_not_reading"');
    const next = await openSse(streamUrl(app), await app.cookieFor("viewer"));
    expect(next.status).toBe(200);
    next.close();

    // Reading now, the client gets what was already on its way, then the end of the connection.
    socket.resume();
    await ended;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(70 * 50 * 6_000);
  });
});
