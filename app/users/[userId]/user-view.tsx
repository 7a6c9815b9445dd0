"use client";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useQueryStates } from "nuqs";
import useSWR from "swr";
import { ExportCsvButton } from "@/components/export-csv-button";
import { RecallBarsChart } from "@/components/recall-bars-chart";
import { RecallLog } from "@/components/recall-log";
import { userHref } from "@/components/recalls-table";
import { EmptyState, ErrorState, LoadingState, Panel } from "@/components/states";
import { TimeRangePicker } from "@/components/time-range-picker";
import { TimeToRecallHistogram } from "@/components/time-to-recall";
import { UnreadTrendChart } from "@/components/unread-trend-chart";
import { UserText, visibleText } from "@/components/user-id";
import { fetchJson, queryString } from "@/lib/client/api";
import { BUCKETS, defaultBucket, userPageParams } from "@/lib/client/search-params";
import type { UserCounterparts, UserTrend } from "@/lib/users/trend";
import { RecalledMessages } from "./recalled-messages";

// The API's trend covers this many days when the URL gives no `since`.
const DEFAULT_DAYS = 30;

/** `canReveal`: auditors and admins may show captured content (the API checks again and logs it). */
export function UserView({
  userId,
  canExport,
  canReveal,
  offerContent,
}: {
  userId: string;
  canExport: boolean;
  canReveal: boolean;
  /** The export may include captured message content (an auditor or admin, and a key to read it). */
  offerContent: boolean;
}) {
  const t = useTranslations("user");
  const ttr = useTranslations("timeToRecall");
  const format = useFormatter();
  const user = () => <UserText value={userId} />;
  const [{ since, until, bucket: urlBucket }, setParams] = useQueryStates(userPageParams);
  const bucket = urlBucket ?? defaultBucket(since ?? new Date(Date.now() - DEFAULT_DAYS * 24 * 3600_000).toISOString(), until);
  const base = `/api/users/${encodeURIComponent(userId)}`;
  const trend = useSWR<UserTrend>(`${base}/trend${queryString({ since, until, bucket })}`, fetchJson, { keepPreviousData: true });
  const counterparts = useSWR<UserCounterparts>(`${base}/counterparts${queryString({ since, until })}`, fetchJson, {
    keepPreviousData: true,
  });
  const logFilters = { user: userId, since, until };

  const link = "focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400";

  return (
    <div className="space-y-5">
      <p className="text-sm">
        <Link href="/users" className={link}>
          ← {t("back")}
        </Link>
      </p>
      <h1 className="break-all text-2xl font-semibold">
        {t.rich("title", { user: () => <UserText value={userId} className="font-mono" /> })}
      </h1>
      <section
        aria-label={t("timeRange")}
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      >
        <TimeRangePicker defaultPreset="30 days" />
        <fieldset className="flex flex-wrap items-center gap-2">
          <legend className="mb-1 text-sm font-medium text-slate-600 dark:text-slate-300">{t("countsPer")}</legend>
          {BUCKETS.map((b) => (
            <button
              key={b}
              type="button"
              aria-pressed={bucket === b}
              onClick={() => void setParams({ bucket: b })}
              className={`focus-ring rounded-md border px-2 py-1 text-sm ${
                bucket === b
                  ? "border-slate-900 bg-slate-900 text-white dark:border-slate-100 dark:bg-slate-100 dark:text-slate-900"
                  : "border-slate-300 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
              }`}
            >
              {t(`buckets.${b}`)}
            </button>
          ))}
        </fieldset>
      </section>

      {trend.data ? (
        <p className="text-sm" data-testid="user-recall-rate">
          {trend.data.messages.recallRate === null
            ? t("noMessages")
            : t("recallRate", {
                rate: format.number(trend.data.messages.recallRate, { style: "percent", maximumFractionDigits: 1 }),
                recalls: trend.data.messages.recallsSent,
                messages: trend.data.messages.sent,
              })}
        </p>
      ) : null}
      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Panel title={t("unreadOverTime")} id="unread-heading">
          {trend.error ? (
            <ErrorState error={trend.error} onRetry={() => void trend.mutate()} />
          ) : !trend.data ? (
            <LoadingState label={t("loadingTrend")} />
          ) : trend.data.unread.length === 0 ? (
            <EmptyState>{t.rich("noUnread", { user })}</EmptyState>
          ) : (
            <UnreadTrendChart userId={userId} points={trend.data.unread} sampled={trend.data.unreadSampled} />
          )}
        </Panel>
        <Panel title={t("sentReceivedPer", { bucket })} id="buckets-heading">
          {trend.error ? (
            <ErrorState error={trend.error} onRetry={() => void trend.mutate()} />
          ) : !trend.data ? (
            <LoadingState />
          ) : trend.data.buckets.every((b) => b.sent === 0 && b.received === 0) ? (
            <EmptyState>{t.rich("noneInRange", { user })}</EmptyState>
          ) : (
            <RecallBarsChart
              data={trend.data.buckets}
              series={[
                { key: "sent", name: t("sent") },
                { key: "received", name: t("received") },
              ]}
              unit={trend.data.bucket}
              caption={t("bucketsCaption", { user: visibleText(userId), bucket: trend.data.bucket })}
              testId="user-buckets"
            />
          )}
        </Panel>
      </div>

      <Panel title={t("counterparts")} id="counterparts-heading">
        {counterparts.error ? (
          <ErrorState error={counterparts.error} onRetry={() => void counterparts.mutate()} />
        ) : !counterparts.data ? (
          <LoadingState />
        ) : counterparts.data.items.length === 0 ? (
          <EmptyState>{t.rich("noCounterparts", { user })}</EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="counterparts">
              <caption className="sr-only">{t.rich("counterpartsCaption", { user })}</caption>
              <thead className="text-slate-500 dark:text-slate-400">
                <tr>
                  <th scope="col" className="py-1 pr-4 text-left font-medium">
                    {t("colUser")}
                  </th>
                  <th scope="col" className="py-1 pr-4 text-right font-medium">
                    {t.rich("recalledBy", { user })}
                  </th>
                  <th scope="col" className="py-1 pr-4 text-right font-medium">
                    {t.rich("recalledTo", { user })}
                  </th>
                  <th scope="col" className="py-1 text-right font-medium">
                    {t("total")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {counterparts.data.items.map((c) => (
                  <tr key={c.userId} className="border-t border-slate-100 dark:border-slate-800">
                    <td className="break-all py-1 pr-4">
                      <Link href={userHref(c.userId)} className={link}>
                        <UserText value={c.userId} />
                      </Link>
                    </td>
                    <td className="py-1 pr-4 text-right tabular-nums">{c.sent}</td>
                    <td className="py-1 pr-4 text-right tabular-nums">{c.received}</td>
                    <td className="py-1 text-right tabular-nums">{c.total}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Panel title={ttr("heading")} id="user-time-to-recall-heading">
          {trend.error ? (
            <ErrorState error={trend.error} onRetry={() => void trend.mutate()} />
          ) : !trend.data ? (
            <LoadingState />
          ) : (
            <TimeToRecallHistogram stats={trend.data.timeToRecall} testId="user-time-to-recall" />
          )}
        </Panel>
        <RecalledMessages filters={logFilters} canReveal={canReveal} />
      </div>

      <section aria-labelledby="log-heading" className="space-y-3">
        <h2 id="log-heading" className="text-lg font-semibold">
          {t.rich("logHeading", { user })}
        </h2>
        <RecallLog
          filters={logFilters}
          caption={t("logCaption", { user: visibleText(userId) })}
          emptyText={t("logEmpty", { user: visibleText(userId), ranged: since || until ? "yes" : "no" })}
          actions={canExport ? <ExportCsvButton search={queryString(logFilters)} offerContent={offerContent} /> : null}
        />
      </section>
    </div>
  );
}
