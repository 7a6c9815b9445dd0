// Graceful shutdown (issue 9): on SIGTERM an instance stops accepting, answers the callbacks it
// already has (OK after their commit, or 503), and exits; a client that never finishes its request
// does not keep it alive. A load balancer's rolling restart must not turn an in-flight callback
// into a reset IM would count as a failure, or an OK into a lost recall.
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { callbackUrl, post, recallBody } from "../support/im";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

type Open = { socket: Socket; rest: Buffer; answer: Promise<string> };

/**
 * A callback whose headers and first half of the body are sent, held open until `rest` is written.
 * `Expect: 100-continue` makes the server say when it has parsed the headers (Node answers
 * "100 Continue" as it starts the request), so the request is known to be in flight.
 */
async function openCallback(base: string, msgKey: string): Promise<Open> {
  const url = new URL(base);
  const body = Buffer.from(JSON.stringify(recallBody({ MsgKey: msgKey })));
  const half = Math.floor(body.length / 2);
  const target = new URL(callbackUrl(base));
  const socket = connect(Number(url.port), url.hostname);
  let received = "";
  const answer = new Promise<string>((resolve) => {
    socket.on("data", (d) => {
      received += d.toString("latin1");
    });
    socket.on("close", () => resolve(received));
    socket.on("error", () => resolve(received));
  });
  const continued = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (received.startsWith("HTTP/1.1 100")) resolve();
    };
    socket.on("data", check);
    socket.on("close", () => reject(new Error(`closed before 100 Continue: ${JSON.stringify(received)}`)));
  });
  socket.write(
    `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
  );
  socket.write(body.subarray(0, half));
  await continued;
  return { socket, rest: body.subarray(half), answer };
}

/** Resolves once nothing listens on the app's port any more (the server has stopped accepting). */
async function refusedNewConnections(base: string): Promise<void> {
  const url = new URL(base);
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(Number(url.port), url.hostname);
      s.once("connect", () => {
        s.destroy();
        resolve(false);
      });
      s.once("error", () => resolve(true));
    });
    if (refused) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function exited(a: TestApp): Promise<void> {
  while (a.pid() !== undefined) await new Promise((r) => setTimeout(r, 50));
}

describe("SIGTERM", () => {
  it("stops accepting, answers every callback in flight (OK only once stored), then exits", async () => {
    const a = await startApp();
    app = a;
    const keys = Array.from({ length: 8 }, (_, i) => `shutdown_${i}`);
    const open = await Promise.all(keys.map((k) => openCallback(a.url, k)));

    const pid = a.pid();
    expect(pid).toBeDefined();
    process.kill(pid as number, "SIGTERM");
    await refusedNewConnections(a.url);

    // write, not end: a client's FIN makes Node abort its unanswered requests.
    for (const o of open) o.socket.write(o.rest);
    const answers = await Promise.all(open.map((o) => o.answer));
    await exited(a);

    // Every request the server had got a whole HTTP answer: OK, or 503 FAIL for IM to redeliver.
    const finals = answers.map((text) => {
      const final = text.slice(text.indexOf("\r\n\r\n") + 4); // after the 100 Continue
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(final)?.[1] ?? 0);
      const json = final.slice(final.indexOf("\r\n\r\n") + 4);
      return { status, ok: status === 200 && json.includes('"ActionStatus":"OK"') };
    });
    for (const f of finals) expect([200, 503]).toContain(f.status);
    const acknowledged = keys.filter((_, i) => finals[i]?.ok);
    expect(acknowledged.length).toBeGreaterThan(0);

    const stored = new Set((await (await a.db()).recall.findMany({ select: { msgKey: true } })).map((r) => r.msgKey));
    expect(acknowledged.filter((k) => !stored.has(k))).toEqual([]);
  }, 120_000);

  it("writes the callback counts it has acknowledged before it exits", async () => {
    const a = await startApp();
    app = a;
    // Counters are written about a second after the callbacks they count (lib/recalls/commit-queue.ts):
    // a restart inside that second must not lose them from the overview.
    for (let i = 0; i < 3; i++) {
      const res = await post(callbackUrl(a.url, { command: "State.StateChange" }), { CallbackCommand: "State.StateChange" });
      expect(res.json?.ActionStatus).toBe("OK");
    }
    process.kill(a.pid() as number, "SIGTERM");
    await exited(a);
    const counts = await (await a.db()).callbackCount.findMany({ where: { command: "State.StateChange" } });
    expect(counts.map((c) => Number(c.count))).toEqual([3]);
  }, 120_000);

  it("exits even while a client never finishes its request", async () => {
    const a = await startApp();
    app = a;
    const hung = await openCallback(a.url, "never_finished");
    const pid = a.pid();
    expect(pid).toBeDefined();
    process.kill(pid as number, "SIGTERM");
    // The server cuts the connection (its shutdown grace, or its request timeout) and exits.
    await exited(a);
    await hung.answer;
    expect(hung.socket.destroyed).toBe(true);
    expect(await (await a.db()).recall.count()).toBe(0);
  }, 120_000);
});
