// The slow clients of slow-clients.test.ts, run in a process of their own (as they would be on
// other machines), so that the test process measuring callback answers is not slowed by driving
// hundreds of sockets: what is measured is the server. Started with
//   node --import tsx tests/reliability/slow-clients-driver.ts <json options>
// it opens the unread streams, reports `{"opened": {...statuses}}`, keeps the tricklers going until
// its stdin ends, then closes everything and reports `{"trickled": {...outcomes}}`.
import { connect, type Socket } from "node:net";
import { callbackSign } from "@/lib/im/sign";

export type DriverOptions = {
  url: string;
  /** Request lines after the request line and Host, one per stream (auth and filters chosen by the test). */
  streams: { path: string; auth: string }[];
  tricklers: number;
  /** The callback URL's path and query, without RequestTime and Sign: each round signs it afresh, as IM would. */
  callbackPath: string;
  token: string;
};

const options = JSON.parse(process.argv[2] ?? "{}") as DriverOptions;
const { host, hostname, port } = new URL(options.url);
const sockets = new Set<Socket>();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const report = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);

function rawSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** The status of the first answer on `socket`; 0 if it closed without one. */
function firstStatus(socket: Socket): Promise<number> {
  return new Promise((resolve) => {
    let text = "";
    const done = (status: number) => {
      socket.removeAllListeners("data");
      resolve(status);
    };
    socket.on("data", (d: Buffer) => {
      text += d.toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (m) done(Number(m[1]));
    });
    socket.once("close", () => done(0));
    socket.on("error", () => {});
  });
}

const count = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

async function openUnread(stream: DriverOptions["streams"][number], statuses: Map<string, number>) {
  const socket = await rawSocket();
  sockets.add(socket);
  socket.write(`GET ${stream.path} HTTP/1.1\r\nHost: ${host}\r\n${stream.auth}\r\nAccept: text/event-stream\r\n\r\n`);
  count(statuses, String(await firstStatus(socket)));
  // Never read again: what the server writes fills the socket buffers and stays there.
  socket.pause();
}

let stopped = false;
const trickled = new Map<string, number>();

/**
 * A callback whose body (or, every other one, whose headers) comes a byte a second. The server
 * cuts it off (408, or a closed connection) and another takes its place, so the number of
 * connections stays up.
 */
async function trickle(i: number) {
  const headersOnly = i % 2 === 1;
  // Spread over a few seconds, as independent clients would be, rather than all cut off by the
  // server in the same second (a synchronised burst is hostile input's matter).
  await sleep((i / options.tricklers) * 5_000);
  for (let round = 0; !stopped; round++) {
    let socket: Socket;
    try {
      socket = await rawSocket();
    } catch {
      await sleep(200);
      continue;
    }
    sockets.add(socket);
    const body = JSON.stringify({
      CallbackCommand: "C2C.CallbackAfterMsgWithDraw",
      From_Account: `slow${i}`,
      To_Account: "x",
      MsgKey: `slow_${i}_${round}`,
      UnreadMsgNum: 1,
    });
    const requestTime = String(Math.floor(Date.now() / 1000));
    const signed = `${options.callbackPath}&RequestTime=${requestTime}&Sign=${callbackSign(options.token, requestTime)}`;
    const head = `POST ${signed} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${body.length}\r\n`;
    const rest = headersOnly ? `X-Slow: ${"a".repeat(60)}\r\n\r\n${body}` : body;
    socket.write(headersOnly ? head : `${head}\r\n`);
    const answered = firstStatus(socket);
    let sent = 0;
    const timer = setInterval(() => {
      if (stopped || socket.destroyed || sent >= rest.length) return clearInterval(timer);
      socket.write(rest[sent++] ?? "");
    }, 1_000);
    const status = await answered;
    clearInterval(timer);
    socket.destroy();
    sockets.delete(socket);
    if (!stopped) count(trickled, `${headersOnly ? "headers" : "body"} ${status === 0 ? "closed" : `HTTP ${status}`}`);
    await sleep(100);
  }
}

async function main() {
  const opened = new Map<string, number>();
  // Ten at a time, as dashboards open, rather than all in the same millisecond.
  for (let i = 0; i < options.streams.length; i += 10) {
    await Promise.all(options.streams.slice(i, i + 10).map((s) => openUnread(s, opened)));
  }
  report({ opened: Object.fromEntries(opened) });
  const running = Array.from({ length: options.tricklers }, (_, i) => trickle(i));
  await new Promise<void>((resolve) => {
    process.stdin.on("data", () => resolve());
    process.stdin.on("end", () => resolve());
  });
  stopped = true;
  for (const s of sockets) s.destroy();
  await Promise.all(running);
  report({ trickled: Object.fromEntries([...trickled].sort()) });
  process.exit(0);
}

void main();
