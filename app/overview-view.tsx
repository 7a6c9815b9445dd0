"use client";
import Link from "next/link";
import { useQueryStates } from "nuqs";
import { useEffect, useState } from "react";
import useSWR from "swr";
import { RecallBarsChart } from "@/components/recall-bars-chart";
import { userHref } from "@/components/recalls-table";
import { EmptyState, ErrorState, LoadingState, Panel } from "@/components/states";
import { TimeRangePicker } from "@/components/time-range-picker";
import { Timestamp } from "@/components/timestamp";
import { UserText } from "@/components/user-id";
import { fetchJson, queryString } from "@/lib/client/api";
import { overviewParams } from "@/lib/client/search-params";
import type { Overview } from "@/lib/overview";

// The overview is an at-a-glance page left open on a wall: refresh it by itself.
const REFRESH_MS = 10_000;

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${seconds % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} days ${h % 24} h`;
}

/** Seconds since `iso`, ticking every second between refreshes. */
function useSecondsSince(iso: string | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return iso ? Math.max(0, Math.floor((now - Date.parse(iso)) / 1000)) : null;
}

export function OverviewView() {
  const [{ since, until }] = useQueryStates(overviewParams);
  const { data, error, mutate } = useSWR<Overview>(`/api/overview${queryString({ since, until })}`, fetchJson, {
    refreshInterval: REFRESH_MS,
    keepPreviousData: true,
  });

  return (
    <div className="space-y-5">
      <section aria-label="Time range" className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
        <TimeRangePicker defaultPreset="24 h" />
      </section>
      {error && !data ? <ErrorState error={error} onRetry={() => void mutate()} /> : null}
      {!data && !error ? <LoadingState label="Loading the overview…" /> : null}
      {data ? <OverviewPanels data={data} /> : null}
    </div>
  );
}

function OverviewPanels({ data }: { data: Overview }) {
  const seconds = useSecondsSince(data.callbacks.lastCallbackAt);
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
            Last callback
          </h2>
          <p className="mt-1 text-2xl font-semibold tabular-nums">{seconds === null ? "never" : `${duration(seconds)} ago`}</p>
          {data.callbacks.lastCallbackAt ? (
            <p className="text-sm opacity-80">
              <Timestamp value={data.callbacks.lastCallbackAt} />
            </p>
          ) : null}
          {silent ? (
            <p role="alert" className="mt-2 text-sm font-medium">
              {seconds === null
                ? "IM has not called the callback URL yet. Check the callback configuration in the IM console."
                : `No callback for more than ${data.callbacks.silenceWarningMinutes} minutes. Check that the callback is still enabled in the IM console and that this server is reachable.`}
            </p>
          ) : null}
        </section>
        <section
          aria-labelledby="total-heading"
          className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 id="total-heading" className="text-sm font-medium text-slate-500 dark:text-slate-400">
            Recalls in range
          </h2>
          <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid="total-recalls">
            {data.totalRecalls.toLocaleString("en-US")}
          </p>
          <p className="text-sm text-slate-500 dark:text-slate-400">
            <Timestamp value={data.since} /> to <Timestamp value={data.until} />
          </p>
        </section>
        <section
          aria-labelledby="platform-heading"
          className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        >
          <h2 id="platform-heading" className="text-sm font-medium text-slate-500 dark:text-slate-400">
            Platform split
          </h2>
          {data.platforms.length === 0 ? (
            <EmptyState>No recalls in this range.</EmptyState>
          ) : (
            <ul className="mt-2 space-y-1.5 text-sm" data-testid="platform-split">
              {data.platforms.map((p) => {
                const share = platformTotal ? (p.recalls / platformTotal) * 100 : 0;
                return (
                  <li key={p.platform ?? ""}>
                    <div className="flex justify-between gap-2">
                      <span>{p.platform === null ? "not reported" : <UserText value={p.platform} />}</span>
                      <span className="tabular-nums">
                        {p.recalls.toLocaleString("en-US")} ({share.toFixed(share < 10 ? 1 : 0)}%)
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

      <Panel title={`Recalls per ${data.bucket}`} id="over-time-heading">
        {data.totalRecalls === 0 ? (
          <EmptyState>No recalls in this range.</EmptyState>
        ) : (
          <RecallBarsChart
            data={data.recallsOverTime}
            series={[{ key: "recalls", name: "Recalls" }]}
            unit={data.bucket}
            caption={`Recalls per ${data.bucket} (UTC ${data.bucket === "day" ? "days" : "hours"})`}
            testId="recalls-over-time"
          />
        )}
      </Panel>

      <div className="grid grid-cols-1 gap-5 md:grid-cols-2">
        {(
          [
            ["Top senders", "senders-heading", data.topSenders, "recalled by them"],
            ["Top recipients", "recipients-heading", data.topRecipients, "recalled to them"],
          ] as const
        ).map(([title, id, users, what]) => (
          <Panel key={id} title={title} id={id}>
            {users.length === 0 ? (
              <EmptyState>No recalls in this range.</EmptyState>
            ) : (
              <ol className="space-y-1 text-sm">
                {users.map((u, i) => (
                  <li key={`${u.sdkAppId}/${u.userId}`} className="flex justify-between gap-3">
                    <span className="break-all">
                      <span className="mr-2 text-slate-400 tabular-nums">{i + 1}.</span>
                      <Link href={userHref(u.userId)} className={link}>
                        <UserText value={u.userId} />
                      </Link>
                    </span>
                    <span className="whitespace-nowrap tabular-nums" title={`${u.recalls} recalls ${what}`}>
                      {u.recalls.toLocaleString("en-US")}
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </Panel>
        ))}
      </div>
    </>
  );
}
