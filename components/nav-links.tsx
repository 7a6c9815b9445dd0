"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";

import { type Role, roleAtLeast } from "@/lib/auth/roles";

// label: the key under common.nav (messages/<locale>/common.json).
const LINKS: { href: string; label: string; role: Role }[] = [
  { href: "/", label: "overview", role: "viewer" },
  { href: "/recalls", label: "recalls", role: "viewer" },
  { href: "/users", label: "users", role: "viewer" },
  { href: "/alerts", label: "alerts", role: "viewer" },
  { href: "/exports", label: "exports", role: "auditor" },
  { href: "/audit", label: "audit", role: "auditor" },
  { href: "/settings/tokens", label: "tokens", role: "auditor" },
  { href: "/admin/staff", label: "staff", role: "admin" },
  { href: "/admin/holds", label: "holds", role: "admin" },
  { href: "/admin/alerts", label: "alertRules", role: "admin" },
];

/** The pages the signed-in role may open (the server checks each page again). */
export function NavLinks({ role }: { role: Role }) {
  const pathname = usePathname();
  const t = useTranslations("common.nav");
  return (
    <ul className="flex flex-wrap items-center gap-x-1 gap-y-1">
      {LINKS.filter((l) => roleAtLeast(role, l.role)).map(({ href, label }) => {
        const current = href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
        return (
          <li key={href}>
            <Link
              href={href}
              aria-current={current ? "page" : undefined}
              className={`focus-ring rounded-md px-2 py-1 text-sm ${
                current
                  ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900"
                  : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
              }`}
            >
              {t(label)}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
