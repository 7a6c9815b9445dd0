// Defect 9: an ID of "\u202Enimda" displayed as "admin". Every page that shows a user-supplied
// string must isolate it and show its invisible characters as ⟨U+XXXX⟩, so no bidi control
// reaches the rendered text and no ID can pass for another.
import { expect, type Page, test } from "@playwright/test";
import { apiFetch } from "../support/api";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { sendRecall } from "../support/dashboard";
import { callbackUrl, eventually, post } from "../support/im";
import { appDb } from "../support/recalls";

const RLO = "\u202E";
const SPOOF = `${RLO}nimda`;
const SHOWN = "⟨U+202E⟩nimda";
// Bidi controls and other invisible format characters.
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;

let app: TestApp;
test.beforeAll(async () => {
  app = await startApp();
  await sendRecall(app.url, { from: SPOOF, to: `bob${RLO}`, msgKey: `K${RLO}1`, platform: `${RLO}soi`, ip: `${RLO}1.2.3.4` });
  // An unknown command with a bidi control, listed by the receiver status on the overview.
  expect((await post(callbackUrl(app.url, { command: `${RLO}X.Spoof` }), "{}")).status).toBe(200);
  // Counters are written within about a second.
  const db = await appDb(app);
  await eventually(
    () => db.callbackCount.count({ where: { command: `${RLO}X.Spoof` } }),
    (n) => n > 0,
  );
});
test.afterAll(async () => {
  await app?.stop();
});
// Signed in as an admin: every page, and the admins-only callback warning, are shown.
test.beforeEach(async ({ page }) => {
  await signInAs(page, app, "admin");
});

/** The page's visible text nodes (not scripts), as the browser renders them. */
async function renderedText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) =>
        n.parentElement?.closest("script, style, template, noscript") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    let out = "";
    for (let n = walker.nextNode(); n; n = walker.nextNode()) out += n.nodeValue ?? "";
    return out;
  });
}

async function expectNoHiddenControls(page: Page) {
  const text = await renderedText(page);
  expect(text).not.toMatch(INVISIBLE);
  // Each shown ID sits in an isolate, so it cannot reorder the text around it either.
  const isolated = await page.locator("bdi").evaluateAll((els) => els.map((e) => getComputedStyle(e).unicodeBidi));
  expect(isolated.length).toBeGreaterThan(0);
  expect(isolated.every((v) => v === "isolate")).toBe(true);
}

test("the recall log shows the spoofed IDs with their control visible, never as 'admin'", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  const row = page.locator("tbody tr[data-recall-id]").first();
  await expect(row.getByRole("link", { name: SHOWN })).toBeVisible();
  await expect(row).toContainText("bob⟨U+202E⟩");
  await expect(row).toContainText("K⟨U+202E⟩1");
  await expect(row).toContainText("⟨U+202E⟩1.2.3.4");
  await expectNoHiddenControls(page);
});

test("the recall detail, the users list and the user's page show it the same way", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  await page.locator("tbody tr[data-recall-id]").first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: /Recall \d+/ })).toBeVisible();
  await expect(page.locator('[data-field="Sender"]')).toHaveText(SHOWN);
  await expect(page.locator('[data-field="MsgKey"]')).toHaveText("K⟨U+202E⟩1");
  await expectNoHiddenControls(page);

  await page.goto(`${app.url}/users`);
  await expect(page.getByRole("link", { name: SHOWN })).toBeVisible();
  await expectNoHiddenControls(page);

  await page.getByRole("link", { name: SHOWN }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(SHOWN);
  await expect(page).toHaveTitle(`${SHOWN} · Recall Monitor`);
  await expectNoHiddenControls(page);
});

test("the overview lists the top user and the unknown command with the control visible", async ({ page }) => {
  await page.goto(`${app.url}/`);
  await expect(page.getByRole("link", { name: SHOWN }).first()).toBeVisible();
  await expect(page.getByText("⟨U+202E⟩X.Spoof")).toBeVisible();
  await expectNoHiddenControls(page);
});

test("the export log shows a spoofed filter value with the control visible", async ({ page }) => {
  const res = await apiFetch(app, `/api/recalls/export?user=${encodeURIComponent(SPOOF)}`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain(SPOOF);
  await page.goto(`${app.url}/exports`);
  await expect(page.getByTestId("export-entry").first()).toContainText(`user=${SHOWN}`);
  await expectNoHiddenControls(page);
});
