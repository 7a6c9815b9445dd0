"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useCallback } from "react";
import { TimeToRecall } from "@/components/time-to-recall";
import { Timestamp } from "@/components/timestamp";
import { UserText } from "@/components/user-id";
import { useNarrow } from "@/lib/client/use-narrow";
import { useRowSelection } from "@/lib/client/use-row-selection";
import type { RecallItem } from "@/lib/recalls/list";

export function userHref(userId: string): string {
  return `/users/${encodeURIComponent(userId)}`;
}

const th = "whitespace-nowrap px-3 py-2 text-left font-medium";
const td = "px-3 py-1.5 align-top";
const link = "focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400";
// The keyboard selection (j/k): an outline, not only a colour, so it shows in every theme.
const selectedRow = "outline-2 -outline-offset-2 outline-sky-600 dark:outline-sky-400";
const freshRow = "bg-emerald-50 dark:bg-emerald-950/40";

/** The recall log's table, newest first; shared by /recalls and a user's page. */
export function RecallsTable({ items, caption, freshIds }: { items: RecallItem[]; caption: string; freshIds?: ReadonlySet<number> }) {
  const t = useTranslations("recalls.columns");
  const ttr = useTranslations("timeToRecall");
  const router = useRouter();
  const narrow = useNarrow();
  const open = useCallback(
    (index: number) => {
      const r = items[index];
      if (r) router.push(`/recalls/${r.id}`);
    },
    [items, router],
  );
  const selected = useRowSelection(items.length, open);
  if (narrow) return <RecallCards items={items} caption={caption} freshIds={freshIds} selected={selected} />;
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
            <th scope="col" className={`${th} text-right`}>
              {ttr("column")}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((r, i) => (
            <tr
              key={r.id}
              data-recall-id={r.id}
              data-selected={selected === i}
              className={`border-t border-slate-100 dark:border-slate-800 ${freshIds?.has(r.id) ? freshRow : "bg-white dark:bg-slate-900"} ${selected === i ? selectedRow : ""}`}
            >
              <td className={td}>
                {/* The accessible name starts with the visible time (WCAG 2.5.3), then says which recall it opens. */}
                <Link href={`/recalls/${r.id}`} className={link}>
                  <Timestamp value={r.receivedAt} />
                  <span className="sr-only">{t("recallLink", { id: r.id })}</span>
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
              <td className={`${td} whitespace-nowrap text-right tabular-nums`} data-column="time-to-recall">
                <TimeToRecall value={r.timeToRecall} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Under 640 px: one card per recall (sender → recipient, time, platform, unread), no sideways scroll. */
function RecallCards({
  items,
  caption,
  freshIds,
  selected,
}: {
  items: RecallItem[];
  caption: string;
  freshIds?: ReadonlySet<number>;
  selected: number | null;
}) {
  const t = useTranslations("recalls.columns");
  const ttr = useTranslations("timeToRecall");
  return (
    <ul aria-label={caption} className="space-y-2" data-testid="recall-cards">
      {items.map((r, i) => (
        <li
          key={r.id}
          data-recall-id={r.id}
          data-selected={selected === i}
          className={`rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-800 ${freshIds?.has(r.id) ? freshRow : "bg-white dark:bg-slate-900"} ${selected === i ? selectedRow : ""}`}
        >
          <p className="flex flex-wrap items-center gap-x-1 break-all font-medium">
            <Link href={userHref(r.fromAccount)} className={link}>
              <UserText value={r.fromAccount} />
            </Link>
            <span aria-hidden="true">→</span>
            <span className="sr-only">{t("to")}</span>
            <Link href={userHref(r.toAccount)} className={link}>
              <UserText value={r.toAccount} />
            </Link>
          </p>
          <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-slate-600 dark:text-slate-300">
            <dt>{t("received")}</dt>
            <dd>
              <Link href={`/recalls/${r.id}`} className={link}>
                <Timestamp value={r.receivedAt} />
                <span className="sr-only">{t("recallLink", { id: r.id })}</span>
              </Link>
            </dd>
            <dt>{t("platform")}</dt>
            <dd>{r.optPlatform === null ? "—" : <UserText value={r.optPlatform} />}</dd>
            <dt>{t("unread")}</dt>
            <dd className="tabular-nums">{r.unreadMsgNum ?? "—"}</dd>
            <dt>{ttr("column")}</dt>
            <dd className="tabular-nums" data-column="time-to-recall">
              <TimeToRecall value={r.timeToRecall} />
            </dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}
