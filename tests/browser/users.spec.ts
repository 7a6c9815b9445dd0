import { expect, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { sendRecall, uniqueTag, waitUntilLive } from "../support/dashboard";

let app: TestApp;
test.beforeAll(async () => {
  app = await startApp();
  // ann sends 3, ben 1, cat 2; ben receives 4, ann 2.
  const sends: [string, string][] = [
    ["ann", "ben"],
    ["ann", "ben"],
    ["ann", "ben"],
    ["ben", "ann"],
    ["cat", "ann"],
    ["cat", "ben"],
  ];
  for (const [i, [from, to]] of sends.entries()) await sendRecall(app.url, { from, to, msgKey: `S${i}`, unread: i });
});
test.afterAll(async () => {
  await app?.stop();
});
test.beforeEach(async ({ page }) => {
  await signInAs(page, app, "viewer");
});

const userCells = (page: import("@playwright/test").Page) => page.locator("tbody tr[data-user-id] td:first-child");

test("one row per user with recalls sent and received, sortable by each column", async ({ page }) => {
  await page.goto(`${app.url}/users`);
  // Default order: most recalls sent first.
  await expect(userCells(page)).toHaveText(["ann", "cat", "ben"]);
  const ann = page.locator('tr[data-user-id="ann"]');
  await expect(ann.locator('[data-column="recallsSent"]')).toHaveText("3");
  await expect(ann.locator('[data-column="recallsReceived"]')).toHaveText("2");

  const received = page.getByRole("columnheader", { name: /Recalls received/ });
  await received.getByRole("button").click();
  await expect(received).toHaveAttribute("aria-sort", "descending");
  await expect(userCells(page)).toHaveText(["ben", "ann", "cat"]);
  expect(new URL(page.url()).searchParams.get("sort")).toBe("recallsReceived");

  await received.getByRole("button").click();
  await expect(received).toHaveAttribute("aria-sort", "ascending");
  await expect(userCells(page)).toHaveText(["cat", "ann", "ben"]);
  expect(new URL(page.url()).searchParams.get("order")).toBe("asc");

  await page.reload();
  await expect(userCells(page)).toHaveText(["cat", "ann", "ben"]);
  await expect(page.getByRole("columnheader", { name: /Recalls received/ })).toHaveAttribute("aria-sort", "ascending");

  const byId = page.getByRole("columnheader", { name: /^User/ });
  await byId.getByRole("button").click();
  await expect(userCells(page)).toHaveText(["ann", "ben", "cat"]);
});

test("searching by user ID prefix narrows the list and is kept in the URL as q", async ({ page }) => {
  await page.goto(`${app.url}/users`);
  await expect(userCells(page)).toHaveCount(3);
  await page.getByLabel("User ID starts with").fill("b");
  await page.getByLabel("User ID starts with").press("Enter");
  await expect(userCells(page)).toHaveText(["ben"]);
  expect(new URL(page.url()).searchParams.get("q")).toBe("b");
  await page.getByLabel("User ID starts with").fill("nobody");
  await page.getByLabel("User ID starts with").press("Enter");
  await expect(page.getByText('No user ID starts with "nobody".')).toBeVisible();
});

test("a callback sent over HTTP appears on /users without reload", async ({ page }) => {
  const newcomer = `new-${uniqueTag()}`;
  await page.goto(`${app.url}/users?sort=userId&order=desc`);
  await expect(userCells(page).first()).toBeVisible();
  await waitUntilLive(page);
  await sendRecall(app.url, { from: newcomer, to: "ann", msgKey: `N-${newcomer}` });
  const row = page.locator(`tr[data-user-id="${newcomer}"]`);
  await expect(row.locator('[data-column="recallsSent"]')).toHaveText("1");
  await sendRecall(app.url, { from: newcomer, to: "ann", msgKey: `N2-${newcomer}` });
  await expect(row.locator('[data-column="recallsSent"]')).toHaveText("2");
});

test("clicking a user opens their page with a chart whose points match the unread counts sent", async ({ page }) => {
  const user = `chart-${uniqueTag()}`;
  const counts = [4, 9, 2, 7, 0];
  for (const [i, unread] of counts.entries()) await sendRecall(app.url, { from: "ann", to: user, msgKey: `C${i}-${user}`, unread });
  await sendRecall(app.url, { from: user, to: "ben", msgKey: `C-out-${user}`, unread: 99 });

  await page.goto(`${app.url}/users?q=${user}`);
  await page.getByRole("link", { name: user, exact: true }).click();
  await expect(page).toHaveURL(`${app.url}/users/${user}`);
  await expect(page.getByRole("heading", { name: `User ${user}` })).toBeVisible();

  const chart = page.getByTestId("unread-chart");
  await expect(chart).toHaveAttribute("data-values", counts.join(","));
  await chart.getByText("Show the points as a table").click();
  await expect(page.getByTestId("unread-points").locator("tbody td:nth-child(2)")).toHaveText(counts.map(String));

  // The counterparts and the user's own recall log.
  await expect(page.getByTestId("counterparts").locator("tbody tr", { hasText: "ann" })).toContainText(String(counts.length));
  await expect(page.locator("tbody tr[data-recall-id]")).toHaveCount(counts.length + 1);
});
