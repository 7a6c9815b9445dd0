// Forwarding mode's promise for recalls: one answered OK reaches the backend at least once, even if
// Recall Monitor dies while its first attempt is still waiting for the backend. The backend's copy
// must therefore be on disk with the recall itself, not written only after a failed attempt.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApp, type TestApp } from "../support/app";
import { callbackUrl, eventually, post, RECALL, recallBody } from "../support/im";

const OK_TEXT = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';

type Received = { url: string; mark: string; body: string };

let app: TestApp;
let backend: Server;
let received: Received[] = [];
/** "hang": take the request and never answer (a backend stuck in its own database). */
let mode: "hang" | "answer" = "answer";
const hanging: ServerResponse[] = [];

beforeAll(async () => {
  const port = await freePort();
  backend = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", mark: String(req.headers["x-recall-monitor"]), body: Buffer.concat(chunks).toString("utf8") });
      if (mode === "hang") hanging.push(res);
      else res.writeHead(200, { "content-type": "application/json" }).end(OK_TEXT);
    });
  });
  await new Promise<void>((r) => backend.listen(port, "127.0.0.1", () => r()));
  app = await startApp({ env: { IM_FORWARD_URL: `http://127.0.0.1:${port}/im/callback`, IM_FORWARD_TIMEOUT_MS: "1500" } });
});
afterAll(async () => {
  backend?.closeAllConnections();
  backend?.close();
  await app?.stop();
});

const msgKeyOf = (body: string) => String(JSON.parse(body).MsgKey);

describe("a recall's copy for the backend", () => {
  it("survives a crash during its first attempt: after a restart the outbox delivers it", async () => {
    received = [];
    mode = "hang";
    const body = JSON.stringify(recallBody({ MsgKey: `crash_${Date.now()}` }));
    const url = callbackUrl(app.url, { command: RECALL });
    const res = await post(url, body);
    expect(res.text).toBe(OK_TEXT);

    // The first attempt has reached the backend, which is not answering: now the server dies.
    await eventually(
      async () => received,
      (r) => r.some((x) => x.body === body),
    );
    await app.kill();
    for (const res of hanging.splice(0)) res.destroy();
    mode = "answer";
    received = [];

    await app.restart();
    const redelivered = await eventually(
      async () => received.filter((r) => r.body === body),
      (r) => r.length >= 1,
      30_000,
    );
    expect(redelivered[0]?.url).toBe(`/im/callback${new URL(url).search}`);
    expect(redelivered[0]?.mark).toMatch(/^forwarded; redelivery=\d+$/);
    const db = await app.db();
    expect(await db.recall.count({ where: { msgKey: msgKeyOf(body) } })).toBe(1);
    expect(
      await eventually(
        async () => db.forwardOutbox.count(),
        (n) => n === 0,
      ),
    ).toBe(0);
  }, 60_000);

  it("is stored once: IM retrying a stored recall adds no second copy, and a delivered copy leaves the outbox", async () => {
    received = [];
    mode = "answer";
    const body = JSON.stringify(recallBody({ MsgKey: `retry_${Date.now()}` }));
    const url = callbackUrl(app.url, { command: RECALL });
    expect((await post(url, body)).text).toBe(OK_TEXT);
    expect((await post(url, body)).text).toBe(OK_TEXT);
    // A later recall, so the retry's copy (if it had one) would have been sent before this one.
    const later = JSON.stringify(recallBody({ MsgKey: `later_${Date.now()}` }));
    expect((await post(url, later)).text).toBe(OK_TEXT);

    const got = await eventually(
      async () => received,
      (r) => r.some((x) => x.body === later),
    );
    expect(got.filter((r) => r.body === body)).toHaveLength(1);
    const db = await app.db();
    expect(
      await eventually(
        async () => db.forwardOutbox.count(),
        (n) => n === 0,
      ),
    ).toBe(0);
  });
});
