// The client address the app records (export log; later the access log and rate limits) comes
// from the socket, and from X-Forwarded-For only through proxies TRUST_PROXY names.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiFetch } from "../support/api";
import { startApp, type TestApp } from "../support/app";
import { callbackUrl, post, recallBody } from "../support/im";

type ExportsList = { items: { exportId: string; requestedBy: string }[] };

/** Runs an export with these request headers and returns the address its log entry recorded. */
async function recordedAddress(app: TestApp, headers: Record<string, string>): Promise<string> {
  const res = await apiFetch(app, `/api/recalls/export`, { headers });
  expect(res.status).toBe(200);
  const exportId = res.headers.get("x-export-id");
  await res.text();
  const list = (await (await apiFetch(app, `/api/exports?limit=100`)).json()) as ExportsList;
  const entry = list.items.find((i) => i.exportId === exportId);
  if (!entry) throw new Error(`export ${exportId} is not in the export log`);
  // "who (address)": the signed-in staff member, then the address the request came from.
  const address = /^\S+@\S+ \((.*)\)$/.exec(entry.requestedBy)?.[1];
  if (address === undefined) throw new Error(`requestedBy is not "email (address)": ${entry.requestedBy}`);
  return address;
}

const FORGED = "203.0.113.50, 10.0.0.1 <b>x</b>";

describe("without TRUST_PROXY", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("records the socket's address, not a forged X-Forwarded-For or a forged private header", async () => {
    expect(await recordedAddress(app, { "x-forwarded-for": FORGED })).toBe("127.0.0.1");
    expect(await recordedAddress(app, { "x-forwarded-for": "198.51.100.9" })).toBe("127.0.0.1");
    expect(await recordedAddress(app, { "x-recall-monitor-client-ip": "198.51.100.9", "X-Recall-Monitor-Client-IP": "6.6.6.6" })).toBe(
      "127.0.0.1",
    );
    expect(await recordedAddress(app, {})).toBe("127.0.0.1");
  });
});

describe("with TRUST_PROXY naming the proxies", () => {
  let app: TestApp;
  beforeAll(async () => {
    // The test's requests come from 127.0.0.1: that is "the proxy"; 10.0.0.0/8 a second one behind it.
    app = await startApp({ env: { TRUST_PROXY: "loopback, 10.0.0.0/8", IM_CALLBACK_ALLOWED_CIDRS: "198.51.100.0/24, 2001:db8::/32" } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("walks X-Forwarded-For through trusted proxies to the client", async () => {
    expect(await recordedAddress(app, { "x-forwarded-for": "198.51.100.9" })).toBe("198.51.100.9");
    expect(await recordedAddress(app, { "x-forwarded-for": "6.6.6.6, 203.0.113.50, 10.1.2.3" })).toBe("203.0.113.50");
    expect(await recordedAddress(app, { "x-forwarded-for": "2001:DB8::7" })).toBe("2001:db8::7");
  });

  it("never records a value that is not an address", async () => {
    expect(await recordedAddress(app, { "x-forwarded-for": FORGED })).toBe("127.0.0.1");
  });

  it("accepts callbacks only from IM_CALLBACK_ALLOWED_CIDRS, answering others in IM's shape", async () => {
    const ok = await post(callbackUrl(app.url), recallBody(), { "x-forwarded-for": "198.51.100.20" });
    expect(ok.json).toEqual({ ActionStatus: "OK", ErrorInfo: "", ErrorCode: 0 });
    const body = recallBody();
    const refused = await post(callbackUrl(app.url), body, { "x-forwarded-for": "203.0.113.50" });
    expect(refused.status).toBe(403);
    expect(refused.json?.ActionStatus).toBe("FAIL");
    expect(refused.json?.ErrorCode).toBe(1);
    expect(refused.json?.ErrorInfo).toMatch(
      /callbacks from 203\.0\.113\.50 are not accepted: the address is not in IM_CALLBACK_ALLOWED_CIDRS/,
    );
    // Nothing was stored for the refused one.
    const db = await app.db();
    expect(await db.recall.count({ where: { msgKey: String(body.MsgKey) } })).toBe(0);
  });
});

describe("with TRUST_PROXY as a number of hops", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp({ env: { TRUST_PROXY: "1", IM_CALLBACK_ALLOWED_CIDRS: "198.51.100.0/24" } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("takes the entry the nearest proxy appended, ignoring what the client wrote before it", async () => {
    expect(await recordedAddress(app, { "x-forwarded-for": "6.6.6.6, 203.0.113.50" })).toBe("203.0.113.50");
  });

  it("refuses a callback whose client forged an allowed address further left", async () => {
    const refused = await post(callbackUrl(app.url), recallBody(), { "x-forwarded-for": "198.51.100.20, 203.0.113.50" });
    expect(refused.status).toBe(403);
    expect(refused.json?.ErrorInfo).toMatch(/203\.0\.113\.50/);
  });
});
