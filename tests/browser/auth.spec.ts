// Staff access in a real browser: the sign-in form, redirect back, sign-out, what each role sees,
// staff management and the access log.
import { expect, type Page, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { staffFor } from "../support/auth";
import { signInAs } from "../support/browser-auth";
import { sendRecall } from "../support/dashboard";

let app: TestApp;
test.beforeAll(async () => {
  app = await startApp();
  await sendRecall(app.url, { from: "alice", to: "bob", msgKey: "AUTH1" });
});
test.afterAll(async () => {
  await app?.stop();
});

async function signInWithForm(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("with no staff account yet, /login says which command creates the first admin", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  await expect(page).toHaveURL(/\/login\?next=%2Frecalls$/);
  await expect(page.getByTestId("first-admin")).toContainText("npm run staff:create -- --email you@example.com --role admin");
});

test("signing in returns to the page first asked for; the header shows who and which role; Sign out ends it", async ({ page }) => {
  const viewer = await staffFor(app, "viewer");
  await page.goto(`${app.url}/users?q=ali`);
  await expect(page).toHaveURL(`${app.url}/login?next=${encodeURIComponent("/users?q=ali")}`);
  await expect(page.getByTestId("first-admin")).toHaveCount(0);

  await signInWithForm(page, viewer.email, "not the right password");
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await signInWithForm(page, viewer.email, viewer.password);
  await expect(page).toHaveURL(`${app.url}/users?q=ali`);
  await expect(page.getByTestId("signed-in-email")).toHaveText(viewer.email);
  await expect(page.getByTestId("signed-in-role")).toHaveText("Viewer");

  await page.getByRole("button", { name: "Sign out" }).click();
  // (/login, or /login?next=<this page> when a view's refresh noticed the ended session first.)
  await expect(page).toHaveURL(/\/login(\?next=.*)?$/);
  await expect(page.getByTestId("signed-in-email")).toHaveCount(0);
  await page.goto(`${app.url}/users`);
  await expect(page).toHaveURL(/\/login\?next=%2Fusers$/);
});

test("a viewer sees no Export button, and the export API refuses them with 403", async ({ page }) => {
  await signInAs(page, app, "viewer");
  await page.goto(`${app.url}/recalls`);
  await expect(page.getByText("AUTH1")).toBeVisible();
  await expect(page.getByRole("button", { name: "Export CSV" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Exports" })).toHaveCount(0);
  const res = await page.request.get(`${app.url}/api/recalls/export`);
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe("forbidden");
  await page.goto(`${app.url}/audit`);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
});

test("an auditor exports, and the access log shows the export", async ({ page }) => {
  const auditor = await signInAs(page, app, "auditor");
  await page.goto(`${app.url}/recalls`);
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const download = await downloading;

  await page.getByRole("link", { name: "Access log" }).click();
  await expect(page).toHaveURL(`${app.url}/audit`);
  const row = page.locator('tr[data-action="csv_export"]').first();
  await expect(row).toContainText(auditor.email);
  await expect(row).toContainText(download.suggestedFilename());
  await page.getByLabel("Action").selectOption("csv_export");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=csv_export/);
  await expect(page.locator("tbody tr")).toHaveCount(1);
});

test("an admin creates a viewer, who can then sign in", async ({ page, browser }) => {
  await signInAs(page, app, "admin");
  await page.goto(`${app.url}/admin/staff`);
  await page.getByLabel("New staff email").fill("new.viewer@test.example");
  await page.getByLabel("New staff role").selectOption("viewer");
  await page.getByLabel("Initial password (at least 12 characters, not a common one)").fill("qwerty123456");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText(/in a list of common passwords/)).toBeVisible();
  await page.getByLabel("Initial password (at least 12 characters, not a common one)").fill("violet tugboat harbour");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator('tr[data-staff-email="new.viewer@test.example"]')).toContainText("Active");

  const other = await browser.newContext();
  try {
    const theirs = await other.newPage();
    await theirs.goto(`${app.url}/login`);
    await signInWithForm(theirs, "new.viewer@test.example", "violet tugboat harbour");
    await expect(theirs).toHaveURL(`${app.url}/`);
    await expect(theirs.getByTestId("signed-in-email")).toHaveText("new.viewer@test.example");
    await expect(theirs.getByTestId("signed-in-role")).toHaveText("Viewer");
  } finally {
    await other.close();
  }
});

test("the last active admin cannot be demoted", async ({ page }) => {
  const admin = await signInAs(page, app, "admin");
  await page.goto(`${app.url}/admin/staff`);
  const role = page.getByLabel(`Role of ${admin.email}`);
  await role.selectOption("viewer");
  await expect(page.getByText(/is the last active admin and cannot be demoted/)).toBeVisible();
  await expect(role).toHaveValue("admin");
  await page.reload();
  await expect(page.getByLabel(`Role of ${admin.email}`)).toHaveValue("admin");
  await expect(page.getByTestId("signed-in-role")).toHaveText("Admin");
});
