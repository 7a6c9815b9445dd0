// axe-core on every page, signed in as each role, in both languages and both colour schemes: no
// serious or critical violation. Also: the live table announces new rows politely, and the
// charts' tables are reachable by keyboard.
import AxeBuilder from "@axe-core/playwright";
import { type Browser, expect, type Page, test } from "@playwright/test";
import type { Role } from "@/lib/auth/roles";
import { roleAtLeast } from "@/lib/auth/roles";
import type { Locale } from "@/lib/i18n/locales";
import type { TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { sendRecall, waitUntilLive } from "../support/dashboard";
import { dashboardPages, hydrated, type Seeded, seedPages, startPagesApp } from "../support/pages";

// The longest file of the suite (a hundred pages analysed): its tests are spread over both
// workers, each worker with an app and seeded pages of its own.
test.describe.configure({ mode: "parallel" });

let app: TestApp;
let seeded: Seeded;
test.beforeAll(async () => {
  app = await startPagesApp();
  seeded = await seedPages(app);
});
test.afterAll(async () => {
  await app?.stop();
});

const PAGES = dashboardPages(() => seeded);

async function open(browser: Browser, locale: Locale, colorScheme: "light" | "dark", role: Role | null): Promise<Page> {
  const context = await browser.newContext({ colorScheme, locale });
  const page = await context.newPage();
  if (role) await signInAs(page, app, role);
  return page;
}

/** Serious and critical violations only, each as "rule: target" so a failure says where. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} (${n.failureSummary?.split("\n")[1]?.trim() ?? ""})`));
}

// Admins see every page and the most controls: every page in both languages and both schemes.
// Viewers and auditors see subsets of the same pages with fewer controls: each once per language
// and once per scheme, on opposite diagonals (en light + zh-CN dark, en dark + zh-CN light). Every
// role, language and scheme is checked, at two thirds of the full cross product's time.
const RUNS: { role: Role; locale: Locale; scheme: "light" | "dark" }[] = [
  ...(["en", "zh-CN"] as const).flatMap((locale) =>
    (["light", "dark"] as const).map((scheme) => ({ role: "admin" as const, locale, scheme })),
  ),
  { role: "viewer", locale: "en", scheme: "light" },
  { role: "viewer", locale: "zh-CN", scheme: "dark" },
  { role: "auditor", locale: "en", scheme: "dark" },
  { role: "auditor", locale: "zh-CN", scheme: "light" },
];

for (const { role, locale, scheme } of RUNS) {
  test(`every ${role} page, ${locale}, ${scheme}: no serious or critical axe violation`, async ({ browser }) => {
    // Up to a dozen pages, each loaded and analysed: more than the default minute on a busy machine.
    test.setTimeout(300_000);
    const page = await open(browser, locale, scheme, role);
    const found: string[] = [];
    for (const p of PAGES.filter((c) => roleAtLeast(role, c.role))) {
      await page.goto(app.url + p.url());
      await p.ready(page);
      await hydrated(page);
      found.push(...(await seriousViolations(page)).map((v) => `${p.path} ${v}`));
    }
    expect(found).toEqual([]);
    await page.context().close();
  });
}

for (const locale of ["en", "zh-CN"] as const) {
  for (const scheme of ["light", "dark"] as const) {
    test(`/login, ${locale}, ${scheme}: no serious or critical axe violation`, async ({ browser }) => {
      const page = await open(browser, locale, scheme, null);
      await page.goto(`${app.url}/login`);
      await hydrated(page);
      expect(await seriousViolations(page)).toEqual([]);
      await page.context().close();
    });
  }
}

test("the live log announces new recalls politely, without moving focus", async ({ browser }) => {
  const page = await open(browser, "en", "light", "viewer");
  await page.goto(`${app.url}/recalls`);
  await waitUntilLive(page);
  const filter = page.getByLabel("Sender");
  await filter.focus();
  await sendRecall(app.url, { from: "i18n-carol", to: "i18n-dave", msgKey: "i18n-key-live" });
  const announcer = page.getByTestId("live-announcer");
  await expect(announcer).toHaveAttribute("aria-live", "polite");
  await expect(announcer).toHaveText("1 new recall arrived.");
  await expect(filter).toBeFocused();
  await page.context().close();
});

test("the charts' numbers are reachable by keyboard as a table", async ({ browser }) => {
  const page = await open(browser, "en", "light", "viewer");
  await page.goto(app.url);
  // Loaded: a count (2 seeded, 3 once the live-announcement test has sent its recall).
  await expect(page.getByTestId("total-recalls")).toHaveText(/^[23]$/);
  const summary = page.getByTestId("recalls-over-time").getByText("Show as a table");
  await summary.focus();
  await expect(summary).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("recalls-over-time").locator("table")).toBeVisible();
  await page.context().close();
});
