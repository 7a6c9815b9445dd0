// Under the Content-Security-Policy (nonces, no 'unsafe-eval') every page still hydrates and runs,
// without a single violation; the overview says when callbacks are unauthenticated.
import { expect, type Page, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { callbackUrl, post, recallBody } from "../support/im";

let app: TestApp;
test.beforeAll(async () => {
  app = await startApp();
  for (const from of ["csp-a", "csp-b"]) expect((await post(callbackUrl(app.url), recallBody({ From_Account: from }))).status).toBe(200);
});
test.afterAll(async () => {
  await app?.stop();
});
// Signed in as an admin: every page, and the admins-only callback warning, are shown.
test.beforeEach(async ({ page }) => {
  await signInAs(page, app, "admin");
});

/** Collects CSP violations and script errors the page reports. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  return problems;
}

for (const path of ["/", "/recalls", "/users", "/users/csp-a", "/exports", "/no-such-page"]) {
  test(`${path} runs its scripts under the CSP with no violation`, async ({ page }) => {
    const problems = watch(page);
    const res = await page.goto(app.url + path);
    expect(res?.headers()["content-security-policy"]).not.toContain("unsafe-eval");
    // The time-zone toggle is a client component: it answers a click only once hydrated.
    const toggle = page.getByRole("button", { name: "UTC times" });
    await expect(toggle).toHaveAttribute("aria-pressed", "false");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "true");
    await toggle.click();
    expect(problems).toEqual([]);
  });
}

test("client-side navigation and live data work under the CSP", async ({ page }) => {
  const problems = watch(page);
  await page.goto(`${app.url}/recalls`);
  await expect(page.getByRole("link", { name: "csp-a" }).first()).toBeVisible();
  await page.getByRole("link", { name: "csp-a" }).first().click();
  await expect(page).toHaveURL(/\/users\/csp-a/);
  await expect(page.getByRole("heading", { name: /User csp-a/ })).toBeVisible();
  expect(problems).toEqual([]);
});

test("the overview warns that callbacks are unauthenticated and that its callback URL is a guess", async ({ page }) => {
  await page.goto(app.url);
  await expect(page.getByTestId("callback-auth-warning")).toContainText("Callbacks are not authenticated");
  await expect(page.getByTestId("receiver-callback-url")).toHaveText(`${app.url}/api/im/callback`);
  await expect(page.getByTestId("receiver-callback-url-guess")).toContainText("set PUBLIC_URL");
});

test("a page that fails on the server shows an id to quote, never the database's message", async ({ page }) => {
  const db = await app.db();
  await db.$executeRawUnsafe("ALTER TABLE export_log RENAME TO export_log_away");
  try {
    await page.goto(`${app.url}/exports`);
    await expect(page.getByRole("heading", { name: "This page could not be shown" })).toBeVisible();
    await expect(page.getByTestId("error-id")).toHaveText(/^\w+$/);
    await expect(page.locator("body")).not.toContainText(/export_log|no such table|does not exist|prisma/i);
  } finally {
    await db.$executeRawUnsafe("ALTER TABLE export_log_away RENAME TO export_log");
  }
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page.getByRole("heading", { name: "Exports" })).toBeVisible();
});
