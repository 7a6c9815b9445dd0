import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import type { ReactNode } from "react";
import { LanguageSwitcher } from "@/components/language-switcher";
import { NavLinks } from "@/components/nav-links";
import { StaffMenu } from "@/components/staff-menu";
import { TimeZoneToggle } from "@/components/time-zone-toggle";
import { currentStaff } from "@/lib/auth/page-guard";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  // Pages set their own title; "%s · Recall Monitor" keeps the app's name in every tab.
  return { title: { template: `%s · ${t("appName")}`, default: t("appName") }, description: t("appDescription") };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: the Content-Security-Policy's nonce is per response, and
  // Next.js can only put it on the scripts of a page it renders now (a prerendered page's scripts
  // would be blocked).
  await connection();
  // Only what to show in the header: each page checks access itself (lib/auth/page-guard.ts),
  // because a layout is not rendered again on every navigation.
  const who = await currentStaff();
  const locale = await getLocale();
  const t = await getTranslations("common");
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        {/* Messages, locale and time zone come from lib/i18n/request.ts. */}
        <NextIntlClientProvider>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2 dark:focus:bg-slate-900"
          >
            {t("skipToContent")}
          </a>
          <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
            <nav className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3" aria-label={t("mainNav")}>
              <Link href="/" className="focus-ring font-semibold tracking-tight">
                {t("appName")}
              </Link>
              {who ? <NavLinks role={who.role} /> : null}
              <div className="ml-auto flex flex-wrap items-center gap-x-4 gap-y-2">
                <LanguageSwitcher signedIn={who !== null} />
                <TimeZoneToggle />
                {who ? <StaffMenu who={who} /> : null}
              </div>
            </nav>
          </header>
          <main id="main" className="mx-auto max-w-7xl px-4 py-6">
            <NuqsAdapter>{children}</NuqsAdapter>
          </main>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
