import { expect, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { sendRecall } from "../support/dashboard";

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

test("before any callback the overview warns that IM has not called yet", async ({ page }) => {
  await page.goto(app.url);
  await expect(page.getByTestId("callback-health")).toHaveAttribute("data-silent", "true");
  await expect(page.getByTestId("callback-health").getByRole("alert")).toContainText("IM has not called the callback URL yet");
  await expect(page.getByTestId("total-recalls")).toHaveText("0");
});

test("the overview shows recalls in range, top senders and recipients, the platform split and the last callback", async ({ page }) => {
  await sendRecall(app.url, { from: "ann", to: "ben", msgKey: "O1", platform: "iOS" });
  await sendRecall(app.url, { from: "ann", to: "cat", msgKey: "O2", platform: "iOS" });
  await sendRecall(app.url, { from: "ann", to: "ben", msgKey: "O3", platform: "Android" });
  await sendRecall(app.url, { from: "dan", to: "ben", msgKey: "O4", platform: "Web" });

  await page.goto(app.url);
  await expect(page.getByTestId("total-recalls")).toHaveText("4");
  await expect(page.getByTestId("callback-health")).toHaveAttribute("data-silent", "false");
  await expect(page.getByTestId("callback-health")).toContainText(/\d+ seconds? ago/);

  const senders = page.getByRole("region", { name: "Top senders" }).getByRole("listitem");
  await expect(senders).toHaveText([/ann\s*3$/, /dan\s*1$/]);
  const recipients = page.getByRole("region", { name: "Top recipients" }).getByRole("listitem");
  await expect(recipients).toHaveText([/ben\s*3$/, /cat\s*1$/]);
  await expect(page.getByTestId("platform-split").getByRole("listitem")).toHaveText([
    /iOS\s*2 \(50%\)/,
    /Android\s*1 \(25%\)/,
    /Web\s*1 \(25%\)/,
  ]);

  await senders.first().getByRole("link", { name: "ann" }).click();
  await expect(page.getByRole("heading", { name: "User ann" })).toBeVisible();
});

test("the range is kept in the URL", async ({ page }) => {
  await page.goto(app.url);
  await page.getByRole("button", { name: "Last 7 days" }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get("since")).not.toBeNull();
  await expect(page.getByRole("heading", { name: "Recalls per day" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { name: "Recalls per day" })).toBeVisible();
  await page.getByRole("button", { name: "Last 24 h" }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get("since")).toBeNull();
  await expect(page.getByRole("heading", { name: "Recalls per hour" })).toBeVisible();
});
