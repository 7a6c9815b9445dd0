// The hostile-input generator: from a seeded random source, requests to the IM callback endpoint
// and to every JSON API that no well-behaved client sends (broken and absurdly nested JSON, values
// of the wrong type, every control character, lone surrogates, bidirectional controls, invalid
// UTF-8, SQL and spreadsheet-formula payloads, huge bodies and query strings, wrong methods,
// absurd ranges and limits). Each request says how it is to be sent (an ordinary request, or a raw
// socket for what an HTTP client refuses to send) and, for a recall, which identity it would store.
import { callbackSign } from "@/lib/im/sign";
import type { Rng } from "@/lib/simulator/traffic";
import { TEST_APP_ID } from "../support/app";
import { RECALL } from "../support/im";

export type HostileRequest = {
  /** What kind of hostility, for the summary. */
  kind: string;
  method: string;
  /** Path and query as raw bytes (latin1), so invalid percent-encoding goes out as written. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Which of the test admin's credentials go with it: none, an API token, or a session cookie. */
  credentials: "none" | "token" | "session";
  /**
   * "chunked-unterminated": a raw socket sends the headers of a chunked body and one chunk, never
   * the last chunk. "stream": read only the status (the answer is an endless event stream).
   */
  transport: "http" | "chunked-unterminated" | "stream";
  /** Send the body chunked (no Content-Length), so the server cannot refuse it by its declared size. */
  chunked?: boolean;
  /** For a JSON API request with its route's own method: "<METHOD> <route pattern>". */
  route?: string;
  /** For a recall callback: the identity it would store if it was accepted. */
  recall?: { fromAccount: string; toAccount: string; msgKey: string };
};

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const int = (rng: Rng, below: number) => Math.floor(rng() * below);

/** U+0000–U+001F, U+007F–U+009F: every C0 and C1 control character. */
export const CONTROL_CHARACTERS = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
];
const LONE_SURROGATES = ["\uD800", "\uDBFF", "\uDC00", "\uDFFF", "a\uD83D", "\uDE00b"];
const BIDI = ["\u202E", "\u202D", "\u202A", "\u202B", "\u202C", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C"];
const INVISIBLE = ["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\u3000", "\u00A0"];
const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE recalls; --",
  '" OR 1=1 --',
  "1; SELECT pg_sleep(10); --",
  "%' AND 1=0 UNION SELECT sql FROM sqlite_master --",
  "\\'; DELETE FROM staff; --",
  "admin'--",
  "1) OR (1=1",
];
const FORMULA = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", '=HYPERLINK("http://x")', "a;=1+1", "a\n=1+1", "a\r=1", "\t=1", "=cmd|' /C calc'!A0"];
const NAN_LIKE = [
  "NaN",
  "Infinity",
  "-Infinity",
  "null",
  "undefined",
  "true",
  "-0",
  "0x1F",
  "1e309",
  "-1e309",
  "1e-400",
  "０",
  "٣",
  "1_000",
  " 1 ",
];
const HUGE_NUMBERS = ["9".repeat(400), "18446744073709551616", "9007199254740993", "1e308", "-9223372036854775809", "1".padEnd(40, "0")];
const MISC = [
  "",
  " ",
  "\u3000",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "%00",
  "%FF",
  "\\u0000",
  "😀".repeat(20),
  "אבג",
  "x".repeat(300),
  "x".repeat(10_000),
  "{}",
  "[]",
];

// Control characters are taken in turn rather than at random, so that a run of a few hundred
// hostile strings sends every one of them (hostileRequests starts the turn again).
let nextControl = 0;

/** One string hostile to some layer. */
export function hostileString(rng: Rng): string {
  const base = `u${int(rng, 1_000)}`;
  switch (int(rng, 9)) {
    case 0:
      return base + CONTROL_CHARACTERS[nextControl++ % CONTROL_CHARACTERS.length] + base;
    case 1:
      return pick(rng, LONE_SURROGATES) + base;
    case 2:
      return pick(rng, BIDI) + base;
    case 3:
      return pick(rng, INVISIBLE) + (rng() < 0.5 ? base : "");
    case 4:
      return pick(rng, SQL);
    case 5:
      return pick(rng, FORMULA);
    case 6:
      return pick(rng, NAN_LIKE);
    case 7:
      return pick(rng, HUGE_NUMBERS);
    default:
      return pick(rng, MISC);
  }
}

/** A JSON value of some type, often not the one expected. */
function hostileValue(rng: Rng): unknown {
  switch (int(rng, 8)) {
    case 0:
      return null;
    case 1:
      return rng() < 0.5;
    case 2:
      return pick(rng, [0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), Number.MAX_VALUE, 1e-320]);
    case 3:
      return [hostileString(rng)];
    case 4:
      return { [hostileString(rng)]: hostileString(rng) };
    default:
      return hostileString(rng);
  }
}

/** Raw JSON text JSON.stringify cannot produce: numbers out of range, NaN, duplicate keys. */
const RAW_JSON_VALUES = [
  "1e999999",
  "-1e999999",
  "123456789012345678901234567890",
  "NaN",
  "Infinity",
  "-0",
  "0.0000001e-400",
  "01",
  "1.",
  ".5",
  "+1",
  "0x10",
];

const utf8 = (s: string) => Buffer.from(s, "utf8");

/** Byte sequences that are not UTF-8: a stray continuation, overlong encodings, encoded surrogates, a cut sequence. */
const INVALID_UTF8 = [
  [0xff],
  [0xfe],
  [0x80],
  [0xc0, 0x80],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
];

/** `n` nested arrays or objects. */
export function deepJson(n: number, shape: "array" | "object"): Buffer {
  return shape === "array" ? utf8(`${"[".repeat(n)}${"]".repeat(n)}`) : utf8(`${'{"a":'.repeat(n)}1${"}".repeat(n)}`);
}

function truncated(text: string, rng: Rng): Buffer {
  return utf8(text.slice(0, int(rng, Math.max(1, text.length - 1))));
}

function withInvalidUtf8(text: string, rng: Rng): Buffer {
  const bytes = utf8(text);
  const at = int(rng, bytes.length);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(rng, INVALID_UTF8)), bytes.subarray(at)]);
}

// ---- the endpoints ---------------------------------------------------------------------------

/**
 * One route file's method. `pattern` is the route file's folder under app/ (so the test can require
 * that every exported handler of every app/api/**\/route.ts is here); `path` makes a URL for it.
 */
export type Route = { method: string; pattern: string; path: (rng: Rng) => string; bodied?: boolean; stream?: boolean };

const segment = (rng: Rng): string => {
  switch (int(rng, 5)) {
    case 0:
      return pick(rng, ["%FF", "%E0%A4%A", "%", "%%", "%C0%80", "%ED%A0%80", "%00", "%2F..%2F"]);
    case 1:
      return encodeURIComponent(hostileString(rng).replace(/[\uD800-\uDFFF]/g, "")) || "x";
    case 2:
      return String(pick(rng, [0, -1, "1e9", "99999999999999999999", "NaN", "null", "1.5", "0x10"]));
    default:
      return `${int(rng, 100)}`;
  }
};

const route = (method: string, pattern: string, options: { bodied?: boolean; stream?: boolean } = {}): Route => ({
  method,
  pattern,
  // Each dynamic segment gets a hostile value; a catch-all gets a known sub-path or a hostile one.
  path: (rng) =>
    pattern.replace(/\[\.\.\.[^\]]+\]|\[[^\]]+\]/g, (m) =>
      m.startsWith("[...") ? pick(rng, ["sign-in/email", "get-session", "sign-out", "ok", segment(rng)]) : segment(rng),
    ),
  bodied: options.bodied ?? ["POST", "PUT", "PATCH"].includes(method),
  stream: options.stream,
});

/** Every handler of every app/api/**\/route.ts but the callback endpoint (hostile-input.test.ts checks the list is complete). */
export const ROUTES: Route[] = [
  route("POST", "/api/admin/alerts/preview"),
  route("PATCH", "/api/admin/alerts/rules/[id]"),
  route("DELETE", "/api/admin/alerts/rules/[id]"),
  route("GET", "/api/admin/alerts/rules"),
  route("POST", "/api/admin/alerts/rules"),
  route("GET", "/api/admin/channels/[id]"),
  route("PATCH", "/api/admin/channels/[id]"),
  route("DELETE", "/api/admin/channels/[id]"),
  route("POST", "/api/admin/channels/[id]/test"),
  route("GET", "/api/admin/channels"),
  route("POST", "/api/admin/channels"),
  route("DELETE", "/api/admin/holds/[id]"),
  route("GET", "/api/admin/holds"),
  route("POST", "/api/admin/holds"),
  route("POST", "/api/admin/staff/[id]/password"),
  route("PATCH", "/api/admin/staff/[id]"),
  route("DELETE", "/api/admin/staff/[id]/sessions"),
  route("GET", "/api/admin/staff"),
  route("POST", "/api/admin/staff"),
  route("POST", "/api/alerts/[id]/acknowledge"),
  route("GET", "/api/alerts"),
  route("GET", "/api/alerts/summary"),
  route("GET", "/api/audit/export"),
  route("GET", "/api/audit"),
  route("GET", "/api/auth/[...all]"),
  route("POST", "/api/auth/[...all]"),
  route("POST", "/api/bench/parse-only"),
  route("POST", "/api/bench/no-op"),
  route("GET", "/api/exports"),
  route("GET", "/api/health/live"),
  route("GET", "/api/health"),
  route("PUT", "/api/me/locale"),
  route("GET", "/api/metrics"),
  route("GET", "/api/overview"),
  route("GET", "/api/recalls/[id]"),
  route("GET", "/api/recalls/export/count"),
  route("GET", "/api/recalls/export"),
  route("GET", "/api/recalls"),
  route("GET", "/api/recalls/stream", { stream: true }),
  route("DELETE", "/api/tokens/[id]"),
  route("GET", "/api/tokens"),
  route("POST", "/api/tokens"),
  route("GET", "/api/unread-sparklines"),
  route("GET", "/api/users/[userId]/counterparts"),
  route("GET", "/api/users/[userId]/trend"),
  route("GET", "/api/users"),
  route("PATCH", "/api/views/[id]"),
  route("DELETE", "/api/views/[id]"),
  route("GET", "/api/views"),
  route("POST", "/api/views"),
];

/** The callback endpoint's handlers: hostileCallback sends to it (GET: a wrong method). */
export const CALLBACK_ROUTES = ["POST /api/im/callback", "GET /api/im/callback"];

/** Every query parameter and body field some API reads. */
const FIELDS = [
  "since",
  "until",
  "limit",
  "cursor",
  "sort",
  "order",
  "q",
  "user",
  "userId",
  "from",
  "to",
  "msgKey",
  "platform",
  "sdkAppId",
  "points",
  "days",
  "bucket",
  "bom",
  "action",
  "ip",
  "name",
  "email",
  "role",
  "password",
  "disabled",
  "expiresAt",
  "reason",
  "lastEventId",
  "page",
  "state",
  "app",
  "kind",
  "format",
  "fromAccount",
  "toAccount",
];

const ABSURD: Record<string, string[]> = {
  since: ["0001-01-01", "0000-01-01", "9999-12-31T23:59:59Z", "-271821-04-20", "2026-02-30", "2026-13-01", "1970-01-01T00:00:00+99:99"],
  until: ["9999-12-31", "0001-01-01", "275760-09-13", "2026-11-26T24:00:00Z"],
  limit: ["0", "-1", "501", "1e10", "99999999999999999999", "a".repeat(5_000), "1.5", "0x10", " 5"],
  points: ["0", "1", "200", "201", "100000000", "-5", "NaN"],
  days: ["0", "-1", "36500", "1e9", "Infinity"],
  cursor: ["x", "e30", "eyJpZCI6LTF9", "A".repeat(4_000), "%FF"],
  sort: ["userId", "recalls DESC; --", "__proto__", "constructor"],
  order: ["asc", "desc", "sideways"],
};

const encodeValue = (v: string) => encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, "\uFFFD"));

function hostileQuery(rng: Rng): { query: string; kind: string } {
  switch (int(rng, 10)) {
    case 0: {
      // 10,000 parameters: more than fits in Node's 16 KiB of request head (431) ...
      const n = 10_000;
      return { query: Array.from({ length: n }, (_, i) => `p${i}=${i}`).join("&"), kind: "10k params" };
    }
    case 1: {
      // ... and as many of one name as do fit, so the handler sees them.
      const name = pick(rng, FIELDS);
      return { query: Array.from({ length: 3_000 }, () => `${name}=a`).join("&"), kind: "3k repeated params" };
    }
    case 2: {
      const name = pick(rng, FIELDS);
      return { query: `${name}=1&${name}=2&${name}=`, kind: "repeated param" };
    }
    case 3:
      return { query: `${pick(rng, FIELDS)}=${pick(rng, ["%FF", "%", "%E0%A4%A", "%C0%80", "%ED%A0%80"])}`, kind: "bad percent-encoding" };
    default: {
      const parts: string[] = [];
      for (let i = 0, n = 1 + int(rng, 4); i < n; i++) {
        const name = pick(rng, FIELDS);
        const absurd = ABSURD[name];
        const value = absurd && rng() < 0.6 ? pick(rng, absurd) : hostileString(rng);
        parts.push(`${name}=${encodeValue(value)}`);
      }
      return { query: parts.join("&"), kind: "hostile values" };
    }
  }
}

function hostileJsonBody(rng: Rng, fields: readonly string[]): { body: Buffer; kind: string } {
  const object: Record<string, unknown> = {};
  for (const f of fields) object[f] = rng() < 0.7 ? hostileValue(rng) : `v${int(rng, 100)}`;
  const text = JSON.stringify(object);
  switch (int(rng, 12)) {
    case 0:
      return { body: truncated(text, rng), kind: "truncated JSON" };
    case 1:
      return { body: deepJson(100_000, rng() < 0.5 ? "array" : "object"), kind: "100k-deep JSON" };
    case 2:
      return { body: withInvalidUtf8(text, rng), kind: "invalid UTF-8" };
    case 3: {
      const f = pick(rng, fields);
      return { body: utf8(text.replace(/}$/, `,"${f}":${pick(rng, RAW_JSON_VALUES)}}`)), kind: "raw JSON number" };
    }
    case 4:
      return { body: utf8(pick(rng, ["", "null", "[]", "1", '"x"', "{", "}", "{}}", "\uFEFF{}", "{'a':1}"])), kind: "not an object" };
    default:
      return { body: utf8(text), kind: "wrong types and hostile strings" };
  }
}

// ---- the callback endpoint ---------------------------------------------------------------------

const RECALL_FIELDS = ["From_Account", "To_Account", "MsgKey", "UnreadMsgNum", "CallbackCommand", "EventTime"];

/** IM's query string, signed with `token` (RequestTime now) as IM signs it when a token is configured. */
function callbackQuery(rng: Rng, token: string | undefined): { query: string; kind?: string } {
  const q = new URLSearchParams({
    SdkAppid: TEST_APP_ID,
    CallbackCommand: RECALL,
    contenttype: "json",
    ClientIP: "203.0.113.9",
    OptPlatform: "iOS",
  });
  if (token !== undefined) {
    const t = String(Math.floor(Date.now() / 1000));
    q.set("RequestTime", t);
    q.set("Sign", callbackSign(token, t));
  }
  const r = rng();
  if (r < 0.75) return { query: q.toString() };
  if (r < 0.8) return { query: `${q}&${hostileQuery(rng).query}`, kind: "callback: hostile query" };
  const name = pick(rng, ["SdkAppid", "CallbackCommand", "ClientIP", "OptPlatform", "contenttype", "RequestTime", "Sign"]);
  q.set(name, hostileString(rng).replace(/[\uD800-\uDFFF]/g, "\uFFFD"));
  if (rng() < 0.3) q.append(name, "again");
  return { query: q.toString(), kind: `callback: hostile ${name}` };
}

function hostileCallback(rng: Rng, i: number, prefix: string, token: string | undefined): HostileRequest {
  const { query, kind: queryKind } = callbackQuery(rng, token);
  const path = `/api/im/callback?${query}`;
  const recall: Record<string, unknown> = {
    CallbackCommand: RECALL,
    From_Account: `u${int(rng, 50)}`,
    To_Account: `u${int(rng, 50)}`,
    MsgKey: `${prefix}_${i}`,
    UnreadMsgNum: int(rng, 20),
  };
  const base = { method: "POST", path, headers: {}, credentials: "none" as const, transport: "http" as const };
  const r = rng();
  if (r < 0.015) return { ...base, kind: "callback: 10 MiB body", body: Buffer.alloc(10 * 1024 * 1024, 0x20), chunked: rng() < 0.5 };
  if (r < 0.03)
    return { ...base, kind: "callback: chunked body without end", transport: "chunked-unterminated", body: utf8(JSON.stringify(recall)) };
  if (r < 0.07) return { ...base, kind: "callback: 100k-deep JSON", body: deepJson(100_000, rng() < 0.5 ? "array" : "object") };
  if (r < 0.11) return { ...base, kind: "callback: deep JSON within the size limit", body: deepJson(30_000, "array") };
  if (r < 0.16) return { ...base, kind: "callback: truncated JSON", body: truncated(JSON.stringify(recall), rng) };
  if (r < 0.21) return { ...base, kind: "callback: invalid UTF-8", body: withInvalidUtf8(JSON.stringify(recall), rng) };
  if (r < 0.26) {
    const f = pick(rng, ["UnreadMsgNum", "EventTime", "From_Account"]);
    return {
      ...base,
      kind: "callback: raw JSON number",
      body: utf8(JSON.stringify(recall).replace(/}$/, `,"${f}":${pick(rng, RAW_JSON_VALUES)}}`)),
      // Some of these are valid JSON numbers (-0, 1e999999 as Infinity): the recall may be stored.
      recall: { fromAccount: String(recall.From_Account), toAccount: String(recall.To_Account), msgKey: String(recall.MsgKey) },
    };
  }
  if (r < 0.3)
    return {
      ...base,
      kind: "callback: wrong method",
      method: pick(rng, ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
      body: undefined,
    };
  if (r < 0.55) {
    // Hostile values in one or more fields; many of these are valid IDs (SQL, formulas, bidi) and must be stored as sent.
    for (let n = 1 + int(rng, 2); n > 0; n--) {
      const f = pick(rng, RECALL_FIELDS);
      recall[f] = rng() < 0.7 ? hostileString(rng) : hostileValue(rng);
    }
    // Keep the identity unique per request so that "every accepted one is stored" is a count.
    if (typeof recall.MsgKey === "string" && recall.MsgKey !== `${prefix}_${i}`) recall.MsgKey = `${recall.MsgKey}${prefix}_${i}`;
  } else if (r < 0.58) {
    recall[pick(rng, ["From_Account", "To_Account", "MsgKey"])] = `${pick(rng, CONTROL_CHARACTERS)}${prefix}_${i}`;
  }
  const body = utf8(JSON.stringify(recall));
  const identity =
    typeof recall.From_Account === "string" && typeof recall.To_Account === "string" && typeof recall.MsgKey === "string"
      ? { fromAccount: recall.From_Account, toAccount: recall.To_Account, msgKey: recall.MsgKey }
      : undefined;
  return { ...base, kind: queryKind ?? (r < 0.58 ? "callback: hostile fields" : "callback: well-formed"), body, recall: identity };
}

// ---- the mix -----------------------------------------------------------------------------------

const BODY_FIELDS = [
  "email",
  "role",
  "password",
  "name",
  "disabled",
  "expiresAt",
  "reason",
  "fromAccount",
  "toAccount",
  "msgKey",
  "userId",
  "note",
  "scope",
  "page",
  "query",
  "shared",
  "kind",
  "params",
  "apps",
  "channelIds",
  "cooldownMinutes",
  "enabled",
  "url",
  "secret",
  "language",
  "locale",
  "host",
  "port",
];

function hostileApi(rng: Rng): HostileRequest {
  const route = pick(rng, ROUTES);
  // Mostly signed in, so that the handlers behind the role check really run.
  const c = rng();
  const credentials: HostileRequest["credentials"] = c < 0.15 ? "none" : c < 0.75 ? "token" : "session";
  const { query, kind: queryKind } = hostileQuery(rng);
  let method = route.method;
  let kind = `api: ${queryKind}`;
  if (rng() < 0.1) {
    method = pick(
      rng,
      ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE"].filter((m) => m !== route.method),
    );
    kind = "api: wrong method";
  }
  const headers: Record<string, string> = {};
  const routeName = method === route.method ? `${route.method} ${route.pattern}` : undefined;
  let body: Buffer | undefined;
  let transport: HostileRequest["transport"] = route.stream && method === "GET" ? "stream" : "http";
  if (route.bodied || method === "POST" || method === "PATCH" || method === "PUT") {
    headers["content-type"] =
      rng() < 0.9
        ? "application/json"
        : pick(rng, [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/json; charset=latin1",
          ]);
    const r = rng();
    if (r < 0.02) {
      body = Buffer.alloc(10 * 1024 * 1024, 0x20);
      kind = "api: 10 MiB body";
      return {
        kind,
        method,
        path: `${route.path(rng)}?${query}`,
        headers,
        body,
        credentials,
        transport,
        route: routeName,
        chunked: rng() < 0.5,
      };
    } else if (r < 0.04) {
      body = utf8(JSON.stringify({ email: "x@example.com" }));
      transport = "chunked-unterminated";
      kind = "api: chunked body without end";
    } else {
      const fields = Array.from({ length: 1 + int(rng, 4) }, () => pick(rng, BODY_FIELDS));
      const b = hostileJsonBody(rng, fields);
      body = b.body;
      kind = `api: ${b.kind}`;
    }
  }
  return { kind, method, path: `${route.path(rng)}?${query}`, headers, body, credentials, transport, route: routeName };
}

/**
 * `count` hostile requests; about a third go to the callback endpoint, signed with `callbackToken`
 * when the server has one (a few with a hostile Sign or RequestTime).
 */
export function* hostileRequests(rng: Rng, count: number, prefix: string, callbackToken?: string): Generator<HostileRequest> {
  nextControl = 0;
  for (let i = 0; i < count; i++) yield rng() < 0.35 ? hostileCallback(rng, i, prefix, callbackToken) : hostileApi(rng);
}
