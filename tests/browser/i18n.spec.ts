// Both languages: the locale comes from Accept-Language, the `locale` cookie and the staff member's
// saved choice (the header's switcher sets both), and every page rendered in Chinese shows no
// English a reader would have to understand (IDs, codes and the allowlist below aside).
import { type Browser, expect, type Page, test } from "@playwright/test";
import { PLATFORMS } from "@/lib/im/platform";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { sendRecall } from "../support/dashboard";
import { callbackUrl, post } from "../support/im";
import { dashboardPages, hydrated, type PageCase, pageFiles, type Seeded, seedPages, startPagesApp } from "../support/pages";

let app: TestApp;
let seeded: Seeded;
test.beforeAll(async () => {
  app = await startPagesApp();
  seeded = await seedPages(app);
});
test.afterAll(async () => {
  await app?.stop();
});

/**
 * Words that may stay in Latin letters in Chinese text: product and protocol names, units and
 * codes as the IM console itself writes them, platform codes, and the English switcher button
 * (marked lang="en"; skipped anyway).
 */
const ALLOWED = new Set([
  "IM",
  "SDKAppID",
  "MsgKey",
  "UTC",
  "CSV",
  "API",
  "HTTP",
  "HTTPS",
  "JSON",
  "BOM",
  "UTF",
  "Excel",
  "SHA",
  "IP",
  "ID",
  "id",
  "URL",
  "OK",
  "FAIL",
  "Sign",
  "Linux",
  "macOS",
  "Windows",
  "Authorization",
  "Bearer",
  "token",
  "ISO",
  "REST", // IM's REST API, as Tencent's Chinese pages call it
  "SMTP",
  // Webhooks, and Standard Webhooks: the signing scheme's own name.
  "Webhook",
  "Webhooks",
  "Standard",
  // Callback command names, as the IM console lists them (C2C.CallbackAfterSendMsg).
  "C2C",
  "CallbackAfterSendMsg",
  "CallbackAfterMsgWithDraw",
  ...PLATFORMS,
]);

/**
 * The text a page shows: its title, every text node and the aria-label/placeholder/title values,
 * outside elements matching `skip` (and, with `skipAriaHidden`, attributes inside aria-hidden).
 */
function pageTexts(page: Page, options: { skip: string; skipAriaHidden: boolean }): Promise<string[]> {
  return page.evaluate(({ skip, skipAriaHidden }) => {
    const out: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (parent && !parent.closest(skip)) out.push(n.textContent ?? "");
    }
    for (const el of document.body.querySelectorAll("[aria-label], [placeholder], [title]")) {
      if (el.closest(skip) || (skipAriaHidden && el.closest("[aria-hidden='true']"))) continue;
      for (const attr of ["aria-label", "placeholder", "title"]) {
        const v = el.getAttribute(attr);
        if (v) out.push(v);
      }
    }
    return out;
  }, options);
}

/**
 * The words in Latin letters a page shows (text, and the aria-label/placeholder/title people
 * hear or see), outside what is an ID or code by construction: user-supplied strings (<bdi>),
 * <code>/<pre>, times (<time>, whose title is the ISO value), monospace cells (IDs, hashes,
 * addresses), e-mail addresses and elements marked lang="en".
 */
async function englishWords(page: Page): Promise<string[]> {
  // Labels inside aria-hidden (the drawn charts, whose numbers are in a table) are never heard.
  const texts = await pageTexts(page, {
    skip: "code, pre, bdi, time, script, style, noscript, [lang='en'], .font-mono, [data-testid='signed-in-email']",
    skipAriaHidden: true,
  });
  return texts
    .join(" ")
    .replace(/[\w.+-]+@[\w.-]+/g, " ") // e-mail addresses
    .replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, " ") // environment variable names
    .replace(/\bi18n-[\w-]+/g, " ") // this test's user IDs and MsgKeys
    .split(/[^A-Za-z]+/)
    .filter((w) => w.length >= 2 && !ALLOWED.has(w));
}

async function zhPage(browser: Browser, signedIn = true): Promise<Page> {
  // Chromium sends the context's locale as Accept-Language.
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  if (signedIn) await signInAs(page, app, "admin");
  return page;
}

const NOT_FOUND: PageCase = {
  path: "/no-such-page",
  file: "not-found.tsx",
  url: () => "/no-such-page",
  role: "viewer",
  ready: (p) => expect(p.getByRole("heading", { level: 1 })).toBeVisible(),
};

/**
 * Chinese characters an English page shows outside user-supplied text and the switcher's own
 * "中文" (marked with its language): a string the English files lack, or one left in Chinese.
 */
async function chineseText(page: Page): Promise<string[]> {
  const texts = await pageTexts(page, { skip: "bdi, code, pre, script, style, noscript, [lang='zh-CN']", skipAriaHidden: false });
  return texts.filter((t) => /\p{Script=Han}/u.test(t));
}

test("the page list covers every page in app/", () => {
  // A new app/**/page.tsx must be added to tests/support/pages.ts, so that it is checked in both
  // languages, by axe and at phone width. /login is checked on its own (signed out).
  const listed = dashboardPages(() => seeded).map((p) => p.file);
  expect(pageFiles().filter((f) => f !== "login/page.tsx")).toEqual([...listed].sort());
});

for (const { path, url, ready } of [...dashboardPages(() => seeded), NOT_FOUND]) {
  test(`${path} in Chinese shows no untranslated English`, async ({ browser }) => {
    const page = await zhPage(browser);
    await page.goto(app.url + url());
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await ready(page);
    await hydrated(page);
    expect(await page.title()).toMatch(/\p{Script=Han}/u);
    expect(await englishWords(page)).toEqual([]);
    await page.context().close();
  });

  test(`${path} in English shows no Chinese`, async ({ browser }) => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await signInAs(page, app, "admin");
    await page.goto(app.url + url());
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await ready(page);
    await hydrated(page);
    expect(await page.title()).toMatch(/[A-Za-z]{3}/);
    expect(await chineseText(page)).toEqual([]);
    await context.close();
  });
}

test("/login in Chinese shows no untranslated English, and a wrong password is refused in Chinese", async ({ browser }) => {
  const page = await zhPage(browser, false);
  await page.goto(`${app.url}/login`);
  await expect(page.getByRole("heading", { name: "登录" })).toBeVisible();
  expect(await englishWords(page)).toEqual([]);
  await page.getByLabel("邮箱").fill("nobody@test.example");
  await page.getByLabel("密码").fill("wrong-password-123");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.locator("#login-error")).toHaveText("邮箱或密码错误。");
  await page.context().close();
});

test("Accept-Language picks the language: zh, zh-CN and zh-Hans give Chinese, anything else English", async ({ browser }) => {
  for (const [header, lang, heading] of [
    ["zh", "zh-CN", "登录"],
    ["zh-Hans-CN", "zh-CN", "登录"],
    ["fr-FR", "en", "Sign in"],
    ["en-GB", "en", "Sign in"],
  ] as const) {
    // Chromium sends the context's locale as Accept-Language (lib/i18n/locales.test.ts covers q-values).
    const context = await browser.newContext({ locale: header });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    await expect(page.locator("html"), header).toHaveAttribute("lang", lang);
    await expect(page.getByRole("heading", { level: 1 }), header).toHaveText(heading);
    await context.close();
  }
});

test("the switcher changes the language, and the choice follows the staff member to another browser", async ({ browser }) => {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await signInAs(page, app, "viewer");
  await page.goto(`${app.url}/recalls`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Recalls");
  await page.getByTestId("language-switcher").getByRole("button", { name: "中文" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("撤回记录");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByTestId("language-switcher").getByRole("button", { name: "中文" })).toHaveAttribute("aria-pressed", "true");
  expect((await context.cookies(app.url)).find((c) => c.name === "locale")?.value).toBe("zh-CN");

  // Another browser that asks for English and has no locale cookie: the saved choice wins.
  const other = await browser.newContext({ locale: "en-US" });
  const second = await other.newPage();
  await signInAs(second, app, "viewer");
  await second.goto(`${app.url}/users`);
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("用户");

  // And back to English, for the other tests of this account.
  await second.getByTestId("language-switcher").getByRole("button", { name: "English" }).click();
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("Users");
  await other.close();
  await context.close();
});

test("the API refuses a language it does not have, with a precise 400", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, app, "viewer");
  const res = await page.request.put(`${app.url}/api/me/locale`, { headers: { origin: app.url }, data: { locale: "fr" } });
  expect(res.status()).toBe(400);
  expect(((await res.json()) as { error: { code: string; parameter?: string } }).error).toMatchObject({
    code: "invalid_parameter",
    parameter: "locale",
  });
  await context.close();
});

test("forwarding mode's panel and fallback warning on / are in Chinese, the age relative ('…前')", async ({ browser }) => {
  // A backend that refuses connections (port 9 is closed here): every callback gets the fallback
  // answer and waits in the outbox, so the admin sees both the panel and the warning.
  const forwarding = await startApp({ env: { IM_FORWARD_URL: "http://127.0.0.1:9/im/callback" } });
  try {
    await sendRecall(forwarding.url, { from: "i18n-fwd-a", to: "i18n-fwd-b", msgKey: "i18n-key-fwd" });
    // A "before" callback is the one that falls back (a recall's answer is our own commit).
    const before = await post(callbackUrl(forwarding.url, { command: "C2C.CallbackBeforeSendMsg" }), {
      CallbackCommand: "C2C.CallbackBeforeSendMsg",
    });
    expect(before.json?.ActionStatus).toBe("OK");
    for (const [locale, ago] of [
      ["zh-CN", /前$/],
      ["en-US", / ago$/],
    ] as const) {
      const context = await browser.newContext({ locale });
      const page = await context.newPage();
      await signInAs(page, forwarding, "admin");
      await page.goto(forwarding.url);
      await expect(page.getByTestId("forward-fallback-warning")).toBeVisible();
      await expect(page.getByTestId("forward-outbox-length")).toHaveText("1");
      await expect(page.getByTestId("forward-outbox-oldest")).toHaveText(ago);
      await hydrated(page);
      expect(await (locale === "zh-CN" ? englishWords(page) : chineseText(page))).toEqual([]);
      await context.close();
    }
  } finally {
    await forwarding.stop();
  }
});
