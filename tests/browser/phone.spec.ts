// At phone width (390 px) in both languages: the recall log and the users table are stacked
// cards, the filters sit behind a "Filters (n)" button, and no page scrolls sideways. Each page is
// screenshotted (test-results/…/phone-<locale>-<page>.png) to look at for clipped labels.
import { expect, type Page, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { dashboardPages, hydrated, seedTwoRecalls } from "../support/pages";

let app: TestApp;
let recallId: number;
test.beforeAll(async () => {
  app = await startApp();
  recallId = await seedTwoRecalls(app);
});
test.afterAll(async () => {
  await app?.stop();
});

const PHONE = { width: 390, height: 844 };

/** Nothing wider than the screen: the page itself does not scroll sideways. */
async function expectNoSidewaysScroll(page: Page, what: string) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, `${what} is ${scroll} px wide on a ${client} px screen`).toBeLessThanOrEqual(client);
}

for (const locale of ["en", "zh-CN"] as const) {
  test(`${locale}: every page fits 390 px; recalls and users are cards; filters behind "Filters (n)"`, async ({ browser }, info) => {
    test.setTimeout(300_000);
    const context = await browser.newContext({ viewport: PHONE, locale });
    const page = await context.newPage();
    await signInAs(page, app, "admin");
    const filtersLabel = locale === "en" ? "Filters" : "筛选";

    for (const p of dashboardPages(() => recallId)) {
      await page.goto(app.url + p.url());
      await p.ready(page);
      await hydrated(page);
      const name = p.path.replace(/[^a-z]+/g, "-").replace(/^-|-$/g, "") || "overview";
      await page.screenshot({ path: info.outputPath(`phone-${locale}-${name}.png`), fullPage: true });
      await expectNoSidewaysScroll(page, p.path);
    }

    await page.goto(`${app.url}/recalls`);
    await expect(page.getByTestId("recall-cards").locator("li")).toHaveCount(2);
    await expect(page.locator("table")).toHaveCount(0);
    await hydrated(page);
    const toggle = page.getByTestId("filters-toggle");
    await expect(toggle).toHaveText(`${filtersLabel}${locale === "en" ? " (0)" : "（0）"}`);
    await expect(page.getByRole("region", { name: filtersLabel })).toBeHidden();
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await page.getByLabel(locale === "en" ? "Platform" : "平台").selectOption("Android");
    await expect(page.getByTestId("recall-cards").locator("li")).toHaveCount(1);
    await expect(toggle).toHaveText(`${filtersLabel}${locale === "en" ? " (1)" : "（1）"}`);
    const card = page.getByTestId("recall-cards").locator("li").first();
    await expect(card).toContainText("i18n-bob");
    await expect(card).toContainText("Android");

    await page.goto(`${app.url}/users`);
    await expect(page.getByTestId("user-cards").locator("li")).toHaveCount(2);
    await expect(page.locator("table")).toHaveCount(0);
    await context.close();
  });
}
