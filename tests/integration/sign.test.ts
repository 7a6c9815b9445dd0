// Callback authentication: with IM_CALLBACK_TOKEN set, every callback must carry a fresh, valid Sign.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackSign } from "@/lib/im/sign";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { callbackUrl, post, RECALL, recallBody } from "../support/im";

const TOKEN = "xxxxyyyy";
let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { IM_CALLBACK_TOKEN: TOKEN, IM_CALLBACK_MAX_SKEW_SECONDS: "60", IM_SDKAPPID: `1400000000,${TEST_APP_ID}` } });
});
afterAll(async () => {
  await app?.stop();
});

const count = async (msgKey: unknown) => (await app.db()).recall.count({ where: { msgKey: String(msgKey) } });

describe("with callback authentication on", () => {
  it("stores a correctly signed recall", async () => {
    const body = recallBody();
    const res = await post(callbackUrl(app.url, { token: TOKEN }), body);
    expect(res).toMatchObject({ status: 200, json: { ActionStatus: "OK", ErrorCode: 0 } });
    expect(await count(body.MsgKey)).toBe(1);
  });

  it("refuses a forged Sign with 401 and stores nothing", async () => {
    const body = recallBody();
    const res = await post(callbackUrl(app.url, { token: "not-the-token" }), body);
    expect(res).toMatchObject({ status: 401, json: { ActionStatus: "FAIL", ErrorCode: 1, ErrorInfo: "Sign does not match" } });
    expect(await count(body.MsgKey)).toBe(0);
  });

  it("refuses a stale RequestTime with 401 even when its Sign is right (a replayed URL)", async () => {
    const body = recallBody();
    const stale = Math.floor(Date.now() / 1000) - 600;
    const res = await post(callbackUrl(app.url, { token: TOKEN, requestTime: stale }), body);
    expect(res.status).toBe(401);
    expect(res.json?.ErrorInfo).toMatch(/RequestTime is \d+ s from server time \(allowed 60 s\)/);
    expect(await count(body.MsgKey)).toBe(0);
  });

  it("refuses a callback without Sign, for every command", async () => {
    const res = await post(callbackUrl(app.url), recallBody());
    expect(res).toMatchObject({ status: 401, json: { ActionStatus: "FAIL", ErrorCode: 1 } });
    const other = await post(callbackUrl(app.url, { command: "State.StateChange" }), "{}");
    expect(other.status).toBe(401);
  });

  it("checks the app before the Sign, and accepts any configured app", async () => {
    expect((await post(callbackUrl(app.url, { token: TOKEN, sdkAppId: "999" }), recallBody())).status).toBe(403);
    const t = String(Math.floor(Date.now() / 1000));
    const url = `${app.url}/api/im/callback?SdkAppid=1400000000&CallbackCommand=${RECALL}&RequestTime=${t}&Sign=${callbackSign(TOKEN, t)}`;
    expect((await post(url, recallBody())).status).toBe(200);
  });
});
