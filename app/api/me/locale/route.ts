import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { getDb } from "@/lib/db/client";
import { isHttps } from "@/lib/http/same-origin";
import { localeChoiceSchema, localeCookieHeader, saveStaffLocale } from "@/lib/i18n/staff-locale";

export const dynamic = "force-dynamic";

/** Saves the caller's dashboard language `{locale}` on their account and in the `locale` cookie. */
export const PUT = apiRoute({ role: "viewer" }, async (request, _params, who) => {
  const { locale } = await parseJsonBody(localeChoiceSchema, request);
  await saveStaffLocale(await getDb(), who.userId, locale);
  return Response.json(
    { locale },
    { headers: { "cache-control": "no-store", "set-cookie": localeCookieHeader(locale, isHttps(request.headers, request.url)) } },
  );
});
