// Keyboard shortcuts: `/` focuses the first filter, j/k move a visible row selection, Enter opens
// it, Esc clears it or closes the list of shortcuts that `?` opens; none fires while typing.
import { expect, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { hydrated, seedTwoRecalls } from "../support/pages";

let app: TestApp;
test.beforeAll(async () => {
  app = await startApp();
  await seedTwoRecalls(app);
});
test.afterAll(async () => {
  await app?.stop();
});
test.beforeEach(async ({ page }) => {
  await signInAs(page, app, "viewer");
});

test("recall log: / focuses the first filter; typing there is typing; j/k select rows, Esc clears, Enter opens", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  const rows = page.locator("tbody tr[data-recall-id]");
  await expect(rows).toHaveCount(2);
  await hydrated(page);

  await page.keyboard.press("/");
  const sender = page.getByLabel("Sender");
  await expect(sender).toBeFocused();
  await page.keyboard.type("jk");
  await expect(sender).toHaveValue("jk");
  await expect(page.locator("[data-selected='true']")).toHaveCount(0);

  await page.getByRole("heading", { level: 1 }).click();
  await page.keyboard.press("j");
  await expect(rows.nth(0)).toHaveAttribute("data-selected", "true");
  await page.keyboard.press("j");
  await expect(rows.nth(1)).toHaveAttribute("data-selected", "true");
  await expect(rows.nth(0)).toHaveAttribute("data-selected", "false");
  await page.keyboard.press("k");
  await expect(rows.nth(0)).toHaveAttribute("data-selected", "true");
  await page.keyboard.press("Escape");
  await expect(page.locator("[data-selected='true']")).toHaveCount(0);

  await page.keyboard.press("j");
  const id = await rows.nth(0).getAttribute("data-recall-id");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(`${app.url}/recalls/${id}`);
});

test("users table: / focuses the search, ? there is typed; j/k select, Esc clears, Enter opens the user's page", async ({ page }) => {
  await page.goto(`${app.url}/users`);
  const rows = page.locator("tbody tr[data-user-id]");
  await expect(rows).toHaveCount(2);
  await hydrated(page);

  await page.keyboard.press("/");
  const focused = page.locator("input:focus");
  await expect(focused).toHaveCount(1);
  await page.keyboard.type("?j");
  await expect(focused).toHaveValue("?j");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.locator("[data-selected='true']")).toHaveCount(0);
  await focused.fill("");
  await expect(rows).toHaveCount(2);

  await page.getByRole("heading", { level: 1 }).click();
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await expect(rows.nth(1)).toHaveAttribute("data-selected", "true");
  await page.keyboard.press("k");
  await expect(rows.nth(0)).toHaveAttribute("data-selected", "true");
  await expect(rows.nth(1)).toHaveAttribute("data-selected", "false");
  await page.keyboard.press("Escape");
  await expect(page.locator("[data-selected='true']")).toHaveCount(0);
  await page.keyboard.press("j");
  await expect(rows.nth(0)).toHaveAttribute("data-selected", "true");
  const user = await rows.nth(0).getAttribute("data-user-id");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(`${app.url}/users/${user}`);
});

test("? shows the shortcut list and Esc closes it", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  await hydrated(page);
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Focus the first filter");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});
