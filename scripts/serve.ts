// The production HTTP server: Next.js's documented custom-server API behind a node:http server
// that does what a route handler cannot do for itself, before Next.js sees the request:
// - resolves the client's address and protocol from the socket and, per TRUST_PROXY, the trusted
//   X-Forwarded-For/-Proto chain, and hands them to the app in private headers after removing any
//   copy a client sent (`next start` keeps a client's forged X-Forwarded-For, so the app could
//   not tell it from a real one);
// - sets the security headers and a per-response CSP nonce (Next.js puts it on its scripts);
// - answers paths with invalid percent-encoding, and methods the Fetch API refuses (TRACE,
//   TRACK, CONNECT), itself (Next.js would answer a plain-text 500);
// - bounds how long a client may take to send its request, so slow senders cannot pile up, and
//   how many query parameters it may send (Next.js's cost grows faster than their number);
// - shuts down gracefully on SIGTERM/SIGINT, as `next start` does.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { setFlagsFromString } from "node:v8";
import next from "next";
import { parseFlags, runScript, UsageError } from "./cli";

// V8 lets the old generation grow to up to 4x what survived the last full collection before it
// collects again; with the app's ~110 MB live heap, a 1M-row CSV export on PostgreSQL (whose
// pages arrive over several socket reads, so part of each survives a scavenge) left the server's
// RSS 285 MB above its start before one ran. At 1.5x the growth was ~35-70 MB at the same speed:
// full collections here are incremental and take ~10 ms (bench/export.bench.ts,
// docs/benchmarks.md). Process-wide (worker threads too); V8 reads it at each collection.
setFlagsFromString("--heap-growing-percent=50");

const USAGE = `
Usage: tsx scripts/serve.ts [--port <port>] [--hostname <address>] [--mode production|development]

Serves the production build in .next (run \`next build\` first; \`npm start\` does both), or with
--mode development the development server with hot reload (\`npm run dev\`). Listens on --port
(default: PORT, 3000) and --hostname (default: every interface).

Client addresses come from the socket; X-Forwarded-For and X-Forwarded-Proto are honoured only from
proxies named by TRUST_PROXY (see docs/deployment.md). Stops gracefully on SIGTERM and SIGINT.
`;

/**
 * Time a client has to send its request headers, and its whole request (body included): IM sends
 * a callback at once and gives up after 2 s, so a client this slow is not IM, and without a limit
 * hundreds of them could hold connections open indefinitely. Responses (streams, exports) are not
 * limited by these.
 */
export const HEADERS_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 10_000;
/** How often those timeouts are checked; Node's default (30 s) would let a slow client stay 30 s longer. */
const TIMEOUT_CHECK_MS = 1_000;
/**
 * Methods the Fetch API refuses (`new Request()` throws for them), which Next.js turns every
 * request into: it would answer them with a plain-text 500, so they are answered 405 here.
 */
const FETCH_FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/**
 * Query parameters a request may carry. Next.js's handling of the query grows faster than linearly
 * with their number (3,000 took 1.8 s of the event loop even for /api/health/live), so a client
 * could stall every callback with one URL; the dashboard's largest query (sparklines for 100 users)
 * has about 105.
 */
export const MAX_QUERY_PARAMETERS = 500;
/** After SIGTERM, requests still running after this are cut off. */
const SHUTDOWN_GRACE_MS = 10_000;

runScript(USAGE, async (args) => {
  const flags = parseFlags(args, ["port", "hostname", "mode"]);
  const mode = flags.get("mode") ?? "production";
  if (mode !== "production" && mode !== "development")
    throw new UsageError(`--mode must be production or development, got ${JSON.stringify(mode)}`);
  const dev = mode === "development";
  const { config } = await import("@/lib/config");
  const { compileTrust, resolveClient } = await import("@/lib/http/trust-proxy");
  const { CLIENT_ADDRESS_HEADER, CLIENT_PROTOCOL_HEADER, PRIVATE_HEADER_PREFIX } = await import("@/lib/http/client-address");
  const { REQUEST_PATH_HEADER } = await import("@/lib/http/request-path");
  const { newNonce, securityHeaders } = await import("@/lib/http/security-headers");
  const { isMalformedPath, MALFORMED_PATH_MESSAGE, NOT_FOUND_PATH } = await import("@/lib/http/malformed-path");
  const { jsonError } = await import("@/lib/api/response");

  const port = flags.has("port") ? Number(flags.get("port")) : config.port;
  const hostname = flags.get("hostname");
  const trust = compileTrust(config.trustProxy);
  const malformedApiAnswer = jsonError(400, { code: "invalid_parameter", message: MALFORMED_PATH_MESSAGE, parameter: "path" });
  const malformedApiBody = await malformedApiAnswer.text();
  const methodAnswer = jsonError(405, { code: "method_not_allowed", message: "this HTTP method is not supported" });
  const methodBody = await methodAnswer.text();
  const tooManyParamsAnswer = jsonError(400, {
    code: "invalid_parameter",
    message: `the query has more than ${MAX_QUERY_PARAMETERS} parameters`,
    parameter: "query",
  });
  const tooManyParamsBody = await tooManyParamsAnswer.text();
  const queryParameters = (url: string) => {
    const q = url.indexOf("?");
    if (q < 0) return 0;
    let n = 1;
    for (let i = url.indexOf("&", q); i >= 0 && n <= MAX_QUERY_PARAMETERS; i = url.indexOf("&", i + 1)) n++;
    return n;
  };

  const server = createServer({
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
  });
  const app = next({ dev, dir: process.cwd(), hostname: hostname ?? "localhost", port, httpServer: server });
  const handle = app.getRequestHandler();
  await app.prepare();

  const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(", ") : v);

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    // Whatever a client sends under our private prefix, or as a request CSP (from which Next.js
    // would read the nonce), is dropped: only the values set below reach the app.
    for (const name of Object.keys(req.headers)) {
      if (name.startsWith(PRIVATE_HEADER_PREFIX) || name === "content-security-policy" || name === "content-security-policy-report-only") {
        delete req.headers[name];
      }
    }
    const socket: Socket | TLSSocket = req.socket;
    const client = resolveClient(
      { address: socket.remoteAddress, encrypted: "encrypted" in socket && socket.encrypted === true },
      { forwardedFor: single(req.headers["x-forwarded-for"]), forwardedProto: single(req.headers["x-forwarded-proto"]) },
      trust,
    );
    req.headers[CLIENT_ADDRESS_HEADER] = client.address;
    req.headers[CLIENT_PROTOCOL_HEADER] = client.protocol;
    req.headers[REQUEST_PATH_HEADER] = req.url ?? "/";
    // Libraries read the standard headers too (an auth library's rate limit, Next.js's own Origin
    // check of server actions against X-Forwarded-Host): give them the resolved values, and drop
    // what an untrusted peer claims about host and port.
    req.headers["x-forwarded-for"] = client.address;
    req.headers["x-forwarded-proto"] = client.protocol;
    if (!client.viaTrustedProxy) {
      delete req.headers["x-forwarded-host"];
      delete req.headers["x-forwarded-port"];
      delete req.headers.forwarded;
    }

    const headers = securityHeaders(newNonce(), { https: client.protocol === "https", dev });
    const csp = headers["content-security-policy"];
    if (csp) req.headers["content-security-policy"] = csp;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);

    const url = req.url ?? "/";
    if (FETCH_FORBIDDEN_METHODS.has(req.method ?? "")) {
      res.writeHead(405, { ...Object.fromEntries(methodAnswer.headers), allow: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" });
      res.end(methodBody);
      return;
    }
    if (queryParameters(url) > MAX_QUERY_PARAMETERS) {
      res.writeHead(400, Object.fromEntries(tooManyParamsAnswer.headers));
      res.end(tooManyParamsBody);
      return;
    }
    if (isMalformedPath(url)) {
      if (url.startsWith("/api/") || url === "/api") {
        res.writeHead(400, Object.fromEntries(malformedApiAnswer.headers));
        res.end(malformedApiBody);
        return;
      }
      req.url = NOT_FOUND_PATH;
    }
    handle(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
  server.on("request", onRequest);
  // Hot reload's WebSocket; the production app has none, so other upgrades are refused there.
  if (dev) {
    const upgrade = app.getUpgradeHandler();
    server.on("upgrade", (req, socket, head) => {
      upgrade(req, socket, head).catch(() => socket.destroy());
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  console.log(`Recall Monitor listening on http://${hostname ?? "localhost"}:${port}`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      // Open event streams close themselves on the same signal (lib/recalls/stream.ts); finish
      // every other request, then stop Next.js.
      const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        app
          .close()
          // The callback counters the receiver still holds. Imported only now: start-up need not
          // load the database modules a second time (the app's bundle has its own copy).
          .then(async () => (await import("@/lib/recalls/ingest")).flushIngest())
          .catch((error: unknown) => console.error(error))
          .finally(() => {
            process.exitCode = signal === "SIGINT" ? 130 : 143;
            resolve();
          });
      });
      server.closeIdleConnections();
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });
  // The ingest writer's worker and database pools would keep the process alive.
  process.exit();
});
