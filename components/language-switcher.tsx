"use client";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { LOCALE_COOKIE, LOCALE_NAMES, LOCALES, type Locale } from "@/lib/i18n/locales";

/**
 * 中文 / English in the header. Writes the `locale` cookie (enough before sign-in) and, when signed
 * in, the staff member's saved choice (PUT /api/me/locale), then renders the page again.
 */
export function LanguageSwitcher({ signedIn }: { signedIn: boolean }) {
  const current = useLocale();
  const t = useTranslations("common");
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  async function choose(locale: Locale) {
    if (locale === current) return;
    // biome-ignore lint/suspicious/noDocumentCookie: a plain preference cookie; the Cookie Store API is not in every browser we support.
    document.cookie = `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax${location.protocol === "https:" ? "; Secure" : ""}`;
    if (signedIn) {
      await fetch("/api/me/locale", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ locale }),
      }).catch(() => {});
    }
    startTransition(() => router.refresh());
  }

  return (
    <fieldset className="flex items-center gap-1 text-sm" aria-busy={pending} data-testid="language-switcher">
      <legend className="sr-only">{t("language")}</legend>
      {LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          aria-pressed={locale === current}
          onClick={() => choose(locale)}
          className={`focus-ring rounded-md px-2 py-1 ${
            locale === current
              ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900"
              : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
          }`}
        >
          {LOCALE_NAMES[locale]}
        </button>
      ))}
    </fieldset>
  );
}
