import { expect, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { msgKeyCells, type SentRecall, sendRecall, waitUntilLive } from "../support/dashboard";

const OTHER_APP = "1400000002";
// Sent in this order, so newest first is K4, K3, K2, K1.
const RECALLS: SentRecall[] = [
  { from: "alice", to: "bob", msgKey: "K1", platform: "iOS", ip: "198.51.100.1", unread: 1 },
  { from: "carol", to: "alice", msgKey: "K2", platform: "Android", ip: "198.51.100.2", unread: 2 },
  { from: "bob", to: "carol", msgKey: "K3", platform: "Web", ip: "198.51.100.3", unread: 3, sdkAppId: OTHER_APP },
  { from: "dave", to: "erin", msgKey: "K4", platform: "ios", ip: "198.51.100.1", unread: 4 },
];

let app: TestApp;
test.beforeAll(async () => {
  app = await startApp({ env: { IM_SDKAPPID: `1400000001,${OTHER_APP}` } });
  for (const r of RECALLS) await sendRecall(app.url, r);
});
test.afterAll(async () => {
  await app?.stop();
});
test.beforeEach(async ({ page }) => {
  await signInAs(page, app, "viewer");
});

test("the recall log lists every recall newest first with all its columns", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  await expect(msgKeyCells(page)).toHaveText(["K4", "K3", "K2", "K1"]);
  const k3 = page.locator("tbody tr", { hasText: "K3" });
  await expect(k3.getByRole("link", { name: "bob" })).toHaveAttribute("href", "/users/bob");
  await expect(k3.getByRole("link", { name: "carol" })).toHaveAttribute("href", "/users/carol");
  await expect(k3).toContainText("Web");
  await expect(k3).toContainText("198.51.100.3");
  await expect(k3).toContainText(OTHER_APP);
  // "ios" as IM sent it shows in its one normalised spelling.
  await expect(page.locator("tbody tr", { hasText: "K4" })).toContainText("iOS");
});

const TEXT_FILTERS: { label: string; param: string; value: string; expected: string[] }[] = [
  { label: "Sender", param: "from", value: "alice", expected: ["K1"] },
  { label: "Recipient", param: "to", value: "alice", expected: ["K2"] },
  { label: "Either user", param: "user", value: "alice", expected: ["K2", "K1"] },
  { label: "Client IP", param: "ip", value: "198.51.100.1", expected: ["K4", "K1"] },
  { label: "MsgKey", param: "msgKey", value: "K3", expected: ["K3"] },
  { label: "App (SDKAppID)", param: "sdkAppId", value: OTHER_APP, expected: ["K3"] },
];

for (const f of TEXT_FILTERS) {
  test(`the ${f.label} filter narrows the table and is kept in the URL as ${f.param}`, async ({ page }) => {
    await page.goto(`${app.url}/recalls`);
    await expect(msgKeyCells(page)).toHaveCount(4);
    await page.getByLabel(f.label, { exact: true }).fill(f.value);
    await page.getByLabel(f.label, { exact: true }).press("Enter");
    await expect(msgKeyCells(page)).toHaveText(f.expected);
    expect(new URL(page.url()).searchParams.get(f.param)).toBe(f.value);
  });
}

test("the platform filter is a list of the known platforms", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  await expect(msgKeyCells(page)).toHaveCount(4);
  await page.getByLabel("Platform").selectOption("iOS");
  await expect(msgKeyCells(page)).toHaveText(["K4", "K1"]);
  expect(new URL(page.url()).searchParams.get("platform")).toBe("iOS");
  await page.getByLabel("Platform").selectOption("Android");
  await expect(msgKeyCells(page)).toHaveText(["K2"]);
});

test("a time range narrows the table: presets and a custom range", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  await expect(msgKeyCells(page)).toHaveCount(4);
  await page.getByRole("button", { name: "Last 1 h" }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get("since")).not.toBeNull();
  await expect(msgKeyCells(page)).toHaveCount(4);

  // A range that starts after every recall: nothing matches.
  await page.getByRole("button", { name: /UTC/ }).click();
  const inAMinute = new Date(Date.now() + 60_000).toISOString().slice(0, 16);
  await page.getByLabel("From (UTC)").fill(inAMinute);
  await page.getByRole("button", { name: "Apply range" }).click();
  await expect(page.getByText("No recalls match these filters.")).toBeVisible();
  expect(new URL(page.url()).searchParams.get("since")).toBe(`${inAMinute}:00.000Z`);

  await page.getByRole("button", { name: "All time" }).click();
  await expect(msgKeyCells(page)).toHaveCount(4);
  expect(new URL(page.url()).searchParams.get("since")).toBeNull();
});

test("reloading or opening a shared link shows the same filtered view", async ({ page, context }) => {
  await page.goto(`${app.url}/recalls`);
  await page.getByLabel("Either user", { exact: true }).fill("alice");
  await page.getByLabel("Platform").selectOption("Android");
  await expect(msgKeyCells(page)).toHaveText(["K2"]);
  const url = page.url();
  expect(url).toContain("user=alice");
  expect(url).toContain("platform=Android");

  await page.reload();
  await expect(msgKeyCells(page)).toHaveText(["K2"]);
  await expect(page.getByLabel("Either user", { exact: true })).toHaveValue("alice");
  await expect(page.getByLabel("Platform")).toHaveValue("Android");

  const other = await context.newPage();
  await other.goto(`${app.url}/recalls?from=alice&platform=iOS`);
  await expect(msgKeyCells(other)).toHaveText(["K1"]);
  await expect(other.getByLabel("Sender", { exact: true })).toHaveValue("alice");
});

test("the deep link opens the recall, with links to its users", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  const row = page.locator("tbody tr", { hasText: "K2" });
  const id = await row.getAttribute("data-recall-id");
  await row.getByRole("link", { name: /, recall \d+$/ }).click();
  await expect(page).toHaveURL(`${app.url}/recalls/${id}`);
  await expect(page.getByRole("heading", { name: `Recall ${id}` })).toBeVisible();
  await expect(page.getByText("K2", { exact: true })).toBeVisible();

  // The same link opened on its own (shared, bookmarked).
  const fresh = await page.context().newPage();
  await fresh.goto(`${app.url}/recalls/${id}`);
  await expect(fresh.getByRole("heading", { name: `Recall ${id}` })).toBeVisible();
  await expect(fresh.locator('[data-field="Platform"]')).toHaveText("Android");
  await fresh.getByRole("link", { name: "carol", exact: true }).click();
  await expect(fresh).toHaveURL(`${app.url}/users/carol`);
  await expect(fresh.getByRole("heading", { name: "User carol" })).toBeVisible();

  await fresh.goto(`${app.url}/recalls/999999`);
  await expect(fresh.getByRole("heading", { name: "No such recall" })).toBeVisible();
});

test("times show in local time or UTC, the choice survives a reload, the ISO time is on hover", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  const first = page.locator("tbody tr").first().locator("time").first();
  await expect(first).toHaveAttribute("title", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  await expect(first).not.toContainText("UTC");
  await page.getByRole("button", { name: /UTC/ }).click();
  await expect(first).toContainText("UTC");
  const iso = await first.getAttribute("title");
  // In the page's language (English here): "Nov 26, 2026, 09:05:07 UTC".
  const utc = new Intl.DateTimeFormat("en", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  }).format(new Date(iso ?? ""));
  await expect(first).toHaveText(`${utc} UTC`);
  await page.reload();
  await expect(page.locator("tbody tr").first().locator("time").first()).toContainText("UTC");
});

test("a callback sent over HTTP appears on /recalls without reload", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  await expect(msgKeyCells(page)).toHaveCount(4);
  await waitUntilLive(page);
  await sendRecall(app.url, { from: "zed", to: "yan", msgKey: "LIVE-1" });
  await expect(msgKeyCells(page).first()).toHaveText("LIVE-1");
  await expect(msgKeyCells(page)).toHaveCount(5);
});
