// next-intl's request configuration (wired in next.config.js), without locale prefixes in URLs:
// every shared link keeps working whatever language its reader uses. The language is chosen per
// request: the staff member's saved choice, then the `locale` cookie, then Accept-Language, then
// DEFAULT_LOCALE (lib/i18n/locales.ts resolveLocale).
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { cache } from "react";
import { currentStaff } from "@/lib/auth/page-guard";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { LOCALE_COOKIE, type Locale, resolveLocale } from "@/lib/i18n/locales";
import { loadMessages } from "@/lib/i18n/messages";

/** The signed-in member's saved language, or null (anonymous, or never chose). */
const savedLocale = cache(async (): Promise<string | null> => {
  const who = await currentStaff();
  if (!who) return null;
  const db = await getDb();
  const row = await db.staff.findUnique({ where: { id: who.userId }, select: { locale: true } });
  return row?.locale ?? null;
});

export const requestLocale = cache(async (): Promise<Locale> => {
  const [h, c, saved] = await Promise.all([headers(), cookies(), savedLocale()]);
  return resolveLocale({
    saved,
    cookie: c.get(LOCALE_COOKIE)?.value,
    acceptLanguage: h.get("accept-language"),
    fallback: config.i18n.defaultLocale,
  });
});

export default getRequestConfig(async () => {
  const locale = await requestLocale();
  return {
    locale,
    messages: loadMessages(locale),
    // The server renders in UTC; the client shows local time or UTC by the viewer's toggle
    // (lib/client/time-zone.ts), passing the zone to each formatter.
    timeZone: "UTC",
  };
});
