// Saved views: a staff member saves the page's filters under a name, opens it as the same URL,
// renames and shares it; others see shared views (on the page and in the header's menu) but only
// the owner changes one, and an admin may delete a shared one.
import { type Browser, expect, type Page, test } from "@playwright/test";
import type { Role } from "@/lib/auth/roles";
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

async function as(browser: Browser, role: Role): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, app, role);
  return page;
}

test("save, open, rename and share a view; others see it shared; only the owner or an admin deletes it", async ({ browser }) => {
  // Three signed-in browsers and some twenty steps: more than the default minute on a busy machine.
  test.setTimeout(180_000);
  const viewer = await as(browser, "viewer");
  await viewer.goto(`${app.url}/recalls?platform=Android`);
  await expect(viewer.locator("tbody tr[data-recall-id]")).toHaveCount(1);
  await hydrated(viewer);
  const panel = viewer.getByTestId("saved-views");
  await panel.getByLabel("View name").fill("Android only");
  await panel.getByRole("button", { name: "Save view" }).click();
  await expect(panel.getByRole("status")).toHaveText("Saved “Android only”.");
  await expect(panel.getByRole("link", { name: "Android only" })).toHaveAttribute("aria-current", "page");

  // Opened from the plain log, the view is the same URL with the same filter applied.
  await viewer.goto(`${app.url}/recalls`);
  await expect(viewer.locator("tbody tr[data-recall-id]")).toHaveCount(2);
  await panel.getByRole("link", { name: "Android only" }).click();
  await expect(viewer).toHaveURL(`${app.url}/recalls?platform=Android`);
  await expect(viewer.locator("tbody tr[data-recall-id]")).toHaveCount(1);
  await expect(viewer.getByLabel("Platform")).toHaveValue("Android");

  // Private: an auditor does not see it.
  const auditor = await as(browser, "auditor");
  await auditor.goto(`${app.url}/recalls`);
  await expect(auditor.getByTestId("saved-views")).toContainText("No saved views for this page yet.");

  // Renamed and shared by its owner.
  await panel.getByRole("button", { name: "Rename Android only" }).click();
  await panel.getByLabel("New name for Android only").fill("Android recalls");
  await panel.getByRole("button", { name: "Save name" }).click();
  await expect(panel.getByRole("link", { name: "Android recalls" })).toBeVisible();
  await panel.getByRole("button", { name: "Share Android recalls" }).click();
  await expect(panel.getByRole("status")).toHaveText("“Android recalls” is shared with all staff.");

  // The auditor now sees it, on the page and in the header's menu, but may not change or delete it.
  await auditor.reload();
  const theirs = auditor.getByTestId("saved-views");
  await expect(theirs.getByRole("link", { name: "Android recalls" })).toBeVisible();
  await expect(theirs).toContainText("by viewer");
  await expect(theirs.getByRole("button", { name: /Rename|Delete/ })).toHaveCount(0);
  await auditor.getByTestId("views-menu").locator("summary").click();
  await auditor
    .getByTestId("views-menu")
    .getByRole("link", { name: /Android recalls/ })
    .click();
  await expect(auditor).toHaveURL(`${app.url}/recalls?platform=Android`);
  const id = await app
    .db()
    .then((db) => db.savedView.findFirstOrThrow({ where: { name: "Android recalls" } }))
    .then((v) => v.id);
  const refused = await auditor.request.patch(`${app.url}/api/views/${id}`, { headers: { origin: app.url }, data: { name: "mine now" } });
  expect(refused.status()).toBe(403);
  expect((await auditor.request.delete(`${app.url}/api/views/${id}`, { headers: { origin: app.url } })).status()).toBe(403);

  // An admin may delete a shared view.
  const admin = await as(browser, "admin");
  await admin.goto(`${app.url}/recalls`);
  const adminPanel = admin.getByTestId("saved-views");
  await hydrated(admin);
  await adminPanel.getByRole("button", { name: "Delete Android recalls" }).click();
  await expect(adminPanel.getByRole("status")).toHaveText("Deleted “Android recalls”.");
  await viewer.reload();
  await expect(panel).toContainText("No saved views for this page yet.");
  for (const p of [viewer, auditor, admin]) await p.context().close();
});

test("the API answers bad input precisely: a duplicate name 409, an unknown page 400, another's private view 404", async ({ browser }) => {
  const viewer = await as(browser, "viewer");
  const post = (data: unknown) => viewer.request.post(`${app.url}/api/views`, { headers: { origin: app.url }, data });
  const created = await post({ page: "/users", name: "Top senders", query: "sort=recallsSent&order=desc&cursor=abc" });
  expect(created.status()).toBe(201);
  const view = (await created.json()) as { id: string; query: string };
  // Paging is dropped and the keys sorted: a view opens at the top.
  expect(view.query).toBe("order=desc&sort=recallsSent");
  expect((await post({ page: "/users", name: "Top senders", query: "" })).status()).toBe(409);
  const bad = await post({ page: "/admin/staff", name: "x", query: "" });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: { parameter?: string } }).error.parameter).toBe("page");
  expect((await post({ page: "/users", name: "   ", query: "" })).status()).toBe(400);

  const auditor = await as(browser, "auditor");
  expect((await auditor.request.delete(`${app.url}/api/views/${view.id}`, { headers: { origin: app.url } })).status()).toBe(404);
  expect((await auditor.request.get(`${app.url}/api/views?page=/users`)).ok()).toBe(true);
  expect(((await (await auditor.request.get(`${app.url}/api/views?page=/users`)).json()) as { items: unknown[] }).items).toEqual([]);
  for (const p of [viewer, auditor]) await p.context().close();
});
