// At phone width (390 px) in both languages: the recall log and the users table are stacked
// cards, the filters sit behind a "Filters (n)" button, no page scrolls sideways and no label is
// clipped or overflows its box. Each page is screenshotted to tests/.tmp/phone/<locale>-<page>.png,
// to look at (a Chinese font must be installed: scripts/test.sh sees to it).
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import type { TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { dashboardPages, hydrated, type Seeded, seedPages, startPagesApp } from "../support/pages";

let app: TestApp;
let seeded: Seeded;
test.beforeAll(async () => {
  app = await startPagesApp();
  seeded = await seedPages(app);
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

/**
 * Text that does not fit: an element whose own text is wider than its box (a clipped or
 * overflowing label), or that reaches past the screen's edge outside a sideways-scrolling table.
 */
async function expectLabelsFit(page: Page, what: string) {
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.textContent ?? "").trim().slice(0, 40)}"`;
    const inScroller = (el: Element) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const o = getComputedStyle(a).overflowX;
        if (o === "auto" || o === "scroll") return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll<HTMLElement>("*")) {
      if (!(el instanceof HTMLElement) || el.closest(".sr-only, svg, select, option, script, style")) continue;
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? "").trim() !== "");
      if (!ownText || !el.checkVisibility()) continue;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      if (style.display !== "inline" && el.scrollWidth > el.clientWidth + 1)
        found.push(`${name(el)}: text ${el.scrollWidth} px wide in a ${el.clientWidth} px box`);
      if (!inScroller(el) && (box.right > window.innerWidth + 1 || box.left < -1))
        found.push(`${name(el)}: reaches ${Math.round(box.left)}..${Math.round(box.right)} px on a ${window.innerWidth} px screen`);
    }
    return found;
  });
  expect(problems, what).toEqual([]);
}

for (const locale of ["en", "zh-CN"] as const) {
  test(`${locale}: every page fits 390 px; recalls and users are cards; filters behind "Filters (n)"`, async ({ browser }) => {
    test.setTimeout(300_000);
    const context = await browser.newContext({ viewport: PHONE, locale });
    const page = await context.newPage();
    await signInAs(page, app, "admin");
    const filtersLabel = locale === "en" ? "Filters" : "筛选";

    for (const p of dashboardPages(() => seeded)) {
      await page.goto(app.url + p.url());
      await p.ready(page);
      await hydrated(page);
      const name = p.path.replace(/[^a-z]+/g, "-").replace(/^-|-$/g, "") || "overview";
      await page.screenshot({ path: path.join("tests/.tmp/phone", `${locale}-${name}.png`), fullPage: true });
      await expectNoSidewaysScroll(page, p.path);
      await expectLabelsFit(page, p.path);
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
    await page.keyboard.press("Escape");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(toggle).toBeFocused();
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await page.screenshot({ path: path.join("tests/.tmp/phone", `${locale}-recalls-filters-open.png`), fullPage: true });
    await expectLabelsFit(page, "/recalls with the filters open");
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
