// Legal holds in a real browser: an admin places a hold with a reason, sees it listed, lifts it,
// and finds both actions in the access log; a viewer has no Legal holds link and is refused the page.
import { expect, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";

let app: TestApp;
test.beforeAll(async () => {
  app = await startApp();
});
test.afterAll(async () => {
  await app?.stop();
});

test("an admin places a hold, sees it listed, lifts it, and both are in the access log", async ({ page }) => {
  await signInAs(page, app, "admin");
  await page.goto(`${app.url}/`);
  await page.getByRole("link", { name: "Legal holds" }).click();
  await expect(page).toHaveURL(`${app.url}/admin/holds`);
  await expect(page.getByText("Retention is off (RETENTION_DAYS is unset)")).toBeVisible();
  await expect(page.getByText("No user is on hold.")).toBeVisible();

  await page.getByLabel("User ID").fill("suspect-42");
  await page.getByLabel("Reason").fill("Case 2026-117");
  await page.getByRole("button", { name: "Place hold" }).click();
  await expect(page.getByText("suspect-42 is on hold.")).toBeVisible();
  const row = page.locator('tr[data-hold-user="suspect-42"]');
  await expect(row).toContainText("Case 2026-117");
  await expect(row).toContainText("Active");

  // Twice is refused with the reason, and the list still shows one hold.
  await page.getByLabel("User ID").fill("suspect-42");
  await page.getByLabel("Reason").fill("again");
  await page.getByRole("button", { name: "Place hold" }).click();
  await expect(page.getByText(/^suspect-42 is already on hold \(since /)).toBeVisible();
  await expect(page.locator('tr[data-hold-user="suspect-42"]')).toHaveCount(1);

  await page.getByRole("button", { name: "Lift hold on suspect-42" }).click();
  await expect(page.getByText("The hold on suspect-42 is lifted.")).toBeVisible();
  await expect(row).toContainText("Lifted");
  await expect(page.getByRole("button", { name: "Lift hold on suspect-42" })).toHaveCount(0);

  await page.goto(`${app.url}/audit`);
  await expect(page.getByRole("cell", { name: "Placed a legal hold" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Lifted a legal hold" })).toBeVisible();
});

test("a viewer sees no Legal holds link and cannot open the page", async ({ page }) => {
  await signInAs(page, app, "viewer");
  await page.goto(`${app.url}/`);
  await expect(page.getByRole("link", { name: "Legal holds" })).toHaveCount(0);
  const res = await page.goto(`${app.url}/admin/holds`);
  expect(res?.status()).toBe(403);
});
