"use client";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { Timestamp } from "@/components/timestamp";
import { UserText } from "@/components/user-id";
import type { RecallItem } from "@/lib/recalls/list";

export function userHref(userId: string): string {
  return `/users/${encodeURIComponent(userId)}`;
}

const th = "whitespace-nowrap px-3 py-2 text-left font-medium";
const td = "px-3 py-1.5 align-top";
const link = "focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400";

/** The recall log's table, newest first; shared by /recalls and a user's page. */
export function RecallsTable({ items, caption, freshIds }: { items: RecallItem[]; caption: string; freshIds?: ReadonlySet<number> }) {
  const t = useTranslations("recalls.columns");
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full min-w-[64rem] text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300">
          <tr>
            <th scope="col" className={th}>
              {t("received")}
            </th>
            <th scope="col" className={th}>
              {t("eventTime")}
            </th>
            <th scope="col" className={th}>
              {t("sender")}
            </th>
            <th scope="col" className={th}>
              {t("recipient")}
            </th>
            <th scope="col" className={th}>
              {t("msgKey")}
            </th>
            <th scope="col" className={`${th} text-right`}>
              {t("unread")}
            </th>
            <th scope="col" className={th}>
              {t("platform")}
            </th>
            <th scope="col" className={th}>
              {t("clientIp")}
            </th>
            <th scope="col" className={th}>
              {t("app")}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr
              key={r.id}
              data-recall-id={r.id}
              className={`border-t border-slate-100 dark:border-slate-800 ${freshIds?.has(r.id) ? "bg-emerald-50 dark:bg-emerald-950/40" : "bg-white dark:bg-slate-900"}`}
            >
              <td className={td}>
                {/* The accessible name holds the visible time (WCAG 2.5.3), after what the link opens. */}
                <Link href={`/recalls/${r.id}`} className={link}>
                  <span className="sr-only">{t("recallLink", { id: r.id })} </span>
                  <Timestamp value={r.receivedAt} />
                </Link>
              </td>
              <td className={td}>
                <Timestamp value={r.eventTime} />
              </td>
              <td className={`${td} max-w-48 break-all`}>
                <Link href={userHref(r.fromAccount)} className={link}>
                  <UserText value={r.fromAccount} />
                </Link>
              </td>
              <td className={`${td} max-w-48 break-all`}>
                <Link href={userHref(r.toAccount)} className={link}>
                  <UserText value={r.toAccount} />
                </Link>
              </td>
              <td className={`${td} max-w-56 break-all font-mono text-xs`}>
                <UserText value={r.msgKey} />
              </td>
              <td className={`${td} text-right tabular-nums`}>{r.unreadMsgNum ?? "—"}</td>
              <td className={td}>{r.optPlatform === null ? "—" : <UserText value={r.optPlatform} />}</td>
              <td className={`${td} font-mono text-xs`}>{r.clientIp === null ? "—" : <UserText value={r.clientIp} />}</td>
              <td className={`${td} font-mono text-xs`}>
                <UserText value={r.sdkAppId} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
