"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useQueryStates } from "nuqs";
import { type FormEvent, useCallback, useId, useMemo, useRef } from "react";
import useSWR from "swr";
import useSWRInfinite from "swr/infinite";
import { FiltersDisclosure } from "@/components/filters-disclosure";
import { LiveControls } from "@/components/live-controls";
import { userHref } from "@/components/recalls-table";
import { SavedViews } from "@/components/saved-views";
import { Sparkline } from "@/components/sparkline";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { TimeRangePicker } from "@/components/time-range-picker";
import { Timestamp } from "@/components/timestamp";
import { UserText, visibleText } from "@/components/user-id";
import { fetchJson, queryString } from "@/lib/client/api";
import { type UserSort, userListParams } from "@/lib/client/search-params";
import { useNarrow } from "@/lib/client/use-narrow";
import { useRecallStream } from "@/lib/client/use-recall-stream";
import { useRowSelection } from "@/lib/client/use-row-selection";
import type { UserItem, UserPage } from "@/lib/users/list";
import type { UnreadSparklines } from "@/lib/users/sparklines";

// The label of each column is users.columns.<sort>.
const COLUMNS: { sort: UserSort; numeric?: boolean }[] = [
  { sort: "userId" },
  { sort: "recallsSent", numeric: true },
  { sort: "recallsReceived", numeric: true },
  { sort: "lastUnreadMsgNum", numeric: true },
  { sort: "recallRate", numeric: true },
  { sort: "lastRecallAt" },
];
// What the API sorts by when the URL names no sort.
const DEFAULT_SORT: UserSort = "recallsSent";
// Live updates refetch the loaded pages; under a burst of recalls once a second is plenty.
const REFRESH_EVERY_MS = 1000;

export function UsersView() {
  const t = useTranslations("users");
  const format = useFormatter();
  const [params, setParams] = useQueryStates(userListParams);
  const { q, sort, order, since, until } = params;
  const searchId = useId();
  const activeSort = sort ?? DEFAULT_SORT;
  const activeOrder = order ?? "desc";

  const { data, error, isLoading, isValidating, size, setSize, mutate } = useSWRInfinite<UserPage>(
    (index, previous: UserPage | null) => {
      if (previous && !previous.nextCursor) return null;
      return `/api/users${queryString({ q, sort, order, since, until, cursor: index === 0 ? null : previous?.nextCursor })}`;
    },
    fetchJson,
    // Always refetch on mount (counts may have changed while the viewer was elsewhere).
    { revalidateOnFocus: false, dedupingInterval: 0 },
  );

  const lastRefresh = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onRecalls = useCallback(() => {
    if (timer.current) return;
    const wait = Math.max(0, lastRefresh.current + REFRESH_EVERY_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = undefined;
      lastRefresh.current = Date.now();
      void mutate();
    }, wait);
  }, [mutate]);
  const untilMs = until ? Date.parse(until) : Number.NaN;
  const status = useRecallStream("", onRecalls, Number.isNaN(untilMs) || untilMs > Date.now());

  const rows = useMemo(() => {
    const seen = new Set<string>();
    const out: UserItem[] = [];
    for (const u of data?.flatMap((p) => p.items) ?? []) {
      const key = `${u.sdkAppId ?? ""}/${u.userId}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(u);
      }
    }
    return out;
  }, [data]);
  const sparklines = useSparklines(rows, since, until);
  const router = useRouter();
  const narrow = useNarrow();
  const openRow = useCallback(
    (index: number) => {
      const u = rows[index];
      if (u) router.push(userHref(u.userId));
    },
    [rows, router],
  );
  const selected = useRowSelection(rows.length, openRow);
  const active = [q, since, until].filter(Boolean).length;
  const selectedRow = "outline-2 -outline-offset-2 outline-sky-600 dark:outline-sky-400";
  const hasMore = Boolean(data?.[data.length - 1]?.nextCursor);
  const loadingMore = isValidating && size > (data?.length ?? 0);

  const onSearch = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget).get("q") ?? "").trim();
    void setParams({ q: value || null });
  };
  const sortBy = (column: UserSort) => {
    if (column === activeSort) void setParams({ sort: column, order: activeOrder === "asc" ? "desc" : "asc" });
    else void setParams({ sort: column, order: column === "userId" ? "asc" : "desc" });
  };

  const th = "whitespace-nowrap px-3 py-2 font-medium";
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <FiltersDisclosure active={active} label={t("searchSection")}>
        <search>
          <form onSubmit={onSearch} key={q ?? ""} className="flex flex-wrap items-end gap-2">
            <label htmlFor={searchId} className="text-xs font-medium text-slate-600 dark:text-slate-300">
              {t("searchLabel")}
              <input
                id={searchId}
                name="q"
                defaultValue={q ?? ""}
                className="focus-ring mt-1 block w-64 max-w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
              />
            </label>
            <button
              type="submit"
              className="focus-ring rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              {t("search")}
            </button>
            {q ? (
              <button
                type="button"
                onClick={() => void setParams({ q: null })}
                className="focus-ring rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
              >
                {t("clear")}
              </button>
            ) : null}
          </form>
        </search>
        <TimeRangePicker />
      </FiltersDisclosure>
      <SavedViews page="/users" />
      <LiveControls status={status} paused={false} />
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void mutate()} />
      ) : isLoading && !data ? (
        <LoadingState label={t("loading")} />
      ) : rows.length === 0 ? (
        <EmptyState>{q ? t("noMatch", { q }) : t("empty")}</EmptyState>
      ) : (
        <>
          {narrow ? (
            <ul aria-label={t("caption")} className="space-y-2" data-testid="user-cards">
              {rows.map((u, i) => (
                <li
                  key={`${u.sdkAppId ?? ""}/${u.userId}`}
                  data-user-id={u.userId}
                  data-selected={selected === i}
                  className={`rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900 ${selected === i ? selectedRow : ""}`}
                >
                  <p className="break-all font-medium">
                    <Link
                      href={userHref(u.userId)}
                      className="focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400"
                    >
                      <UserText value={u.userId} />
                    </Link>
                  </p>
                  <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-slate-600 dark:text-slate-300">
                    <dt>{t("columns.recallsSent")}</dt>
                    <dd className="tabular-nums">{format.number(u.recallsSent)}</dd>
                    <dt>{t("columns.recallsReceived")}</dt>
                    <dd className="tabular-nums">{format.number(u.recallsReceived)}</dd>
                    <dt>{t("columns.lastUnreadMsgNum")}</dt>
                    <dd className="tabular-nums">{u.lastUnreadMsgNum ?? "—"}</dd>
                    <dt>{t("columns.recallRate")}</dt>
                    <dd className="tabular-nums" title={t("rateTitle", { recalls: u.recallsSent, messages: u.messagesSent })}>
                      {u.recallRate === null ? "—" : format.number(u.recallRate, { style: "percent", maximumFractionDigits: 1 })}
                    </dd>
                    <dt>{t("columns.lastRecallAt")}</dt>
                    <dd>
                      <Timestamp value={u.lastRecallAt} />
                    </dd>
                  </dl>
                </li>
              ))}
            </ul>
          ) : (
            <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
              <table className="w-full min-w-[48rem] text-sm">
                <caption className="sr-only">{t("caption")}</caption>
                <thead className="bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                  <tr>
                    {COLUMNS.map((c) => {
                      const current = c.sort === activeSort;
                      return (
                        <th
                          key={c.sort}
                          scope="col"
                          aria-sort={current ? (activeOrder === "asc" ? "ascending" : "descending") : "none"}
                          className={`${th} ${c.numeric ? "text-right" : "text-left"}`}
                        >
                          <button
                            type="button"
                            onClick={() => sortBy(c.sort)}
                            className="focus-ring inline-flex items-center gap-1 rounded hover:underline"
                          >
                            {t(`columns.${c.sort}`)}
                            <span aria-hidden="true" className={current ? "" : "text-slate-500 dark:text-slate-400"}>
                              {current ? (activeOrder === "asc" ? "▲" : "▼") : "↕"}
                            </span>
                          </button>
                        </th>
                      );
                    })}
                    <th scope="col" className={`${th} text-left`}>
                      {t("columns.app")}
                    </th>
                    <th scope="col" className={`${th} text-left`}>
                      {t("columns.trend")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((u, i) => (
                    <tr
                      key={`${u.sdkAppId ?? ""}/${u.userId}`}
                      data-user-id={u.userId}
                      data-selected={selected === i}
                      className={`border-t border-slate-100 bg-white dark:border-slate-800 dark:bg-slate-900 ${selected === i ? selectedRow : ""}`}
                    >
                      <td className="max-w-64 break-all px-3 py-1.5">
                        <Link
                          href={userHref(u.userId)}
                          className="focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400"
                        >
                          <UserText value={u.userId} />
                        </Link>
                      </td>
                      <td className="px-3 py-1.5 text-right tabular-nums" data-column="recallsSent">
                        {format.number(u.recallsSent)}
                      </td>
                      <td className="px-3 py-1.5 text-right tabular-nums" data-column="recallsReceived">
                        {format.number(u.recallsReceived)}
                      </td>
                      <td className="px-3 py-1.5 text-right tabular-nums" data-column="lastUnreadMsgNum">
                        {u.lastUnreadMsgNum ?? "—"}
                      </td>
                      <td
                        className="px-3 py-1.5 text-right tabular-nums"
                        data-column="recallRate"
                        title={t("rateTitle", { recalls: u.recallsSent, messages: u.messagesSent })}
                      >
                        {u.recallRate === null ? "—" : format.number(u.recallRate, { style: "percent", maximumFractionDigits: 1 })}
                      </td>
                      <td className="px-3 py-1.5">
                        <Timestamp value={u.lastRecallAt} />
                      </td>
                      <td className="px-3 py-1.5 font-mono text-xs">{u.sdkAppId === null ? "—" : <UserText value={u.sdkAppId} />}</td>
                      <td className="px-3 py-1.5">
                        <UserSparkline userId={u.userId} values={sparklines.data?.get(u.userId)} failed={Boolean(sparklines.error)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div className="flex flex-wrap items-center gap-3 text-sm text-slate-500 dark:text-slate-400">
            <span>{t("shown", { count: rows.length, n: format.number(rows.length) })}</span>
            {error ? <ErrorState error={error} onRetry={() => void mutate()} /> : null}
            {hasMore ? (
              <button
                type="button"
                disabled={loadingMore}
                onClick={() => void setSize(size + 1)}
                className="focus-ring rounded-md border border-slate-300 px-3 py-1 text-slate-800 hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800"
              >
                {loadingMore ? t("loadingMore") : t("loadMore")}
              </button>
            ) : null}
          </div>
        </>
      )}
    </div>
  );
}

const SPARKLINE_POINTS = 24;
// The API's limit of users per sparkline request.
const SPARKLINE_BATCH = 100;

/** One request per hundred rows for all the sparklines on screen, refetched when any row changes. */
function useSparklines(rows: UserItem[], since: string | null, until: string | null) {
  const ids = rows.map((u) => u.userId);
  const version = rows.map((u) => u.lastRecallAt).join(",");
  return useSWR(
    ids.length ? ["sparklines", ids.join("\u0000"), since, until, version] : null,
    async () => {
      const batches: string[][] = [];
      for (let i = 0; i < ids.length; i += SPARKLINE_BATCH) batches.push(ids.slice(i, i + SPARKLINE_BATCH));
      const answers = await Promise.all(
        batches.map((batch) => {
          const q = new URLSearchParams();
          for (const id of batch) q.append("user", id);
          q.set("points", String(SPARKLINE_POINTS));
          if (since) q.set("since", since);
          if (until) q.set("until", until);
          return fetchJson<UnreadSparklines>(`/api/unread-sparklines?${q}`);
        }),
      );
      return new Map(answers.flatMap((a) => a.items.map((item) => [item.userId, item.values] as const)));
    },
    { revalidateOnFocus: false, keepPreviousData: true },
  );
}

function UserSparkline({ userId, values, failed }: { userId: string; values: (number | null)[] | undefined; failed: boolean }) {
  const t = useTranslations("users");
  if (failed && !values) return <span className="text-xs text-red-700 dark:text-red-400">{t("unavailable")}</span>;
  if (!values) return <span className="text-xs text-slate-500 dark:text-slate-400">…</span>;
  const known = values.filter((v): v is number => v !== null);
  const latest = known[known.length - 1];
  return (
    <Sparkline
      values={values}
      label={latest === undefined ? t("sparkNone", { user: visibleText(userId) }) : t("sparkLabel", { user: visibleText(userId), latest })}
    />
  );
}
