import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { safeNextPath } from "@/lib/auth/next-path";
import { currentStaff } from "@/lib/auth/page-guard";
import { countStaff } from "@/lib/auth/staff";
import { getDb } from "@/lib/db/client";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("login"))("title") };
}

const FIRST_ADMIN_COMMAND = "npm run staff:create -- --email you@example.com --role admin";

/** Public: the sign-in form. Signed-in visitors go straight on to where they were going. */
export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).next;
  const next = safeNextPath(typeof raw === "string" ? raw : undefined);
  if (await currentStaff()) redirect(next);
  const noStaff = (await countStaff(await getDb())) === 0;
  const t = await getTranslations("login");
  return (
    <div className="mx-auto max-w-sm space-y-6 py-8">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      {noStaff ? (
        <section
          aria-labelledby="first-admin-heading"
          className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
          data-testid="first-admin"
        >
          <h2 id="first-admin-heading" className="font-semibold">
            {t("noStaff")}
          </h2>
          <p className="mt-2 text-sm">{t("createFirst")}</p>
          <pre className="mt-2 overflow-x-auto rounded bg-amber-100 p-2 font-mono text-xs dark:bg-amber-900">
            <code>{FIRST_ADMIN_COMMAND}</code>
          </pre>
          <p className="mt-2 text-sm">{t("thenSignIn")}</p>
        </section>
      ) : null}
      <LoginForm next={next} />
    </div>
  );
}
