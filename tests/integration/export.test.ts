// CSV export over real HTTP against the production build, on SQLite and PostgreSQL.
import { createHash } from "node:crypto";
import { get, type IncomingMessage } from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/lib/db/client";
import { verifyExportLog } from "@/lib/export/export-log";
import { normalisePlatform } from "@/lib/im/platform";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { parseCsvObjects } from "../support/csv";
import { callbackUrl, eventually, post, recallBody } from "../support/im";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";

const HEADER = "received_at,event_time,sdk_app_id,from_account,to_account,msg_key,unread_msg_num,opt_platform,client_ip";
const FILENAME = /^attachment; filename="recalls-(\d{8}T\d{6}Z)\.csv"$/;

type ApiRecall = {
  id: number;
  sdkAppId: string;
  fromAccount: string;
  toAccount: string;
  msgKey: string;
  unreadMsgNum: number | null;
  eventTime: string | null;
  receivedAt: string;
  optPlatform: string | null;
  clientIp: string | null;
};

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The CSV cells a recall from the JSON API must export as (injection prefix included). */
function expectedCells(r: ApiRecall): Record<string, string> {
  const cell = (v: string | number | null) => {
    // docs/export.md: a ' at the start before a formula character, and after a semicolon or line
    // break that precedes a formula character, a double quote or the value's end.
    const text = (v === null ? "" : String(v)).replace(/(;|\n|\r(?!\n))(?=[=+\-@\t\r"]|$)/g, "$1'");
    return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  };
  return {
    received_at: cell(r.receivedAt),
    event_time: cell(r.eventTime),
    sdk_app_id: cell(r.sdkAppId),
    from_account: cell(r.fromAccount),
    to_account: cell(r.toAccount),
    msg_key: cell(r.msgKey),
    unread_msg_num: cell(r.unreadMsgNum),
    opt_platform: cell(r.optPlatform),
    client_ip: cell(r.clientIp),
  };
}

/** fetch as the test auditor: the export, its count and the export log need that role. */
async function fetchAs(app: TestApp, url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: { ...(await app.headersFor("auditor")), ...(init.headers as Record<string, string> | undefined) },
  });
}

async function allFromApi(app: TestApp, query: string): Promise<ApiRecall[]> {
  const items: ApiRecall[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams(query);
    q.set("limit", "500");
    if (cursor) q.set("cursor", cursor);
    const res = await fetchAs(app, `${app.url}/api/recalls?${q}`);
    expect(res.status, query).toBe(200);
    const page = (await res.json()) as { items: ApiRecall[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

async function download(app: TestApp, query: string) {
  const res = await fetchAs(app, `${app.url}/api/recalls/export${query ? `?${query}` : ""}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
}

/**
 * Sends a callback as IM does, redelivering after a 503 (the receiver's answer when a commit is
 * slow) or a connection the server had just closed as idle (after a long seeding pause).
 */
async function deliver(app: TestApp, body: Record<string, unknown>) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await post(callbackUrl(app.url, { optPlatform: "Android" }), body);
      if (res.status !== 503 || attempt === 3) return res;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** GET of a JSON answer, retried once if the server had just closed the idle connection. */
async function fetchJson(app: TestApp, url: string) {
  try {
    return await (await fetchAs(app, url)).json();
  } catch {
    return (await fetchAs(app, url)).json();
  }
}

/** A download through node:http, whose paused response really stops reading from the socket. */
function openDownload(url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers }, resolve).on("error", reject);
  });
}

/** Resolves with the next chunk of a response, then leaves it paused. */
const nextChunk = (res: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    res.once("data", (chunk: Buffer) => {
      res.pause();
      resolve(chunk);
    });
    res.resume();
  });

/** The rest of a response. */
const rest = (res: IncomingMessage) =>
  new Promise<Buffer[]>((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => resolve(chunks));
    res.on("error", reject);
    res.resume();
  });

async function exportEntries(app: TestApp, exportId: string) {
  return (await app.db()).exportLog.findMany({ where: { exportId }, orderBy: { seq: "asc" } });
}

describe("export of a small, varied recall log", () => {
  let app: TestApp;
  const t0 = Date.now();

  beforeAll(async () => {
    app = await startApp();
    const send = async (params: Parameters<typeof callbackUrl>[1], body: Record<string, unknown>) => {
      const res = await post(callbackUrl(app.url, params), recallBody(body));
      expect(res.status).toBe(200);
    };
    // In sequence, so receivedAt differs and the order is meaningful.
    for (let i = 0; i < 6; i++) await send({ optPlatform: "iOS", clientIp: "198.51.100.1" }, { From_Account: "alice", To_Account: "bob" });
    for (let i = 0; i < 4; i++)
      await send({ optPlatform: "Android", clientIp: "198.51.100.2" }, { From_Account: "bob", To_Account: "carol" });
    await send({ optPlatform: "Web" }, { From_Account: "carol", To_Account: "alice", UnreadMsgNum: undefined, EventTime: 1764148509123 });
    await send({ optPlatform: "ios" }, { From_Account: '=HYPERLINK("http://x")', To_Account: "+alice", MsgKey: '@key,with "quotes"' });
    // Admin recalls (admin_msgwithdraw: OptPlatform=RESTAPI); the legacy rows below include one without a platform (a user's).
    for (let i = 0; i < 2; i++) await send({ optPlatform: "RESTAPI" }, { From_Account: "alice", To_Account: "dave" });
    // Control characters in IDs and ClientIP are refused at ingest now, but rows stored before
    // that may hold them, and the export must still neutralise them: stored directly.
    const legacy = async (platform: string, overrides: Partial<NewRecall>) => {
      await storeTestRecalls(await appDb(app), [
        newRecall({ optPlatformRaw: platform, optPlatform: normalisePlatform(platform), receivedAt: new Date(), ...overrides }),
      ]);
      await new Promise((r) => setTimeout(r, 5));
    };
    await legacy("Windows", { fromAccount: "-1", toAccount: "用户😀𠮷", msgKey: "line1\nline2" });
    await legacy("Mac", { fromAccount: "tab\tinside", toAccount: "bob", unreadMsgNum: 0, clientIp: "\t10.0.0.1" });
    await legacy("Android", { fromAccount: "\r=cr", toAccount: "dave", msgKey: "cr\rkey" });
    await storeTestRecalls(await appDb(app), [
      newRecall({ optPlatformRaw: null, optPlatform: null, fromAccount: "dave", toAccount: "alice", receivedAt: new Date() }),
    ]);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const filters = [
    "",
    "user=alice",
    "user=bob",
    "from=alice",
    "to=bob",
    "platform=ios",
    "platform=Android",
    "ip=198.51.100.2",
    "msgKey=line1%0Aline2",
    `sdkAppId=${TEST_APP_ID}`,
    "sdkAppId=1400009999",
    "from=bob&platform=Android&ip=198.51.100.2",
    "user=alice&platform=Web",
    "to=%E7%94%A8%E6%88%B7%F0%9F%98%80%F0%A0%AE%B7",
    "kind=admin",
    "kind=user",
    "kind=user&user=alice",
    "kind=admin&platform=iOS",
  ];

  it.each(filters)("exports exactly the rows GET /api/recalls returns for ?%s, oldest first", async (query) => {
    const fromApi = await allFromApi(app, query);
    const { res, text } = await download(app, query);
    expect(res.status).toBe(200);
    const { header, rows } = parseCsvObjects(text);
    expect(header.join(",")).toBe(HEADER);
    // The API lists newest first; the export is in ascending (received_at, id) order.
    expect(rows).toEqual(fromApi.reverse().map(expectedCells));
  });

  it("splits admin recalls (OptPlatform=RESTAPI) from users' (any other platform, or none) in the API and the export", async () => {
    const admin = await allFromApi(app, "kind=admin");
    const user = await allFromApi(app, "kind=user");
    const all = await allFromApi(app, "");
    expect(admin.map((r) => r.optPlatform)).toEqual(["RESTAPI", "RESTAPI"]);
    expect(user.some((r) => r.optPlatform === null)).toBe(true);
    expect(user.every((r) => r.optPlatform !== "RESTAPI")).toBe(true);
    expect(admin.length + user.length).toBe(all.length);
    const exported = parseCsvObjects((await download(app, "kind=admin")).text).rows;
    expect(exported.map((r) => r.opt_platform)).toEqual(["RESTAPI", "RESTAPI"]);
  });

  it("applies since/until like the API, and exports header only when nothing matches", async () => {
    const all = await allFromApi(app, "");
    const middle = all[Math.floor(all.length / 2)];
    const since = middle?.receivedAt ?? new Date(t0).toISOString();
    for (const query of [`since=${since}`, `until=${since}`, `since=${new Date(t0 - 3_600_000).toISOString()}&until=${since}`]) {
      const fromApi = await allFromApi(app, query);
      const { rows } = parseCsvObjects((await download(app, query)).text);
      expect(rows, query).toEqual(fromApi.reverse().map(expectedCells));
    }
    const empty = await download(app, "from=nobody-at-all");
    expect(empty.text).toBe(`${HEADER}\r\n`);
  });

  it("refuses invalid filters with the same 400 answer as GET /api/recalls, and logs no export", async () => {
    const before = await (await app.db()).exportLog.count();
    for (const query of [
      "since=yesterday",
      "since=2026-11-27&until=2026-11-26",
      "sdkAppId=abc",
      "from=a&from=b",
      `from=${"x".repeat(300)}`,
      "kind=robot",
    ]) {
      const api = await fetchAs(app, `${app.url}/api/recalls?${query}`);
      const exp = await fetchAs(app, `${app.url}/api/recalls/export?${query}`);
      const count = await fetchAs(app, `${app.url}/api/recalls/export/count?${query}`);
      expect(exp.status, query).toBe(400);
      const apiBody = await api.json();
      expect(await exp.json(), query).toEqual(apiBody);
      expect(await count.json(), query).toEqual(apiBody);
    }
    const bom = await fetchAs(app, `${app.url}/api/recalls/export?bom=yes`);
    expect(bom.status).toBe(400);
    expect(await bom.json()).toMatchObject({ error: { code: "invalid_parameter", parameter: "bom" } });
    expect(await (await app.db()).exportLog.count()).toBe(before);
  });

  it("writes RFC 4180 CSV with CRLF, neutralised formulas and exact Unicode", async () => {
    const { text } = await download(app, "");
    expect(text.startsWith(`${HEADER}\r\n`)).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    // Every line break outside quoted values is CRLF.
    expect(text.replace(/"(?:[^"]|"")*"/g, "").match(/(?<!\r)\n/g)).toBeNull();
    const { rows } = parseCsvObjects(text);
    const by = (from: string) => rows.find((r) => r.from_account === from);
    expect(by(`'=HYPERLINK("http://x")`)).toMatchObject({ to_account: "'+alice", msg_key: `'@key,with "quotes"`, opt_platform: "iOS" });
    expect(by("'-1")).toMatchObject({ to_account: "用户😀𠮷", msg_key: "line1\nline2" });
    expect(by("tab\tinside")).toMatchObject({ client_ip: "'\t10.0.0.1", unread_msg_num: "0" });
    expect(by("'\r'=cr")).toMatchObject({ msg_key: "cr\rkey" });
    expect(by("carol")).toMatchObject({ event_time: "2025-11-26T09:15:09.123Z", unread_msg_num: "" });
    for (const r of rows) expect(r.received_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(text).toContain('"\'=HYPERLINK(""http://x"")"');
  });

  it("answers as a CSV download named after its UTC start time, and prepends a BOM only with bom=1", async () => {
    const before = Date.now();
    const plain = await download(app, "from=alice");
    expect(plain.res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const name = FILENAME.exec(plain.res.headers.get("content-disposition") ?? "");
    expect(name).not.toBeNull();
    const stamp = name?.[1] ?? "";
    const startedAt = Date.parse(
      `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`,
    );
    expect(startedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(startedAt).toBeLessThanOrEqual(Date.now());
    expect([...plain.bytes.slice(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);

    const withBom = await download(app, "from=alice&bom=1");
    expect([...withBom.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(Buffer.from(withBom.bytes.slice(3)).toString("utf8")).toBe(plain.text);
  });

  it("logs each export with a manifest whose SHA-256, row and byte counts match the bytes received", async () => {
    const { res, bytes, text } = await download(app, "user=bob&bom=1");
    const exportId = res.headers.get("x-export-id") ?? "";
    const entries = await exportEntries(app, exportId);
    expect(entries.map((e) => e.status)).toEqual(["started", "completed"]);
    const end = entries[1];
    expect(end?.sha256).toBe(sha256(bytes));
    expect(Number(end?.byteCount)).toBe(bytes.byteLength);
    expect(end?.rowCount).toBe(parseCsvObjects(text.slice(1)).rows.length);
    expect(JSON.parse(end?.filters ?? "")).toEqual({ user: "bob" });
    expect(end?.bom).toBe(true);
    expect(end?.requestedBy).toMatch(/^auditor@test\.example \(.*127\.0\.0\.1\)$/);

    const list = await (await fetchAs(app, `${app.url}/api/exports?limit=1`)).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      exportId,
      status: "completed",
      sha256: sha256(bytes),
      byteCount: bytes.byteLength,
      filters: { user: "bob" },
      bom: true,
      filename: FILENAME.exec(res.headers.get("content-disposition") ?? "")?.[0].match(/recalls-.*\.csv/)?.[0],
    });
    // Older exports are on the next page, newest first.
    const older = await (await fetchAs(app, `${app.url}/api/exports?limit=1&cursor=${list.nextCursor}`)).json();
    expect(older.items[0].startedAt <= list.items[0].startedAt).toBe(true);
    expect(older.items[0].exportId).not.toBe(exportId);
  });

  it("counts the rows an export with the same filters writes", async () => {
    for (const query of ["", "user=alice", "platform=Android", "from=nobody-at-all"]) {
      const count = await (await fetchAs(app, `${app.url}/api/recalls/export/count?${query}`)).json();
      const { text } = await download(app, query);
      expect(count.count, query).toBe(parseCsvObjects(text).rows.length);
    }
  });

  it("keeps the export log an intact hash chain that the database will not let anyone edit", async () => {
    const db = await app.db();
    expect(await verifyExportLog(db)).toMatchObject({ ok: true });
    await expect(db.exportLog.updateMany({ data: { sha256: "0".repeat(64) } })).rejects.toThrow();
    await expect(db.exportLog.deleteMany({})).rejects.toThrow();
    expect(await verifyExportLog(db)).toMatchObject({ ok: true });
  });
  // Last in this block: it damages the log on purpose.
  it("detects an entry edited behind the app's back, on /exports too", async () => {
    await download(app, "from=alice");
    const db = await app.db();
    const victim = await db.exportLog.findFirst({ where: { status: "completed" }, orderBy: { seq: "asc" } });
    expect(victim).not.toBeNull();
    // Someone with database access switches the guard off and rewrites a hash.
    if (app.database.dialect === "sqlite") {
      await db.$executeRawUnsafe("DROP TRIGGER export_log_no_update");
    } else {
      await db.$executeRawUnsafe("ALTER TABLE export_log DISABLE TRIGGER export_log_no_update_delete");
    }
    await db.$executeRaw`UPDATE export_log SET sha256 = ${"f".repeat(64)} WHERE seq = ${victim?.seq}`;
    expect(await verifyExportLog(db)).toMatchObject({ ok: false, seq: victim?.seq, problem: "its contents do not match its hash" });
    const page = await (await fetch(`${app.url}/exports`, { headers: await app.cookieFor("auditor") })).text();
    expect(page).toContain(`Log damaged at entry #${victim?.seq}`);
  });
});

describe("export of a large recall log while callbacks keep arriving", () => {
  let app: TestApp;
  const ROWS = 150_000;

  beforeAll(async () => {
    app = await startApp();
    // Generated by the database itself (seconds, where row-by-row inserts take minutes): more rows
    // than the socket buffers between server and client hold, so a paused reader really pauses
    // the export. Row i: MsgKey bulk_<i>, received a day ago + i * 100 ms.
    const start = new Date(Date.now() - 86_400_000);
    const columns =
      "sdk_app_id, from_account, to_account, msg_key, unread_msg_num, event_time, received_at, opt_platform_raw, opt_platform, client_ip";
    if (app.database.dialect === "sqlite") {
      const db = await app.db();
      // Prisma stores SQLite DateTimes as ISO text with a +00:00 offset.
      const at = Prisma.sql`strftime('%Y-%m-%dT%H:%M:%f+00:00', ${start.getTime() / 1000} + i / 10.0, 'unixepoch')`;
      await db.$executeRaw`
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS - 1})
        INSERT INTO recalls (${Prisma.raw(columns)})
        SELECT ${TEST_APP_ID}, 'bulk-' || (i % 97), 'bulk-' || (i * 7 % 89), 'bulk_' || i, i % 13, ${at}, ${at}, 'Android', 'Android', '192.0.2.1' FROM n`;
    } else {
      // On a connection of its own: the app's client carries the receiver's 1.5 s statement
      // timeout, which a bulk insert on a busy 2-core CI machine can exceed.
      const client = new pg.Client({ connectionString: app.database.url });
      await client.connect();
      try {
        await client.query(
          `INSERT INTO recalls (${columns})
           SELECT $1, 'bulk-' || (i % 97), 'bulk-' || (i * 7 % 89), 'bulk_' || i, i % 13, at, at, 'Android', 'Android', '192.0.2.1'
           FROM generate_series(0, $2::int - 1) AS i, LATERAL (SELECT ($3::timestamptz AT TIME ZONE 'UTC') + i * interval '100 milliseconds' AS at) t`,
          [TEST_APP_ID, ROWS, start.toISOString()],
        );
      } finally {
        await client.end();
      }
    }
    // Warm the server's callback path (and its connection) just before the test.
    expect((await deliver(app, recallBody({ From_Account: "warm-up", MsgKey: "warm_up" }))).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("holds exactly the rows present when it started, even as new callbacks are stored mid-download", async () => {
    const count = await fetchJson(app, `${app.url}/api/recalls/export/count`);
    expect(count.count).toBe(ROWS + 1);

    const res = await openDownload(`${app.url}/api/recalls/export`, await app.headersFor("auditor"));
    const exportId = String(res.headers["x-export-id"] ?? "");
    const chunks = [await nextChunk(res)];
    expect(chunks[0]?.toString("utf8").startsWith(`${HEADER}\r\n`)).toBe(true);

    // New recalls arrive while the download is paused; they sort after every existing row.
    const late = Array.from({ length: 20 }, (_, i) => recallBody({ From_Account: "late-sender", MsgKey: `late_${i}` }));
    for (const body of late) expect((await deliver(app, body)).json?.ActionStatus).toBe("OK");
    // The export was still running when they were stored (no end recorded yet).
    expect((await exportEntries(app, exportId)).map((e) => e.status)).toEqual(["started"]);

    chunks.push(...(await rest(res)));
    const bytes = Buffer.concat(chunks);
    const { rows } = parseCsvObjects(bytes.toString("utf8"));
    expect(rows).toHaveLength(ROWS + 1);
    expect(rows.some((r) => r.from_account === "late-sender")).toBe(false);
    const keys = rows.map((r) => r.msg_key);
    expect(new Set(keys).size).toBe(ROWS + 1);
    // Oldest first: the bulk rows (a day old, 100 ms apart), then the warm-up callback.
    expect(keys.slice(0, 3)).toEqual(["bulk_0", "bulk_1", "bulk_2"]);
    expect(keys.slice(-2)).toEqual([`bulk_${ROWS - 1}`, "warm_up"]);

    const end = (await exportEntries(app, exportId)).at(-1);
    expect(end).toMatchObject({ status: "completed", rowCount: ROWS + 1, sha256: sha256(bytes) });

    // A new export includes them.
    const after = await fetchJson(app, `${app.url}/api/recalls/export/count`);
    expect(after.count).toBe(ROWS + 1 + late.length);
  });

  it("stops and logs the export as aborted when the client disconnects mid-download", async () => {
    const controller = new AbortController();
    const res = await fetchAs(app, `${app.url}/api/recalls/export`, { signal: controller.signal });
    const exportId = res.headers.get("x-export-id") ?? "";
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    while (received < 200_000) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
    }
    controller.abort();
    await reader.cancel().catch(() => {});

    const entries = await eventually(
      () => exportEntries(app, exportId),
      (e) => e.length === 2,
      15_000,
    );
    expect(entries.map((e) => e.status)).toEqual(["started", "aborted"]);
    const end = entries[1];
    expect(end?.detail).toBe("client disconnected");
    expect(end?.rowCount).toBeLessThan(ROWS);
    expect(Number(end?.byteCount)).toBeGreaterThanOrEqual(received);

    const list = await fetchJson(app, `${app.url}/api/exports`);
    expect(list.items.find((m: { exportId: string }) => m.exportId === exportId)).toMatchObject({ status: "aborted" });
    expect(await verifyExportLog(await app.db())).toMatchObject({ ok: true });
  });
});
