// The languages of the dashboard and how a request picks one. Client-safe: no config, no Node APIs,
// so the language switcher and the server share one list.

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];

/** The cookie the language switcher writes; read before Accept-Language. */
export const LOCALE_COOKIE = "locale";

/** What the switcher shows for each language, each in its own language. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", "zh-CN": "中文" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * The dashboard's language for one Accept-Language tag: any Chinese in simplified script
 * (`zh`, `zh-CN`, `zh-SG`, `zh-Hans`, `zh-Hans-*`) is zh-CN, `zh-TW`/`zh-HK`/`zh-Hant*` are not
 * (we have no traditional-script messages, and English is the better fallback than the wrong
 * script), `en*` is en; anything else has no match.
 */
function matchTag(tag: string): Locale | undefined {
  const t = tag.trim().toLowerCase();
  if (t === "zh" || t === "zh-cn" || t === "zh-sg" || t === "zh-hans" || t.startsWith("zh-hans-")) return "zh-CN";
  if (t === "en" || t.startsWith("en-")) return "en";
  return undefined;
}

/**
 * The best language for an Accept-Language header, by its q-values; a header that names only
 * languages we do not have gives `en` (the issue: "anything else → en"), no header gives undefined.
 */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  if (!header?.trim()) return undefined;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.tag !== "" && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranked) {
    const match = matchTag(tag);
    if (match) return match;
  }
  return "en";
}

/** saved choice → `locale` cookie → Accept-Language → DEFAULT_LOCALE. Invalid values are skipped. */
export function resolveLocale(sources: {
  saved?: string | null;
  cookie?: string | null;
  acceptLanguage?: string | null;
  fallback: Locale;
}): Locale {
  if (isLocale(sources.saved)) return sources.saved;
  if (isLocale(sources.cookie)) return sources.cookie;
  return localeFromAcceptLanguage(sources.acceptLanguage) ?? sources.fallback;
}
