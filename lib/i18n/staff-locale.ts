// The staff member's saved language (staff_users.locale): it wins over the cookie and
// Accept-Language, so a member who chose 中文 gets it on every browser they sign in from.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { LOCALE_COOKIE, LOCALES, type Locale } from "@/lib/i18n/locales";

export const localeChoiceSchema = z.object({ locale: z.enum(LOCALES, { error: `expected one of ${LOCALES.join(", ")}` }) });

export async function saveStaffLocale(db: Db, userId: string, locale: Locale): Promise<void> {
  await db.staff.update({ where: { id: userId }, data: { locale } });
}

/** The cookie that carries the same choice before sign-in (and for the sign-in page itself). */
export function localeCookieHeader(locale: Locale, secure: boolean): string {
  return `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax${secure ? "; Secure" : ""}`;
}
