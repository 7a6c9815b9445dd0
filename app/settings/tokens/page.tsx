import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { listApiTokens, MAX_TOKEN_DAYS } from "@/lib/auth/api-tokens";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { getDb } from "@/lib/db/client";
import { TokensView } from "./tokens-view";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("tokens"))("title") };
}

/** Auditors and admins: personal API tokens for scripts. */
export default async function TokensPage() {
  const who = await requireStaffPage("auditor", "/settings/tokens");
  const tokens = await listApiTokens(await getDb(), who.userId);
  const t = await getTranslations("tokens");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-400">
        {t.rich("intro", {
          days: MAX_TOKEN_DAYS,
          header: "Authorization: Bearer <token>",
          code: (chunks) => <code className="font-mono">{chunks}</code>,
        })}
      </p>
      <TokensView tokens={tokens} ownRole={who.role} maxDays={MAX_TOKEN_DAYS} />
    </div>
  );
}
