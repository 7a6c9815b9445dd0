// Forwarding mode (IM_FORWARD_URL) against a real backend: an HTTP server in this test that records
// exactly what reached it, so every assertion is about the bytes the app's backend would see and
// the answer IM would get.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startForwardTarget } from "@/lib/simulator/forward-target";
import { freePort, startApp, type TestApp } from "../support/app";
import { callbackUrl, eventually, post, RECALL, recallBody } from "../support/im";

const BEFORE_SEND = "C2C.CallbackBeforeSendMsg";
const AFTER_SEND = "C2C.CallbackAfterSendMsg";
const OK_TEXT = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';

type Received = { method: string; url: string; headers: IncomingMessage["headers"]; body: Buffer; at: number; remotePort?: number };
type Answer = (req: Received, res: ServerResponse) => void;

let app: TestApp;
let backendPort: number;
let backend: Server | undefined;
let received: Received[] = [];
let answer: Answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(OK_TEXT);

function startBackend(): Promise<void> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
        remotePort: req.socket.remotePort,
      };
      received.push(r);
      answer(r, res);
    });
  });
  backend = server;
  return new Promise((resolve) => server.listen(backendPort, "127.0.0.1", () => resolve()));
}

function stopBackend(): Promise<void> {
  const server = backend;
  backend = undefined;
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  backendPort = await freePort();
  await startBackend();
  app = await startApp({ env: { IM_FORWARD_URL: `http://127.0.0.1:${backendPort}/im/callback`, IM_FORWARD_TIMEOUT_MS: "1500" } });
});
afterAll(async () => {
  await stopBackend();
  await app?.stop();
});

/** What the backend should see as the request's path: ours, with IM's query string unchanged. */
const pathFor = (url: string) => `/im/callback${new URL(url).search}`;

describe("commands other than the recall", () => {
  it("relays a before-send rejection (ErrorCode 1) to IM as the backend's own answer, after passing on the exact request", async () => {
    received = [];
    const rejection = '{"ActionStatus":"OK","ErrorInfo":"blocked by moderation","ErrorCode":1}';
    answer = (_req, res) => res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(rejection);
    const url = `${callbackUrl(app.url, { command: BEFORE_SEND })}&Sign=abc%2Fdef&RequestTime=1669872112`;
    const body = `{"CallbackCommand":"${BEFORE_SEND}","From_Account":"alice","To_Account":"bob","MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]}`;

    const res = await post(url, body, { cookie: "session=secret", authorization: "Bearer secret", "x-forwarded-for": "192.0.2.66" });

    expect(res.status).toBe(200);
    expect(res.text).toBe(rejection);
    expect(res.contentType).toBe("application/json; charset=utf-8");
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got?.method).toBe("POST");
    expect(got?.url).toBe(pathFor(url));
    expect(got?.url).toContain("&Sign=abc%2Fdef&RequestTime=1669872112");
    expect(got?.body.toString("utf8")).toBe(body);
    // IM sends no Content-Type; none is invented.
    expect(got?.headers["content-type"]).toBeUndefined();
    expect(got?.headers["x-recall-monitor"]).toBe("forwarded");
    expect(got?.headers["x-forwarded-for"]).toBe("127.0.0.1");
    // Nothing else of the original request (a cookie, an authorization header, a forged X-Forwarded-For) is passed on.
    expect(Object.keys(got?.headers ?? {}).sort()).toEqual(["connection", "content-length", "host", "x-forwarded-for", "x-recall-monitor"]);
  });

  it("relays a rewritten MsgBody byte for byte and passes on the body bytes and Content-Type as received", async () => {
    received = [];
    const rewritten = Buffer.from(
      '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"h\\u00e9llo *** 😀"}}]}\n',
    );
    answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(rewritten);
    const url = callbackUrl(app.url, { command: BEFORE_SEND });
    const body = Buffer.from('{ "MsgBody": [ { "Text": "héllo darn 😀" } ],\r\n  "From_Account": "alice" }');

    const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json; charset=UTF-8", cookie: "a=b" } });
    const bytes = Buffer.from(await res.arrayBuffer());

    expect(res.status).toBe(200);
    expect(bytes.equals(rewritten)).toBe(true);
    expect(received[0]?.body.equals(body)).toBe(true);
    expect(received[0]?.headers["content-type"]).toBe("application/json; charset=UTF-8");
    expect(received[0]?.headers.cookie).toBeUndefined();
  });

  it("counts a C2C.CallbackAfterSendMsg once for sender and recipient while relaying it and the backend's answer", async () => {
    received = [];
    const backendAnswer = '{"ActionStatus":"OK","ErrorInfo":"seen by the backend","ErrorCode":0}';
    answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(backendAnswer);
    const seconds = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      CallbackCommand: AFTER_SEND,
      From_Account: "fwd-sender",
      To_Account: "fwd-recipient",
      MsgSeq: 7,
      MsgRandom: 4242,
      MsgTime: seconds,
      MsgKey: `7_4242_${seconds}`,
      SendMsgResult: 0,
      MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "forwarded and counted" } }],
    });
    const url = callbackUrl(app.url, { command: AFTER_SEND });
    // IM redelivers: the backend gets each delivery, the count stays one.
    const answers = [await post(url, body), await post(url, body)];
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.text).toBe(backendAnswer);
    }
    expect(received.map((r) => r.body.toString("utf8"))).toEqual([body, body]);
    const db = await app.db();
    const hours = async (userId: string) => {
      const rows = await db.userMessageHour.findMany({ where: { userId } });
      return { sent: rows.reduce((n, r) => n + r.sent, 0), received: rows.reduce((n, r) => n + r.received, 0) };
    };
    expect(await hours("fwd-sender")).toEqual({ sent: 1, received: 0 });
    expect(await hours("fwd-recipient")).toEqual({ sent: 0, received: 1 });
    // Capture is off in this app: the identity and send time are kept, the content is not.
    const message = await db.message.findFirstOrThrow({ where: { fromAccount: "fwd-sender" } });
    expect(message.msgTime?.getTime()).toBe(seconds * 1000);
    expect(message.content).toBeNull();
  });

  it("relays an after-send callback it cannot parse to the backend unchanged, and counts nothing", async () => {
    received = [];
    answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(OK_TEXT);
    const body = `{"CallbackCommand":"${AFTER_SEND}","To_Account":"fwd-nobody","MsgKey":"1_2_3"}`;
    const res = await post(callbackUrl(app.url, { command: AFTER_SEND }), body);
    expect(res.status).toBe(200);
    expect(res.text).toBe(OK_TEXT);
    expect(received[0]?.body.toString("utf8")).toBe(body);
    expect(await (await app.db()).userMessageHour.count({ where: { userId: "fwd-nobody" } })).toBe(0);
  });

  it("relays an error status verbatim and keeps one connection to the backend for consecutive callbacks", async () => {
    received = [];
    answer = (_req, res) => res.writeHead(503, { "content-type": "text/plain" }).end("backend busy");
    const first = await post(callbackUrl(app.url, { command: BEFORE_SEND }), "{}");
    answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(OK_TEXT);
    const second = await post(callbackUrl(app.url, { command: "State.StateChange" }), "{}");

    expect(first.status).toBe(503);
    expect(first.text).toBe("backend busy");
    expect(first.contentType).toBe("text/plain");
    expect(second.text).toBe(OK_TEXT);
    expect(received).toHaveLength(2);
    // Keep-alive: the second callback went over the first one's connection.
    expect(received[1]?.remotePort).toBe(received[0]?.remotePort);
  });

  it("answers with the fallback (OK/0) when the backend takes 3 s, before the backend has answered", async () => {
    received = [];
    let backendAnswered = false;
    answer = (_req, res) => {
      setTimeout(() => {
        backendAnswered = true;
        res.writeHead(200, { "content-type": "application/json" }).end('{"ActionStatus":"OK","ErrorInfo":"late","ErrorCode":1}');
      }, 3_000);
    };
    const res = await post(callbackUrl(app.url, { command: BEFORE_SEND }), '{"CallbackCommand":"C2C.CallbackBeforeSendMsg"}');
    const answeredFirst = !backendAnswered;

    expect(res.status).toBe(200);
    expect(res.text).toBe(OK_TEXT);
    expect(received).toHaveLength(1);
    // IM got its answer while the backend was still working on its own.
    expect(answeredFirst).toBe(true);
    expect(app.logs()).toMatch(/"event":"im_forward_fallback".*"command":"C2C.CallbackBeforeSendMsg".*did not answer within 1500 ms/);
  });

  it("shows admins a warning naming the command that fell back", async () => {
    const html = await (await fetch(`${app.url}/`, { headers: await app.cookieFor("admin") })).text();
    expect(html).toContain('data-testid="forward-fallback-warning"');
    expect(html).toContain("Your backend is not answering callbacks");
    expect(html).toMatch(/<span class="font-mono">C2C.CallbackBeforeSendMsg<\/span>: \d+, last /);
    const viewer = await (await fetch(`${app.url}/`, { headers: await app.cookieFor("viewer") })).text();
    expect(viewer).not.toContain('data-testid="forward-fallback-warning"');
    expect(viewer).toContain('data-testid="forward-status"');
  });

  it("refuses a callback that already carries X-Recall-Monitor (a forwarding loop) and forwards nothing", async () => {
    received = [];
    const res = await post(callbackUrl(app.url, { command: BEFORE_SEND }), "{}", { "x-recall-monitor": "forwarded" });
    expect(res.status).toBe(508);
    expect(res.json).toMatchObject({ ActionStatus: "FAIL", ErrorCode: 1 });
    expect(res.json?.ErrorInfo).toMatch(/already forwarded by Recall Monitor/);
    expect(received).toHaveLength(0);
  });
});

describe("the recall", () => {
  it("is stored, answered OK by us even when the backend rejects it, and its exact request reaches the backend", async () => {
    received = [];
    answer = (_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end('{"ActionStatus":"FAIL","ErrorInfo":"no","ErrorCode":1}');
    const body = JSON.stringify(recallBody());
    const url = callbackUrl(app.url, { command: RECALL });
    const res = await post(url, body);
    expect(res.text).toBe(OK_TEXT);
    const msgKey = String(JSON.parse(body).MsgKey);
    expect(await (await app.db()).recall.count({ where: { msgKey } })).toBe(1);
    const got = await eventually(
      async () => received,
      (r) => r.length === 1,
    );
    expect(got[0]?.url).toBe(pathFor(url));
    expect(got[0]?.body.toString("utf8")).toBe(body);
  });

  it("with the backend down: other commands get the fallback, recalls are stored and answered OK, and the outbox delivers them in order once it is back", async () => {
    await stopBackend();
    received = [];

    const other = await post(callbackUrl(app.url, { command: BEFORE_SEND }), "{}");
    expect(other.status).toBe(200);
    expect(other.text).toBe(OK_TEXT);

    const bodies = Array.from({ length: 5 }, (_, i) => JSON.stringify(recallBody({ MsgKey: `outbox_${i}_${Date.now()}` })));
    const urls: string[] = [];
    for (const body of bodies) {
      const url = callbackUrl(app.url, { command: RECALL, clientIp: "198.51.100.4" });
      urls.push(url);
      const res = await post(url, body);
      expect(res.text).toBe(OK_TEXT);
    }
    const db = await app.db();
    for (const body of bodies) expect(await db.recall.count({ where: { msgKey: String(JSON.parse(body).MsgKey) } })).toBe(1);

    // While it is down the overview shows what waits for it.
    const waiting = await eventually(
      async () => db.forwardOutbox.count(),
      (n) => n === 5,
    );
    expect(waiting).toBe(5);
    const html = await (await fetch(`${app.url}/`, { headers: await app.cookieFor("viewer") })).text();
    expect(html).toMatch(/data-testid="forward-outbox-length"[^>]*>5</);
    // The error is quoted as technical detail (its own element, marked lang="en").
    expect(html).toMatch(/data-testid="forward-outbox-error"[^>]*>(<[^>]+>)?forwarding failed: connect ECONNREFUSED/);
    // A relative time: "now" while the oldest is under a second old, else "N seconds ago".
    expect(html).toMatch(/data-testid="forward-outbox-oldest"[^>]*>(now|[^<]+ ago)</);

    await startBackend();
    const delivered = await eventually(
      async () => received.filter((r) => r.body.toString("utf8").includes("outbox_")),
      (r) => r.length >= 5,
      30_000,
    );
    // Every recall at least once, in order of receipt, exactly as IM sent it.
    const firstSeen = [...new Set(delivered.map((r) => r.body.toString("utf8")))];
    expect(firstSeen).toEqual(bodies);
    expect(delivered[0]?.url).toBe(pathFor(urls[0] ?? ""));
    expect(delivered[0]?.headers["x-recall-monitor"]).toMatch(/^forwarded; redelivery=\d+$/);
    expect(delivered[0]?.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(
      await eventually(
        async () => db.forwardOutbox.count(),
        (n) => n === 0,
      ),
    ).toBe(0);
  }, 60_000);
});

describe("the simulator's --forward-target backend", () => {
  it("decides before-send callbacks through Recall Monitor with the chosen ErrorCode, and answers other commands OK", async () => {
    await stopBackend();
    const target = await startForwardTarget({ host: "127.0.0.1", port: backendPort, errorCode: 120_001, latencyMs: 50 });
    try {
      const before = await post(callbackUrl(app.url, { command: BEFORE_SEND }), "{}");
      expect(before.status).toBe(200);
      expect(before.json).toEqual({
        ActionStatus: "OK",
        ErrorInfo: "rejected by the simulated backend (ErrorCode 120001)",
        ErrorCode: 120_001,
      });
      const state = await post(callbackUrl(app.url, { command: "State.StateChange" }), "{}");
      expect(state.text).toBe(OK_TEXT);
      expect(Object.fromEntries(target.received)).toMatchObject({ [BEFORE_SEND]: 1, "State.StateChange": 1 });
    } finally {
      await target.close();
    }
  });
});
