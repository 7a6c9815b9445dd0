// Alerts in a real browser: an admin adds a webhook channel and sends a test (verified by a
// Standard Webhooks receiver), changes its rate limit on the channel's page, previews and saves a
// burst rule and edits it, sees the header badge when the burst fires, and acknowledges the alert
// on /alerts.
import { expect, test } from "@playwright/test";
import { type Receiver, startRobotReceiver } from "../support/alert-receivers";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";

const SECRET = `whsec_${Buffer.from("browser-test-secret-0123456789abcd").toString("base64")}`;
let app: TestApp;
let hook: Receiver;
test.beforeAll(async () => {
  [app, hook] = await Promise.all([
    startApp({ env: { ALERTS_ALLOW_PRIVATE_TARGETS: "1", ALERTS_EVALUATE_MS: "500" } }),
    startRobotReceiver("webhook", SECRET),
  ]);
});
test.afterAll(async () => {
  await Promise.all([app?.stop(), hook?.close()]);
});

test("an admin creates a channel and a rule, sends a test, sees the alert fire on the badge and acknowledges it", async ({ page }) => {
  await signInAs(page, app, "admin");
  await page.goto(`${app.url}/admin/channels`);
  await page.getByLabel("Kind").selectOption("webhook");
  await page.getByLabel("Name").fill("On-call hook");
  await page.getByLabel("Webhook URL").fill(hook.url);
  await page.getByLabel(/^Secret/).fill(SECRET);
  await page.getByRole("button", { name: "Add channel" }).click();
  await expect(page.getByText('Channel "On-call hook" added.')).toBeVisible();
  const row = page.locator('tr[data-channel-name="On-call hook"]');
  await expect(row).toContainText("127.0.0.1");
  await expect(page.getByText(SECRET)).toHaveCount(0);
  await row.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByText("Test message accepted by On-call hook.")).toBeVisible();
  expect(hook.rejected).toEqual([]);
  expect(hook.accepted).toHaveLength(1);

  // The channel's page: its delivery log shows the test, and its rate limit can be changed.
  await row.getByRole("link", { name: "Delivery log" }).click();
  await expect(page.getByTestId("delivery-log")).toContainText("Sent");
  await page.getByLabel("Messages per minute at most").fill("10");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Channel updated.")).toBeVisible();
  await page.getByRole("link", { name: /Alert channels/ }).click();
  await expect(row.locator("td").nth(4)).toHaveText("10");

  await page.getByRole("link", { name: "Manage rules" }).click();
  await expect(page).toHaveURL(`${app.url}/admin/alerts`);
  await page.getByLabel("Name").fill("Mass recall");
  await page.getByLabel("Recalls (N)").fill("3");
  await page.getByLabel(/^Apps/).fill("1400000031");
  await page.getByRole("button", { name: "Preview last 7 days" }).click();
  await expect(page.getByTestId("rule-preview")).toHaveText("Would not have fired over the last 7 days.");
  await page.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByText('Rule "Mass recall" saved.')).toBeVisible();
  const ruleRow = page.locator('tr[data-rule-name="Mass recall"]');
  await expect(ruleRow).toContainText("On-call hook");
  // Edited in the same form, which starts from the rule's values.
  await ruleRow.getByRole("button", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { name: 'Editing "Mass recall"' })).toBeVisible();
  await expect(page.getByLabel("Recalls (N)")).toHaveValue("3");
  await page.getByLabel("Cooldown (minutes)").fill("45");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Rule updated.")).toBeVisible();
  await expect(ruleRow.locator("td").nth(4)).toHaveText("45");
  await expect(ruleRow).toContainText("count=3");
  await expect(page.getByTestId("alert-badge")).toHaveCount(0);

  await storeTestRecalls(
    await appDb(app),
    [1, 2, 3].map(() => newRecall({ sdkAppId: "1400000031", fromAccount: "eve" })),
  );
  const badge = page.getByTestId("alert-badge");
  await expect(badge).toHaveText("1 alert firing", { timeout: 20_000 });
  await badge.click();
  await expect(page).toHaveURL(`${app.url}/alerts?status=firing`);
  const alert = page.locator('tr[data-alert-status="firing"]');
  await expect(alert).toContainText("Mass recall");
  await expect(alert).toContainText("from=eve");
  await alert.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByText(/^Alert \d+ acknowledged\.$/)).toBeVisible();
  await expect(alert).toContainText("@");
  await expect(alert.getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
  await expect.poll(() => hook.accepted.length, { timeout: 10_000 }).toBe(2);
});
