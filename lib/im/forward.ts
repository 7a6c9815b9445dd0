// Forwarding mode (IM_FORWARD_URL): IM allows one callback URL per app, so when Recall Monitor holds
// it, every callback is passed on to the app's own backend, which keeps deciding "before" callbacks.
// What goes out is what came in: method, query string (Sign and RequestTime included, so the
// backend's own checks keep working), body bytes and Content-Type. Nothing else of the original
// request is passed on except X-Forwarded-For (the client address the custom server resolved) and
// X-Recall-Monitor, which marks the request as forwarded so a misconfiguration that points the
// backend back at us is refused instead of looping.
import http from "node:http";
import https from "node:https";
import type { Config } from "@/lib/config";

export type ForwardConfig = NonNullable<Config["im"]["forward"]>;

/** Sent on every forwarded request; a callback that arrives carrying it is refused (a loop). */
export const FORWARD_MARK_HEADER = "x-recall-monitor";
export const FORWARD_MARK_VALUE = "forwarded";
/** The backend's answer is read up to this size; a larger one counts as a failure. */
export const MAX_FORWARD_RESPONSE_BYTES = 64 * 1024;

export type ForwardRequest = {
  /** The original query string, with its leading "?" (or "" when there was none). */
  search: string;
  body: Uint8Array;
  contentType: string | null;
  clientAddress: string;
  /** Extra X-Recall-Monitor detail for redeliveries from the outbox. */
  mark?: string;
};

export type ForwardResult = { ok: true; status: number; body: Buffer; contentType: string | null } | { ok: false; reason: string };

// Keep-alive: IM's callbacks are many small requests; a TLS handshake per callback would spend
// much of the 2 s on connecting. Sockets idle for 4 s are closed before typical servers do (5 s).
const agentOptions = { keepAlive: true, keepAliveMsecs: 1_000, maxSockets: 256, maxFreeSockets: 32, timeout: 4_000 };
const holder = globalThis as unknown as { recallMonitorForwardAgents?: { http: http.Agent; https: https.Agent } };
function agents() {
  holder.recallMonitorForwardAgents ??= { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  return holder.recallMonitorForwardAgents;
}

// The callback goes to the configured URL with IM's query string appended unchanged. The URL is
// parsed once rather than per callback (it is the same for every one).
type Endpoint = { url: string; secure: boolean; options: http.RequestOptions; path: string };
let endpoint: Endpoint | undefined;
function endpointFor(url: string): Endpoint {
  if (endpoint?.url === url) return endpoint;
  const target = new URL(url);
  const secure = target.protocol === "https:";
  endpoint = {
    url,
    secure,
    // The same fields Node derives from a URL object (urlToHttpOptions), credentials included.
    options: {
      protocol: target.protocol,
      hostname: target.hostname.startsWith("[") ? target.hostname.slice(1, -1) : target.hostname,
      port: target.port === "" ? undefined : Number(target.port),
      auth:
        target.username || target.password ? `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}` : undefined,
      method: "POST",
      agent: secure ? agents().https : agents().http,
    },
    path: target.pathname,
  };
  return endpoint;
}

/**
 * POSTs one callback to the backend and reads its answer. Never throws: a timeout, a refused
 * connection, a redirect (not followed: IM's request must not end up elsewhere) or an answer over
 * MAX_FORWARD_RESPONSE_BYTES is `{ ok: false }`.
 */
export function forwardCallback(forward: ForwardConfig, request: ForwardRequest, timeoutMs = forward.timeoutMs): Promise<ForwardResult> {
  const target = endpointFor(forward.url);
  const headers: Record<string, string> = {
    "content-length": String(request.body.byteLength),
    [FORWARD_MARK_HEADER]: request.mark ? `${FORWARD_MARK_VALUE}; ${request.mark}` : FORWARD_MARK_VALUE,
  };
  if (request.contentType !== null) headers["content-type"] = request.contentType;
  // "unknown" only without the custom server (next dev): there is no address worth passing on.
  if (request.clientAddress !== "unknown") headers["x-forwarded-for"] = request.clientAddress;
  const options: http.RequestOptions = { ...target.options, path: `${target.path}${request.search}`, headers };

  return new Promise<ForwardResult>((resolve) => {
    let settled = false;
    const finish = (result: ForwardResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let req: http.ClientRequest;
    const send = (mayRetry: boolean) => {
      req = (target.secure ? https : http).request(options, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          return finish({ ok: false, reason: `the backend answered ${status} (redirects are not followed)` });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > MAX_FORWARD_RESPONSE_BYTES) {
            finish({ ok: false, reason: `the backend's answer is larger than ${MAX_FORWARD_RESPONSE_BYTES} bytes` });
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          const type = res.headers["content-type"];
          finish({ ok: true, status, body: Buffer.concat(chunks), contentType: typeof type === "string" ? type : null });
        });
        res.on("error", (error) => finish({ ok: false, reason: `reading the backend's answer failed: ${error.message}` }));
      });
      const sent = req;
      sent.on("error", (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the backend closed while it sat idle (a restart, its own idle
        // timeout) fails at once, before the backend saw anything: Node's documented answer is to
        // send again on a fresh connection, once.
        if (mayRetry && sent.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE") && !settled) return send(false);
        finish({ ok: false, reason: `forwarding failed: ${error.message}` });
      });
      sent.end(Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength));
    };
    const timer = setTimeout(() => {
      finish({ ok: false, reason: `the backend did not answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    send(true);
  });
}

/** Whether a callback request was already forwarded by a Recall Monitor (ours or another). */
export function isForwardedByUs(request: Request): boolean {
  return request.headers.has(FORWARD_MARK_HEADER);
}
