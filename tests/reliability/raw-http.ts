// HTTP the way hostile and slow clients speak it: node:http for requests fetch would refuse or
// alter (raw bytes in the path, any method, a chunked body of any size), and node:net for what no
// HTTP client sends (a chunked body whose last chunk never comes, a body a byte per second).
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";

export type RawAnswer = { status: number; body: string; ms: number; error?: string };

export type RawRequest = {
  method: string;
  /** Path and query, sent byte for byte (latin1). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** No Content-Length: the body goes out as chunks. */
  chunked?: boolean;
  /** Resolve on the status line and close (event streams never end). */
  statusOnly?: boolean;
  timeoutMs?: number;
};

// One connection per request: a kept-alive connection the server closes just as the client reuses
// it would look like a request without an answer.
const agent = new Agent({ keepAlive: false, maxSockets: 256 });

/** Sends one request; never throws (no answer is an outcome: status 0 with the error). */
export function send(base: string, r: RawRequest): Promise<RawAnswer> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: Omit<RawAnswer, "ms">) => {
      if (done) return;
      done = true;
      resolve({ ...a, ms: performance.now() - started });
    };
    const headers: Record<string, string> = { ...r.headers };
    if (r.body && !r.chunked) headers["content-length"] = String(r.body.length);
    let req: ReturnType<typeof request>;
    try {
      req = request({
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers,
        agent,
        timeout: r.timeoutMs ?? 30_000,
      });
    } catch (error) {
      // The client itself refuses (an invalid method or path): nothing was sent.
      return finish({ status: -1, body: "", error: String(error) });
    }
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error) => finish({ status: 0, body: "", error: error.message }));
    req.on("response", (res) => {
      if (r.statusOnly) {
        finish({ status: res.statusCode ?? 0, body: "" });
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (error) => finish({ status: res.statusCode ?? 0, body: "", error: error.message }));
    });
    if (r.body) {
      // Written in pieces so that a server refusing early (413) can answer before the whole body is out.
      const piece = 256 * 1024;
      let at = 0;
      const pump = () => {
        while (at < (r.body?.length ?? 0)) {
          const next = r.body?.subarray(at, at + piece);
          at += piece;
          if (!req.write(next)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    } else req.end();
  });
}

/** Opens a raw connection to `base`; the caller writes whatever it wants. */
export function rawSocket(base: string): Promise<Socket> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** The status of the first answer on `socket`, 0 if it closed without one, -1 if none within `timeoutMs`. */
export function firstStatus(socket: Socket, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    let text = "";
    const timer = setTimeout(() => done(-1), timeoutMs);
    const done = (status: number) => {
      clearTimeout(timer);
      socket.removeAllListeners("data");
      resolve(status);
    };
    socket.on("data", (d: Buffer) => {
      text += d.toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (m) done(Number(m[1]));
    });
    socket.on("close", () => done(0));
    socket.on("error", () => done(0));
  });
}

/**
 * A chunked request whose last chunk never comes: the head and one chunk of `body`, then silence.
 * Resolves with the status the server answered (0: it closed the connection without one).
 */
export async function unterminatedChunked(
  base: string,
  r: { method: string; path: string; headers?: Record<string, string>; body: Buffer },
  waitMs: number,
): Promise<RawAnswer> {
  const started = performance.now();
  let socket: Socket;
  try {
    socket = await rawSocket(base);
  } catch (error) {
    return { status: 0, body: "", ms: performance.now() - started, error: String(error) };
  }
  const url = new URL(base);
  const head = [
    `${r.method} ${r.path} HTTP/1.1`,
    `Host: ${url.host}`,
    "Transfer-Encoding: chunked",
    ...Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(
    Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n${r.body.length.toString(16)}\r\n`, "latin1"), r.body, Buffer.from("\r\n")]),
  );
  const status = await firstStatus(socket, waitMs);
  socket.destroy();
  return { status, body: "", ms: performance.now() - started };
}
