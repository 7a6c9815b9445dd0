import { listApiTokens, MAX_TOKEN_DAYS } from "@/lib/auth/api-tokens";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { getDb } from "@/lib/db/client";
import { TokensView } from "./tokens-view";

export const dynamic = "force-dynamic";
export const metadata = { title: "API tokens · Recall Monitor" };

/** Auditors and admins: personal API tokens for scripts. */
export default async function TokensPage() {
  const who = await requireStaffPage("auditor", "/settings/tokens");
  const tokens = await listApiTokens(await getDb(), who.userId);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">API tokens</h1>
      <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-400">
        A token lets a script call the JSON and export APIs as you, with the role you give it (never higher than yours), until it expires
        (at most {MAX_TOKEN_DAYS} days) or you revoke it. Send it as <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>.
        Pages do not accept tokens.
      </p>
      <TokensView tokens={tokens} ownRole={who.role} maxDays={MAX_TOKEN_DAYS} />
    </div>
  );
}
