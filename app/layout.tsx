import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import type { ReactNode } from "react";
import { NavLinks } from "@/components/nav-links";
import { StaffMenu } from "@/components/staff-menu";
import { TimeZoneToggle } from "@/components/time-zone-toggle";
import { currentStaff } from "@/lib/auth/page-guard";
import "./globals.css";

export const metadata: Metadata = {
  title: "Recall Monitor",
  description: "Log and live dashboard of Tencent Cloud IM one-to-one message recalls",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: the Content-Security-Policy's nonce is per response, and
  // Next.js can only put it on the scripts of a page it renders now (a prerendered page's scripts
  // would be blocked).
  await connection();
  // Only what to show in the header: each page checks access itself (lib/auth/page-guard.ts),
  // because a layout is not rendered again on every navigation.
  const who = await currentStaff();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2 dark:focus:bg-slate-900"
        >
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <nav className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3" aria-label="Main">
            <Link href="/" className="focus-ring font-semibold tracking-tight">
              Recall Monitor
            </Link>
            {who ? <NavLinks role={who.role} /> : null}
            <div className="ml-auto flex items-center gap-4">
              <TimeZoneToggle />
              {who ? <StaffMenu who={who} /> : null}
            </div>
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-7xl px-4 py-6">
          <NuqsAdapter>{children}</NuqsAdapter>
        </main>
      </body>
    </html>
  );
}
