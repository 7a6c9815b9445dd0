"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useId, useRef, useState } from "react";
import useSWR from "swr";

/** Above this many rows the button asks before starting the download. */
export const CONFIRM_ABOVE_ROWS = 100_000;

export type ExportCsvButtonProps = {
  /**
   * The recall log's current filters as a query string, exactly as the page has them in its URL
   * (`from=alice&platform=iOS`, with or without the leading `?`). Paging parameters (`cursor`,
   * `limit`) are dropped: an export always covers every matching row.
   */
  search: string;
  /**
   * Offer "with message content" (`include=content`, a content_text column): for auditors and
   * admins when captured content can be decrypted. The export API checks the role again.
   */
  offerContent?: boolean;
  className?: string;
};

type State =
  | { step: "idle" }
  | { step: "counting" }
  | { step: "confirm"; count: number }
  | { step: "started"; count: number }
  | { step: "error"; message: string };

const PAGING_PARAMS = ["cursor", "limit"];

/** The export's query string for the page's filters (no leading `?`). */
export function exportQuery(search: string, options: { bom?: boolean; content?: boolean } = {}): string {
  const params = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  for (const p of [...PAGING_PARAMS, "bom", "include"]) params.delete(p);
  if (options.bom) params.set("bom", "1");
  if (options.content) params.set("include", "content");
  return params.toString();
}

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

async function fetchCount(query: string): Promise<number> {
  const res = await fetch(withQuery("/api/recalls/export/count", query), { cache: "no-store" });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message =
      body && typeof body === "object" && "error" in body && body.error && typeof body.error === "object" && "message" in body.error
        ? String(body.error.message)
        : `HTTP ${res.status}`;
    throw new Error(message);
  }
  if (!body || typeof body !== "object" || !("count" in body) || typeof body.count !== "number") {
    throw new Error(`HTTP ${res.status}: no count`);
  }
  return body.count;
}

function startDownload(query: string) {
  // A plain link click: the browser streams the file to disk itself, however large it is.
  const a = document.createElement("a");
  a.href = withQuery("/api/recalls/export", query);
  a.download = "";
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * "Export CSV" for the recall log: exports exactly the filters in `search`. It counts the
 * matching rows first, says how many will be exported, and asks before very large exports.
 */
export function ExportCsvButton({ search, offerContent = false, className }: ExportCsvButtonProps) {
  const [current, setCurrent] = useState<{ query: string; state: State }>({ query: "", state: { step: "idle" } });
  const [bom, setBom] = useState(false);
  const [content, setContent] = useState(false);
  const t = useTranslations("export");
  const format = useFormatter();
  const rows = (n: number) => t("rows", { count: n, n: format.number(n) });
  const statusId = useId();
  const bomId = useId();
  const contentId = useId();
  const exportButton = useRef<HTMLButtonElement>(null);
  const query = exportQuery(search, { bom, content: offerContent && content });
  const countQuery = exportQuery(search);
  // What the button said about other filters no longer applies once the filters change.
  const state: State = current.query === countQuery ? current.state : { step: "idle" };
  const setState = (next: State) => setCurrent({ query: countQuery, state: next });
  // The count shown before anyone clicks; counted again on click, since rows keep arriving.
  const preview = useSWR(["export-count", countQuery], () => fetchCount(countQuery), {
    revalidateOnFocus: false,
    keepPreviousData: true,
  });

  async function onExport() {
    setState({ step: "counting" });
    try {
      const count = await fetchCount(countQuery);
      preview.mutate(count, { revalidate: false });
      if (count > CONFIRM_ABOVE_ROWS) {
        setState({ step: "confirm", count });
        return;
      }
      startDownload(query);
      setState({ step: "started", count });
    } catch (error) {
      setState({ step: "error", message: t("failed", { reason: error instanceof Error ? error.message : String(error) }) });
    }
  }

  function cancel() {
    setState({ step: "idle" });
    exportButton.current?.focus();
  }

  const button =
    "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";

  return (
    <div className={`flex flex-wrap items-center gap-2 ${className ?? ""}`}>
      <button
        ref={exportButton}
        type="button"
        className={button}
        onClick={onExport}
        disabled={state.step === "counting"}
        aria-describedby={statusId}
      >
        {t("button")}
      </button>
      <label htmlFor={bomId} className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-400">
        <input id={bomId} type="checkbox" checked={bom} onChange={(e) => setBom(e.target.checked)} />
        {t("bom")}
      </label>
      {offerContent ? (
        <label htmlFor={contentId} className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-400">
          <input id={contentId} type="checkbox" checked={content} onChange={(e) => setContent(e.target.checked)} />
          {t("content")}
        </label>
      ) : null}
      <span
        id={statusId}
        role="status"
        aria-live="polite"
        className="text-sm text-slate-600 dark:text-slate-400"
        data-testid="export-status"
      >
        {state.step === "idle" && preview.data !== undefined ? t("toExport", { rows: rows(preview.data) }) : null}
        {state.step === "idle" && preview.error ? t("countUnavailable") : null}
        {state.step === "counting" ? t("counting") : null}
        {state.step === "started" ? t("started", { rows: rows(state.count) }) : null}
        {state.step === "error" ? <span className="text-red-700 dark:text-red-400">{state.message}</span> : null}
      </span>
      {state.step === "confirm" ? (
        <div
          role="alertdialog"
          aria-label={t("confirmLabel")}
          className="flex flex-wrap items-center gap-2 text-sm"
          onKeyDown={(e) => {
            if (e.key === "Escape") cancel();
          }}
        >
          <span>{t("confirm", { rows: rows(state.count) })}</span>
          <button
            type="button"
            className={button}
            // biome-ignore lint/a11y/noAutofocus: moving focus to the confirmation is what keyboard users need here
            autoFocus
            onClick={() => {
              startDownload(query);
              setState({ step: "started", count: state.count });
            }}
          >
            {t("confirmButton", { rows: rows(state.count) })}
          </button>
          <button type="button" className={button} onClick={cancel}>
            {t("cancel")}
          </button>
        </div>
      ) : null}
    </div>
  );
}
