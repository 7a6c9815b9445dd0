// Clients that send their request slowly are cut off by the server's request timeouts, and do not
// stop callbacks from being answered meanwhile.
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { callbackUrl, post, recallBody } from "../support/im";

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

type Slow = { socket: Socket; answer: Promise<string>; stop(): void };

/** Opens a connection that sends `head` at once, then one byte of `trickle` every 500 ms. */
function slowClient(head: string, trickle: string): Promise<Slow> {
  const { port } = new URL(app.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write(head);
      let i = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || socket.writableEnded) return clearInterval(timer);
        socket.write(trickle[i % trickle.length] ?? " ");
        i++;
      }, 500);
      let text = "";
      socket.on("data", (d: Buffer) => {
        text += d.toString();
      });
      // The server closes the connection after its 408 with the client's latest trickled byte
      // unread, so its kernel may send a reset that discards the 408 before we read it.
      let reset = false;
      socket.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "ECONNRESET") reset = true;
      });
      const answer = new Promise<string>((done) => socket.once("close", () => done(text || (reset ? RESET : ""))));
      resolve({ socket, answer, stop: () => clearInterval(timer) });
    });
  });
}

const TIMED_OUT = "HTTP/1.1 408 Request Timeout";
const RESET = "(connection reset after the server closed it)";

it("closes connections whose headers or body never finish, answering callbacks meanwhile", async () => {
  const { host } = new URL(app.url);
  const clients = await Promise.all([
    ...Array.from({ length: 50 }, () => slowClient(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\n`, "X-Slow: aaaaaaaaaa")),
    ...Array.from({ length: 50 }, () =>
      slowClient(
        `POST ${new URL(callbackUrl(app.url)).pathname}${new URL(callbackUrl(app.url)).search} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 1000\r\n\r\n`,
        "{",
      ),
    ),
  ]);
  try {
    for (let i = 0; i < 5; i++) {
      const res = await post(callbackUrl(app.url), recallBody());
      expect(res.json?.ActionStatus).toBe("OK");
    }
    const answers = await Promise.all(clients.map((c) => c.answer));
    // Node's answer to a request that timed out; the connection then closes.
    for (const a of answers) expect([TIMED_OUT, RESET]).toContain(a.split("\r\n")[0]);
    expect(answers.filter((a) => a.startsWith(TIMED_OUT)).length).toBeGreaterThan(0);
    // None of the slow bodies was taken for a recall.
    expect(await (await app.db()).recall.count()).toBe(5);
  } finally {
    for (const c of clients) {
      c.stop();
      c.socket.destroy();
    }
  }
});
