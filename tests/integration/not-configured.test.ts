// A fresh install without IM_SDKAPPID: the app runs, but refuses callbacks until it is set up.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { callbackUrl, post, recallBody } from "../support/im";

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { IM_SDKAPPID: "" } });
});
afterAll(async () => {
  await app?.stop();
});

it("refuses callbacks with 503 and says what to configure", async () => {
  const res = await post(callbackUrl(app.url), recallBody());
  expect(res.status).toBe(503);
  expect(res.json).toEqual({ ActionStatus: "FAIL", ErrorCode: 1, ErrorInfo: "Recall Monitor has no SDKAppID configured: set IM_SDKAPPID" });
  expect(await (await app.db()).recall.count()).toBe(0);
});

it("still serves the dashboard and the health check", async () => {
  expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
  const page = await fetch(app.url, { headers: await app.cookieFor("viewer") });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("no SDKAppID is configured");
});
