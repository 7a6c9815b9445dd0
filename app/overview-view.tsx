"use client";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { useQueryStates } from "nuqs";
import { useEffect, useState } from "react";
import useSWR from "swr";
import { RecallBarsChart } from "@/components/recall-bars-chart";
import { userHref } from "@/components/recalls-table";
import { SavedViews } from "@/components/saved-views";
import { EmptyState, ErrorState, LoadingState, Panel } from "@/components/states";
import { TimeRangePicker } from "@/components/time-range-picker";
import { TimeToRecallHistogram } from "@/components/time-to-recall";
import { Timestamp } from "@/components/timestamp";
import { UserText } from "@/components/user-id";
import { fetchJson, queryString } from "@/lib/client/api";
import { overviewParams } from "@/lib/client/search-params";
import { useRelativeTime } from "@/lib/i18n/relative-time";
import type { Overview } from "@/lib/overview";

// The overview is an at-a-glance page left open on a wall: refresh it by itself.
const REFRESH_MS = 10_000;

/** Now, ticking every second between refreshes, and the seconds since `iso` at that moment. */
function useSecondsSince(iso: string | null): { now: number; seconds: number | null } {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return { now, seconds: iso ? Math.max(0, Math.floor((now - Date.parse(iso)) / 1000)) : null };
}

export function OverviewView() {
  const t = useTranslations("overview");
  const [{ since, until }] = useQueryStates(overviewParams);
  const { data, error, mutate } = useSWR<Overview>(`/api/overview${queryString({ since, until })}`, fetchJson, {
    refreshInterval: REFRESH_MS,
    keepPreviousData: true,
  });

  return (
    <div className="space-y-5">
      <section
        aria-label={t("timeRange")}
        className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      >
        <TimeRangePicker defaultPreset="24 h" />
      </section>
      <SavedViews page="/" />
      {error && !data ? <ErrorState error={error} onRetry={() => void mutate()} /> : null}
      {!data && !error ? <LoadingState label={t("loading")} /> : null}
      {data ? <OverviewPanels data={data} /> : null}
    </div>
  );
}

function OverviewPanels({ data }: { data: Overview }) {
  const ttr = useTranslations("timeToRecall");
  const t = useTranslations("overview");
  const format = useFormatter();
  const { now, seconds } = useSecondsSince(data.callbacks.lastCallbackAt);
  const ago = useRelativeTime();
  const silent = seconds === null || seconds > data.callbacks.silenceWarningMinutes * 60;
  const link = "focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400";
  const platformTotal = data.platforms.reduce((n, p) => n + p.recalls, 0);

  return (
    <>
      <div className="grid grid-cols-1 gap-5 md:grid-cols-3">
        <section
          aria-labelledby="callbacks-heading"
          data-testid="callback-health"
          data-silent={silent}
          className={`rounded-lg border p-4 ${
            silent
              ? "border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
              : "border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
          }`}
        >
          <h2 id="callbacks-heading" className="text-sm font-medium opacity-80">
            {t("lastCallback")}
          </h2>
          <p className="mt-1 text-2xl font-semibold tabular-nums">
            {seconds === null || !data.callbacks.lastCallbackAt ? t("never") : ago(new Date(data.callbacks.lastCallbackAt), now)}
          </p>
          {data.callbacks.lastCallbackAt ? (
            <p className="text-sm opacity-80">
              <Timestamp value={data.callbacks.lastCallbackAt} />
            </p>
          ) : null}
          {silent ? (
            <p role="alert" className="mt-2 text-sm font-medium">
              {/* Words, not only the amber colour, say that something is wrong. */}
              <span className="sr-only">{t("warning")}: </span>
              {seconds === null ? t("neverCalled") : t("silent", { minutes: data.callbacks.silenceWarningMinutes })}
            </p>
          ) : null}
        </section>
        <section
          aria-labelledby="total-heading"
          className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 id="total-heading" className="text-sm font-medium text-slate-500 dark:text-slate-400">
            {t("recallsInRange")}
          </h2>
          <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid="total-recalls">
            {format.number(data.totalRecalls)}
          </p>
          <p className="text-sm text-slate-500 dark:text-slate-400">
            {t.rich("range", { since: () => <Timestamp value={data.since} />, until: () => <Timestamp value={data.until} /> })}
          </p>
        </section>
        <section
          aria-labelledby="platform-heading"
          className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 id="platform-heading" className="text-sm font-medium text-slate-500 dark:text-slate-400">
            {t("platformSplit")}
          </h2>
          {data.platforms.length === 0 ? (
            <EmptyState>{t("empty")}</EmptyState>
          ) : (
            <ul className="mt-2 space-y-1.5 text-sm" data-testid="platform-split">
              {data.platforms.map((p) => {
                const share = platformTotal ? (p.recalls / platformTotal) * 100 : 0;
                return (
                  <li key={p.platform ?? ""}>
                    <div className="flex justify-between gap-2">
                      <span>{p.platform === null ? t("platformNotReported") : <UserText value={p.platform} />}</span>
                      <span className="tabular-nums">
                        {format.number(p.recalls)} (
                        {format.number(share / 100, { style: "percent", maximumFractionDigits: share < 10 ? 1 : 0 })})
                      </span>
                    </div>
                    <div aria-hidden="true" className="h-1.5 rounded bg-slate-100 dark:bg-slate-800">
                      <div className="h-1.5 rounded bg-sky-500" style={{ width: `${share}%` }} />
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      </div>

      <Panel title={t("recallsPer", { bucket: data.bucket })} id="over-time-heading">
        {data.totalRecalls === 0 ? (
          <EmptyState>{t("empty")}</EmptyState>
        ) : (
          <RecallBarsChart
            data={data.recallsOverTime}
            series={[{ key: "recalls", name: t("recallsSeries") }]}
            unit={data.bucket}
            caption={t("recallsPerCaption", { bucket: data.bucket })}
            testId="recalls-over-time"
          />
        )}
      </Panel>

      <div className="grid grid-cols-1 gap-5 md:grid-cols-2">
        {(
          [
            [t("topSenders"), "senders-heading", data.topSenders, "byThem"],
            [t("topRecipients"), "recipients-heading", data.topRecipients, "toThem"],
          ] as const
        ).map(([title, id, users, what]) => (
          <Panel key={id} title={title} id={id}>
            {users.length === 0 ? (
              <EmptyState>{t("empty")}</EmptyState>
            ) : (
              <ol className="space-y-1 text-sm">
                {users.map((u, i) => (
                  <li key={`${u.sdkAppId}/${u.userId}`} className="flex justify-between gap-3">
                    <span className="break-all">
                      <span className="mr-2 text-slate-500 tabular-nums dark:text-slate-400">{i + 1}.</span>
                      <Link href={userHref(u.userId)} className={link}>
                        <UserText value={u.userId} />
                      </Link>
                    </span>
                    <span className="whitespace-nowrap tabular-nums" title={t(what, { count: u.recalls })}>
                      {format.number(u.recalls)}
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </Panel>
        ))}
      </div>

      <Panel title={t("recallRates", { min: data.recallRates.minMessages })} id="recall-rates-heading">
        {data.recallRates.users.length === 0 ? (
          <EmptyState>{t("noRates", { min: data.recallRates.minMessages })}</EmptyState>
        ) : (
          <ol className="space-y-1 text-sm" data-testid="recall-rates">
            {data.recallRates.users.map((u, i) => (
              <li key={`${u.sdkAppId}/${u.userId}`} className="flex justify-between gap-3">
                <span className="break-all">
                  <span className="mr-2 text-slate-400 tabular-nums">{i + 1}.</span>
                  <Link href={userHref(u.userId)} className={link}>
                    <UserText value={u.userId} />
                  </Link>
                </span>
                <span className="whitespace-nowrap tabular-nums" title={t("rateOf", { recalls: u.recallsSent, messages: u.messagesSent })}>
                  {format.number(u.rate, { style: "percent", maximumFractionDigits: 1 })}
                </span>
              </li>
            ))}
          </ol>
        )}
      </Panel>
      <div className="grid grid-cols-1 gap-5 lg:grid-cols-2">
        <Panel title={ttr("heading")} id="time-to-recall-heading">
          <TimeToRecallHistogram stats={data.timeToRecall} testId="time-to-recall" />
        </Panel>
        <Panel title={ttr("split")} id="recall-kinds-heading">
          <ul className="space-y-1 text-sm" data-testid="recall-kinds">
            <li data-kind="admin">
              <Link href={`/recalls?kind=admin`} className={link}>
                {ttr("admin", { count: data.recallKinds.admin })}
              </Link>
            </li>
            <li data-kind="user">
              <Link href={`/recalls?kind=user`} className={link}>
                {ttr("user", { count: data.recallKinds.user })}
              </Link>
            </li>
          </ul>
        </Panel>
      </div>
      <p className="text-sm text-slate-500 dark:text-slate-400" data-testid="message-capture">
        {data.messageCapture ? t("captureOn") : t("captureOff")}
      </p>
    </>
  );
}
