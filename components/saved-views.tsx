"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useId, useState } from "react";
import useSWR, { useSWRConfig } from "swr";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import { useErrorText } from "@/components/states";
import { fetchJson, sendJson } from "@/lib/client/api";
import { normaliseViewQuery, type SavedViewItem, type SavedViewPage, savedViewHref } from "@/lib/views/contract";

type ViewList = { items: SavedViewItem[] };

/** Every list of views on screen (this page's panel, the header menu) is fetched again after a change. */
function useRefreshViews() {
  const { mutate } = useSWRConfig();
  return () => mutate((key) => typeof key === "string" && key.startsWith("/api/views"));
}

/** A page's saved views: open, save the current filters/range/sort, rename, share, delete. */
export function SavedViews({ page }: { page: SavedViewPage }) {
  const t = useTranslations("views");
  const errorText = useErrorText();
  const search = useSearchParams();
  const refresh = useRefreshViews();
  const { data, error } = useSWR<ViewList>(`/api/views?page=${encodeURIComponent(page)}`, fetchJson, { revalidateOnFocus: false });
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const nameId = useId();
  const sharedId = useId();
  const current = normaliseViewQuery(search.toString());

  async function act(action: () => Promise<unknown>, done: string): Promise<boolean> {
    setMessage(null);
    try {
      await action();
      setMessage({ kind: "ok", text: done });
      await refresh();
      return true;
    } catch (e) {
      setMessage({ kind: "error", text: errorText(e) });
      return false;
    }
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "").trim();
    const ok = await act(
      () => sendJson("/api/views", "POST", { page, name, query: current, shared: data.get("shared") === "on" }),
      t("saved", { name }),
    );
    if (ok) form.reset();
  }

  return (
    <section
      aria-labelledby={`${nameId}-heading`}
      className="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900"
      data-testid="saved-views"
    >
      <h2 id={`${nameId}-heading`} className="font-semibold">
        {t("title")}
      </h2>
      {error && !data ? <p className="mt-2 text-red-700 dark:text-red-400">{errorText(error)}</p> : null}
      {data && data.items.length === 0 ? <p className="mt-2 text-slate-600 dark:text-slate-300">{t("empty")}</p> : null}
      {data && data.items.length > 0 ? (
        <ul className="mt-2 space-y-2">
          {data.items.map((v) => (
            <SavedViewRow key={v.id} view={v} active={v.query === current} act={act} />
          ))}
        </ul>
      ) : null}
      <form onSubmit={save} className="mt-3 flex flex-wrap items-end gap-2" aria-label={t("saveLabel")}>
        <label htmlFor={nameId} className="flex flex-col text-xs font-medium text-slate-600 dark:text-slate-300">
          {t("name")}
          <input id={nameId} name="name" required maxLength={100} className={`${input} mt-1`} />
        </label>
        <label htmlFor={sharedId} className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-300">
          <input id={sharedId} name="shared" type="checkbox" />
          {t("shareWithAll")}
        </label>
        <button type="submit" className={button}>
          {t("save")}
        </button>
      </form>
      {message ? (
        <p
          role={message.kind === "error" ? "alert" : "status"}
          className={`mt-2 ${message.kind === "error" ? "text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}`}
        >
          {message.text}
        </p>
      ) : null}
    </section>
  );
}

function SavedViewRow({
  view: v,
  active,
  act,
}: {
  view: SavedViewItem;
  active: boolean;
  act: (action: () => Promise<unknown>, done: string) => Promise<boolean>;
}) {
  const t = useTranslations("views");
  const [renaming, setRenaming] = useState(false);
  const renameId = useId();
  const link = "focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400";

  async function rename(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (await act(() => sendJson(`/api/views/${v.id}`, "PATCH", { name }), t("renamed", { name }))) setRenaming(false);
  }

  return (
    <li className="flex flex-wrap items-center gap-2" data-view-name={v.name}>
      <Link href={savedViewHref(v)} className={link} aria-current={active ? "page" : undefined}>
        {v.name}
      </Link>
      {v.shared ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800">{t("sharedBadge")}</span> : null}
      {v.mine ? null : <span className="text-xs text-slate-600 dark:text-slate-300">{t("by", { email: v.ownerEmail })}</span>}
      {v.mine && renaming ? (
        <form onSubmit={rename} className="flex items-center gap-1">
          <label htmlFor={renameId} className="sr-only">
            {t("newName", { name: v.name })}
          </label>
          <input id={renameId} name="name" defaultValue={v.name} required maxLength={100} className={input} />
          <button type="submit" className={button}>
            {t("saveName")}
          </button>
          <button type="button" className={button} onClick={() => setRenaming(false)}>
            {t("cancel")}
          </button>
        </form>
      ) : null}
      {v.mine && !renaming ? (
        <>
          <button type="button" className={button} onClick={() => setRenaming(true)}>
            {t("rename", { name: v.name })}
          </button>
          <button
            type="button"
            className={button}
            onClick={() =>
              act(
                () => sendJson(`/api/views/${v.id}`, "PATCH", { shared: !v.shared }),
                v.shared ? t("madePrivate", { name: v.name }) : t("madeShared", { name: v.name }),
              )
            }
          >
            {v.shared ? t("makePrivate", { name: v.name }) : t("makeShared", { name: v.name })}
          </button>
        </>
      ) : null}
      {v.canDelete && !renaming ? (
        <button
          type="button"
          className={button}
          onClick={() => act(() => sendJson(`/api/views/${v.id}`, "DELETE"), t("deleted", { name: v.name }))}
        >
          {t("delete", { name: v.name })}
        </button>
      ) : null}
    </li>
  );
}

/** The header's menu of every view the signed-in member can open, on any page. */
export function SavedViewsMenu() {
  const t = useTranslations("views");
  const [open, setOpen] = useState(false);
  const { data } = useSWR<ViewList>(open ? "/api/views" : null, fetchJson, { revalidateOnFocus: false });
  const pageName = useTranslations("common.nav");
  const PAGE_KEY: Record<SavedViewPage, string> = { "/": "overview", "/recalls": "recalls", "/users": "users" };
  return (
    <details className="relative" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="views-menu">
      <summary className="focus-ring cursor-pointer list-none rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
        {t("menu")}
      </summary>
      <div className="absolute right-0 z-20 mt-1 w-72 max-w-[90vw] rounded-md border border-slate-200 bg-white p-2 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900">
        {!data ? (
          <p className="p-1 text-slate-600 dark:text-slate-300">{t("loading")}</p>
        ) : data.items.length === 0 ? (
          <p className="p-1 text-slate-600 dark:text-slate-300">{t("menuEmpty")}</p>
        ) : (
          <ul>
            {data.items.map((v) => (
              <li key={v.id}>
                <Link
                  href={savedViewHref(v)}
                  className="focus-ring block rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
                  onClick={() => setOpen(false)}
                >
                  {v.name} <span className="text-xs text-slate-600 dark:text-slate-300">· {pageName(PAGE_KEY[v.page])}</span>
                  {v.shared ? <span className="sr-only"> ({t("sharedBadge")})</span> : null}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </div>
    </details>
  );
}
