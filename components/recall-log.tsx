"use client";
import { useFormatter, useTranslations } from "next-intl";
// The recall log with live updates: pages come from /api/recalls (keyset, "load older"), new
// matching rows from the stream. New rows go straight to the top while the viewer is live and at
// the top; when paused or scrolled down they wait behind an "N new" button so nothing jumps.
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import useSWRInfinite from "swr/infinite";
import { LiveControls } from "@/components/live-controls";
import { RecallsTable } from "@/components/recalls-table";
import { EmptyState, ErrorState, LoadingState } from "@/components/states";
import { fetchJson, queryString } from "@/lib/client/api";
import { useRecallStream } from "@/lib/client/use-recall-stream";
import type { RecallItem, RecallPage } from "@/lib/recalls/list";

export type RecallLogFilters = Record<string, string | null | undefined>;

// An all-day tab must not grow without bound: beyond this the oldest live rows drop off the top
// list (they are still in the database and come back with "load older").
const MAX_LIVE_ROWS = 2000;

function newestFirst(a: RecallItem, b: RecallItem): number {
  return b.receivedAt.localeCompare(a.receivedAt) || b.id - a.id;
}

type RecallLogProps = { filters: RecallLogFilters; limit?: number | null; caption: string; emptyText: ReactNode; actions?: ReactNode };

export function RecallLog(props: RecallLogProps) {
  // A new filter is a new log: start from scratch rather than mixing rows of two queries.
  return <RecallLogForQuery key={queryString({ ...props.filters, limit: props.limit })} {...props} />;
}

function RecallLogForQuery({ filters, limit, caption, emptyText, actions }: RecallLogProps) {
  const t = useTranslations("recalls");
  const format = useFormatter();
  const query = queryString(filters);
  const { data, error, isLoading, isValidating, size, setSize, mutate } = useSWRInfinite<RecallPage>(
    (index, previous: RecallPage | null) => {
      if (previous && !previous.nextCursor) return null;
      return `/api/recalls${queryString({ ...filters, limit, cursor: index === 0 ? null : previous?.nextCursor })}`;
    },
    fetchJson,
    // Rows may have arrived since the cached pages were fetched (the viewer was on another page,
    // where the stream was closed): always refetch on mount, however recent the cache.
    { revalidateOnFocus: false, dedupingInterval: 0 },
  );

  const [paused, setPaused] = useState(false);
  const [atTop, setAtTop] = useState(true);
  const [live, setLive] = useState<RecallItem[]>([]);
  const [pending, setPending] = useState<RecallItem[]>([]);
  // What the polite live region last said: screen readers hear new rows without focus moving.
  const [arrived, setArrived] = useState(0);
  const holdBack = paused || !atTop;
  const holdBackRef = useRef(holdBack);
  holdBackRef.current = holdBack;

  const onRecalls = useCallback((items: RecallItem[]) => {
    const fresh = [...items].sort(newestFirst);
    setArrived(fresh.length);
    if (holdBackRef.current) setPending((p) => [...fresh, ...p]);
    else setLive((l) => [...fresh, ...l].slice(0, MAX_LIVE_ROWS));
  }, []);

  const until = filters.until ? Date.parse(filters.until) : Number.NaN;
  const liveEnabled = Number.isNaN(until) || until > Date.now();
  const status = useRecallStream(query, onRecalls, liveEnabled);

  // After a reconnect the server resumes from Last-Event-ID; refetching covers the case where the
  // browser had to open a fresh connection (no id to resume from).
  const lastStatus = useRef(status);
  useEffect(() => {
    if (lastStatus.current === "reconnecting" && status === "live") void mutate();
    lastStatus.current = status;
  }, [status, mutate]);

  // Back at the top and live: show what waited.
  useEffect(() => {
    if (!holdBack && pending.length) {
      setLive((l) => [...pending, ...l].slice(0, MAX_LIVE_ROWS));
      setPending([]);
    }
  }, [holdBack, pending]);

  const topRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = topRef.current;
    if (!el) return;
    // "At the top" while the top of the log has not been scrolled past; below the fold (not reached
    // yet) counts too: nothing above would move. Read on every scroll, of the page or of any box
    // (capture), rather than from an IntersectionObserver, which missed scrolls on this page.
    const update = () => setAtTop(el.getBoundingClientRect().top >= 0);
    update();
    window.addEventListener("scroll", update, { passive: true, capture: true });
    window.addEventListener("resize", update, { passive: true });
    return () => {
      window.removeEventListener("scroll", update, { capture: true });
      window.removeEventListener("resize", update);
    };
  }, []);

  const rows = useMemo(() => {
    const out: RecallItem[] = [];
    const ids = new Set<number>();
    for (const r of [...live, ...(data?.flatMap((p) => p.items) ?? [])]) {
      if (!ids.has(r.id)) {
        ids.add(r.id);
        out.push(r);
      }
    }
    return out;
  }, [live, data]);
  const rowIds = useMemo(() => new Set(rows.map((r) => r.id)), [rows]);
  const waiting = pending.filter((r) => !rowIds.has(r.id));
  const liveIds = useMemo(() => new Set(live.map((r) => r.id)), [live]);

  const showWaiting = () => {
    setLive((l) => [...pending, ...l].slice(0, MAX_LIVE_ROWS));
    setPending([]);
    topRef.current?.scrollIntoView({ block: "start", behavior: "smooth" });
  };

  const hasMore = Boolean(data?.[data.length - 1]?.nextCursor);
  const loadingMore = isValidating && size > (data?.length ?? 0);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <LiveControls status={status} paused={paused} onPausedChange={setPaused} />
        {actions}
      </div>
      <p className="sr-only" aria-live="polite" data-testid="live-announcer">
        {arrived > 0 ? t("arrived", { count: arrived }) : ""}
      </p>
      <div ref={topRef} className="scroll-mt-4" />
      {waiting.length > 0 ? (
        <div className="sticky top-2 z-10 flex justify-center">
          <button
            type="button"
            onClick={showWaiting}
            data-testid="new-recalls"
            className="focus-ring rounded-full bg-sky-600 px-4 py-1.5 text-sm font-medium text-white shadow hover:bg-sky-700"
          >
            {t("newRecalls", { count: waiting.length })}
          </button>
        </div>
      ) : null}
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void mutate()} />
      ) : isLoading && !data ? (
        <LoadingState label={t("loading")} />
      ) : rows.length === 0 ? (
        <EmptyState>{emptyText}</EmptyState>
      ) : (
        <>
          <RecallsTable items={rows} caption={caption} freshIds={liveIds} />
          <div className="flex flex-wrap items-center gap-3 text-sm text-slate-500 dark:text-slate-400">
            <span data-testid="row-count">{t("shown", { count: rows.length, n: format.number(rows.length) })}</span>
            {error ? <ErrorState error={error} onRetry={() => void mutate()} /> : null}
            {hasMore ? (
              <button
                type="button"
                disabled={loadingMore}
                onClick={() => void setSize(size + 1)}
                className="focus-ring rounded-md border border-slate-300 px-3 py-1 text-slate-800 hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800"
              >
                {loadingMore ? t("loadingMore") : t("loadOlder")}
              </button>
            ) : (
              <span>{t("end")}</span>
            )}
          </div>
        </>
      )}
    </div>
  );
}
