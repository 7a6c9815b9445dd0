import { expect, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { callbackUrl, post, recallBody } from "../support/im";

test.describe("overview without an SDKAppID", () => {
  let app: TestApp;
  test.beforeAll(async () => {
    app = await startApp({ env: { IM_SDKAPPID: "" } });
  });
  test.afterAll(async () => {
    await app?.stop();
  });
  test.beforeEach(async ({ page }) => {
    await signInAs(page, app, "viewer");
  });

  test("shows the setup notice with the callback URL to enter", async ({ page }) => {
    await page.goto(app.url);
    await expect(page.getByRole("heading", { name: /no SDKAppID is configured/ })).toBeVisible();
    await expect(page.getByTestId("callback-url")).toHaveText(`${app.url}/api/im/callback`);
  });
});

test.describe("overview with an SDKAppID", () => {
  let app: TestApp;
  test.beforeAll(async () => {
    app = await startApp();
  });
  test.afterAll(async () => {
    await app?.stop();
  });
  test.beforeEach(async ({ page }) => {
    await signInAs(page, app, "viewer");
  });

  test("has no setup notice and counts stored recalls", async ({ page }) => {
    for (let i = 0; i < 3; i++) expect((await post(callbackUrl(app.url), recallBody())).status).toBe(200);
    await page.goto(app.url);
    await expect(page.getByText(/no SDKAppID is configured/)).toHaveCount(0);
    await expect(page.getByTestId("recall-count")).toHaveText("3");
  });
});
