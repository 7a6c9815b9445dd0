import { expect, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { msgKeyCells, sendRecall, uniqueTag, waitUntilLive } from "../support/dashboard";

let app: TestApp;
test.beforeAll(async () => {
  app = await startApp();
  // Enough rows that the log scrolls on a laptop screen.
  for (let i = 0; i < 40; i++) await sendRecall(app.url, { from: "ann", to: "ben", msgKey: `OLD-${i}` });
});
test.afterAll(async () => {
  await app?.stop();
});
test.beforeEach(async ({ page }) => {
  await signInAs(page, app, "viewer");
});

test("paused, new recalls wait behind an 'N new' button instead of moving the table", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  await waitUntilLive(page);
  await expect(page.getByTestId("live-indicator")).toHaveText("Live");

  await page.getByRole("button", { name: "Pause live updates" }).click();
  await expect(page.getByTestId("live-indicator")).toHaveText("Paused");
  await sendRecall(app.url, { from: "ann", to: "ben", msgKey: "PAUSED-1" });
  await sendRecall(app.url, { from: "ann", to: "ben", msgKey: "PAUSED-2" });
  await expect(page.getByTestId("new-recalls")).toHaveText(/^2 new recalls/);
  await expect(msgKeyCells(page).first()).toHaveText("OLD-39");

  await page.getByTestId("new-recalls").click();
  await expect(msgKeyCells(page).first()).toHaveText("PAUSED-2");
  await expect(msgKeyCells(page).nth(1)).toHaveText("PAUSED-1");
  await expect(page.getByTestId("new-recalls")).toHaveCount(0);

  // Resuming shows new rows at once again.
  await page.getByRole("button", { name: "Resume live updates" }).click();
  await expect(page.getByTestId("live-indicator")).toHaveText("Live");
  await sendRecall(app.url, { from: "ann", to: "ben", msgKey: "RESUMED-1" });
  await expect(msgKeyCells(page).first()).toHaveText("RESUMED-1");
});

test("scrolled down, new recalls wait behind the button; back at the top they show", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 600 });
  await page.goto(`${app.url}/recalls`);
  await waitUntilLive(page);
  await expect(msgKeyCells(page).first()).toBeVisible();
  const scrollDown = async () => {
    await page.getByTestId("row-count").scrollIntoViewIfNeeded();
    await expect(msgKeyCells(page).first()).not.toBeInViewport();
  };
  await scrollDown();

  await sendRecall(app.url, { from: "ann", to: "ben", msgKey: "SCROLLED-1" });
  await expect(page.getByTestId("new-recalls")).toHaveText(/^1 new recall/);
  await expect(page.getByTestId("new-recalls")).toBeInViewport();
  await expect(page.getByText("SCROLLED-1", { exact: true })).toHaveCount(0);

  await page.getByTestId("new-recalls").click();
  await expect(msgKeyCells(page).first()).toHaveText("SCROLLED-1");
  await expect(msgKeyCells(page).first()).toBeInViewport();

  await scrollDown();
  await sendRecall(app.url, { from: "ann", to: "ben", msgKey: "SCROLLED-2" });
  await expect(page.getByTestId("new-recalls")).toHaveText(/^1 new recall/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(msgKeyCells(page).first()).toHaveText("SCROLLED-2");
  await expect(page.getByTestId("new-recalls")).toHaveCount(0);
});

test("only recalls matching the page's filters arrive live", async ({ page }) => {
  await page.goto(`${app.url}/recalls?from=cy`);
  await expect(page.getByText("No recalls match these filters.")).toBeVisible();
  await waitUntilLive(page);
  await sendRecall(app.url, { from: "dee", to: "ben", msgKey: "NOT-MINE" });
  await sendRecall(app.url, { from: "cy", to: "ben", msgKey: "MINE" });
  await expect(msgKeyCells(page)).toHaveText(["MINE"]);
});

test("a range that has ended turns live updates off", async ({ page }) => {
  await page.goto(`${app.url}/recalls?until=2020-01-01T00:00:00Z`);
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "off");
  await expect(page.getByRole("button", { name: "Pause live updates" })).toHaveCount(0);
});

test("recalls that arrived while the viewer was on another page are there on coming back", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  await waitUntilLive(page);
  await page.getByRole("link", { name: "ann", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: "User ann" })).toBeVisible();
  const msgKey = `WHILE-AWAY-${uniqueTag()}`;
  await sendRecall(app.url, { from: "ann", to: "ben", msgKey });
  await page.goBack();
  await expect(msgKeyCells(page).first()).toHaveText(msgKey);
});

test("'Load older recalls' pages through the log by cursor, without repeating or skipping rows", async ({ page }) => {
  await page.goto(`${app.url}/recalls?limit=15`);
  await expect(msgKeyCells(page)).toHaveCount(15);
  const all = (await (await fetch(`${app.url}/api/recalls?limit=500`, { headers: await app.headersFor("viewer") })).json()) as {
    items: { msgKey: string }[];
  };
  const older = page.getByRole("button", { name: "Load older recalls" });
  await older.click();
  await expect(msgKeyCells(page)).toHaveCount(30);
  await older.click();
  await expect(msgKeyCells(page)).toHaveCount(45);
  while (await older.isVisible()) {
    const before = await msgKeyCells(page).count();
    await older.click();
    await expect(msgKeyCells(page)).not.toHaveCount(before);
  }
  await expect(page.getByText("End of the log.")).toBeVisible();
  await expect(msgKeyCells(page)).toHaveText(all.items.map((r) => r.msgKey));
});
