import { describe, expect, it } from "vitest";
import { localeFromAcceptLanguage, resolveLocale } from "@/lib/i18n/locales";

describe("localeFromAcceptLanguage", () => {
  it.each([
    ["zh", "zh-CN"],
    ["zh-CN", "zh-CN"],
    ["zh-cn,zh;q=0.9,en;q=0.8", "zh-CN"],
    ["zh-Hans", "zh-CN"],
    ["zh-Hans-CN", "zh-CN"],
    ["en-US,en;q=0.9", "en"],
    ["fr-FR,fr;q=0.9", "en"],
    ["zh-TW", "en"],
    ["fr;q=1, zh-CN;q=0.5", "zh-CN"],
    ["en;q=0.4, zh;q=0.8", "zh-CN"],
    ["zh;q=0, en", "en"],
  ])("%s → %s", (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });

  it("gives nothing without a header", () => {
    expect(localeFromAcceptLanguage(undefined)).toBeUndefined();
    expect(localeFromAcceptLanguage("")).toBeUndefined();
  });
});

describe("resolveLocale", () => {
  it("prefers the saved choice, then the cookie, then Accept-Language, then the default", () => {
    expect(resolveLocale({ saved: "zh-CN", cookie: "en", acceptLanguage: "en", fallback: "en" })).toBe("zh-CN");
    expect(resolveLocale({ saved: null, cookie: "zh-CN", acceptLanguage: "en", fallback: "en" })).toBe("zh-CN");
    expect(resolveLocale({ cookie: "xx", acceptLanguage: "zh", fallback: "en" })).toBe("zh-CN");
    expect(resolveLocale({ fallback: "zh-CN" })).toBe("zh-CN");
    expect(resolveLocale({ saved: "de", fallback: "en" })).toBe("en");
  });
});
