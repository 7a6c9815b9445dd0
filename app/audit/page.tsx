import Link from "next/link";
import { inputClass as input } from "@/components/form-styles";
import { ACCESS_ACTIONS, ACTION_TEXT, type AccessAction, accessLogQuerySchema, listAccessLog } from "@/lib/audit/access-log";
import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Access log · Recall Monitor" };

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
  const filterQuery = new URLSearchParams(Object.entries(raw).filter(([k]) => k !== "cursor") as [string, string][]).toString();

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Access log</h1>
      <form method="get" className="flex flex-wrap items-end gap-3 text-sm" aria-label="Filter the access log">
        <label>
          Actor (email)
          <input name="actor" defaultValue={one(search, "actor")} className={`${input} mt-1 block`} />
        </label>
        <label>
          Action
          <select name="action" defaultValue={one(search, "action") ?? ""} className={`${input} mt-1 block`}>
            <option value="">any</option>
            {ACCESS_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_TEXT[a]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Subject user (staff email or IM user ID)
          <input name="subject" defaultValue={one(search, "subject")} className={`${input} mt-1 block`} />
        </label>
        <label>
          From (ISO 8601, UTC)
          <input name="since" defaultValue={one(search, "since")} placeholder="2026-12-01T00:00Z" className={`${input} mt-1 block`} />
        </label>
        <label>
          Until
          <input name="until" defaultValue={one(search, "until")} className={`${input} mt-1 block`} />
        </label>
        <button type="submit" className={input}>
          Apply filters
        </button>
        <a href={`/api/audit/export${filterQuery ? `?${filterQuery}` : ""}`} className={`${input} underline`} download>
          Export access log (CSV)
        </a>
      </form>

      {!parsed.success ? (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {parsed.error.issues.map((i) => `${String(i.path[0] ?? "")}: ${i.message}`).join("; ")}
        </p>
      ) : page && page.items.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">No entries match.</p>
      ) : (
        <table className="w-full text-left text-sm" aria-label="Access log, newest first">
          <thead>
            <tr className="border-b border-slate-200 dark:border-slate-800">
              <th className="py-2">Time (UTC)</th>
              <th>Action</th>
              <th>Actor</th>
              <th>Subject</th>
              <th>Target</th>
              <th>Address</th>
              <th>Via</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((e) => (
              <tr key={e.id} data-action={e.action} className="border-b border-slate-100 align-top dark:border-slate-800">
                <td className="whitespace-nowrap py-1 font-mono text-xs">
                  <time dateTime={e.at}>{e.at.replace("T", " ").replace("Z", "")}</time>
                </td>
                <td>{ACTION_TEXT[e.action as AccessAction] ?? e.action}</td>
                <td className="font-mono text-xs">{e.actorEmail ?? "—"}</td>
                <td className="font-mono text-xs">{e.subjectEmail ?? "—"}</td>
                <td className="break-all font-mono text-xs">
                  {e.exportId ? (
                    <Link href="/exports" className="underline" title={`export ${e.exportId}`}>
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
          Older entries
        </Link>
      ) : null}
    </div>
  );
}
