import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { inputClass as input } from "@/components/form-styles";
import { ACCESS_ACTIONS, ACTION_TEXT, type AccessAction, accessLogQuerySchema, listAccessLog } from "@/lib/audit/access-log";
import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("audit"))("title") };
}

type Search = Record<string, string | string[] | undefined>;
const FILTERS = ["actor", "action", "subject", "since", "until"] as const;

function one(search: Search, key: string): string | undefined {
  const v = search[key];
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

/** Auditors and admins: the access log, newest first, filtered through the URL. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  await requireStaffPage("auditor", pathWithQuery("/audit", search));
  const raw = Object.fromEntries([...FILTERS, "cursor"].map((k) => [k, one(search, k)]).filter(([, v]) => v !== undefined));
  const parsed = accessLogQuerySchema.safeParse(raw);
  const page = parsed.success ? await listAccessLog(await getDb(), parsed.data) : null;
  const t = await getTranslations("audit");
  // An action added to the log before its words reach the message files still shows, in English.
  const actionText = (a: string) => (t.has(`actions.${a}`) ? t(`actions.${a}`) : (ACTION_TEXT[a as AccessAction] ?? a));
  const filterQuery = new URLSearchParams(Object.entries(raw).filter(([k]) => k !== "cursor") as [string, string][]).toString();

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <form method="get" className="flex flex-wrap items-end gap-3 text-sm" aria-label={t("filterLabel")}>
        <label>
          {t("actor")}
          <input name="actor" defaultValue={one(search, "actor")} className={`${input} mt-1 block`} />
        </label>
        <label>
          {t("action")}
          <select name="action" defaultValue={one(search, "action") ?? ""} className={`${input} mt-1 block`}>
            <option value="">{t("any")}</option>
            {ACCESS_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionText(a)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("subject")}
          <input name="subject" defaultValue={one(search, "subject")} className={`${input} mt-1 block`} />
        </label>
        <label>
          {t("since")}
          <input name="since" defaultValue={one(search, "since")} placeholder="2026-12-01T00:00Z" className={`${input} mt-1 block`} />
        </label>
        <label>
          {t("until")}
          <input name="until" defaultValue={one(search, "until")} className={`${input} mt-1 block`} />
        </label>
        <button type="submit" className={input}>
          {t("apply")}
        </button>
        <a href={`/api/audit/export${filterQuery ? `?${filterQuery}` : ""}`} className={`${input} underline`} download>
          {t("export")}
        </a>
      </form>

      {!parsed.success ? (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {parsed.error.issues.map((i) => `${String(i.path[0] ?? "")}: ${i.message}`).join("; ")}
        </p>
      ) : page && page.items.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">{t("empty")}</p>
      ) : (
        <table className="w-full text-left text-sm" aria-label={t("tableLabel")}>
          <thead>
            <tr className="border-b border-slate-200 dark:border-slate-800">
              <th className="py-2">{t("cols.time")}</th>
              <th>{t("cols.action")}</th>
              <th>{t("cols.actor")}</th>
              <th>{t("cols.subject")}</th>
              <th>{t("cols.target")}</th>
              <th>{t("cols.address")}</th>
              <th>{t("cols.via")}</th>
              <th>{t("cols.detail")}</th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((e) => (
              <tr key={e.id} data-action={e.action} className="border-b border-slate-100 align-top dark:border-slate-800">
                <td className="whitespace-nowrap py-1 font-mono text-xs">
                  <time dateTime={e.at}>{e.at.replace("T", " ").replace("Z", "")}</time>
                </td>
                <td>{actionText(e.action)}</td>
                <td className="font-mono text-xs">{e.actorEmail ?? "—"}</td>
                <td className="font-mono text-xs">{e.subjectEmail ?? "—"}</td>
                <td className="break-all font-mono text-xs">
                  {e.exportId ? (
                    <Link href="/exports" className="underline" title={t("exportTitle", { id: e.exportId })}>
                      {e.target ?? e.exportId}
                    </Link>
                  ) : (
                    (e.target ?? "—")
                  )}
                </td>
                <td className="font-mono text-xs">{e.address}</td>
                <td className="font-mono text-xs">{e.via ?? "—"}</td>
                <td className="break-all font-mono text-xs">{e.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page?.nextCursor ? (
        <Link href={`/audit?${filterQuery ? `${filterQuery}&` : ""}cursor=${page.nextCursor}`} className="underline">
          {t("older")}
        </Link>
      ) : null}
    </div>
  );
}
