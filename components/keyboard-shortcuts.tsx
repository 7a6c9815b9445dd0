"use client";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { isTypingTarget } from "@/lib/client/use-row-selection";

// The page-wide keys; j / k / Enter belong to the lists themselves (lib/client/use-row-selection.ts).
const KEYS = [
  ["/", "slash"],
  ["j / k", "jk"],
  ["Enter", "enter"],
  ["Esc", "esc"],
  ["?", "help"],
] as const;

/** `/` focuses the page's first filter; `?` opens the list of shortcuts, Esc closes it. */
export function KeyboardShortcuts() {
  const t = useTranslations("common.shortcuts");
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTypingTarget(event)) return;
      if (event.key === "/") {
        const first = document.querySelector<HTMLElement>(
          "main form input:not([type='hidden']):not([type='checkbox']), main form select, main search input",
        );
        if (first) {
          event.preventDefault();
          // A phone's filters may sit behind the "Filters (n)" button: open it first.
          const toggle = document.querySelector<HTMLButtonElement>("[data-testid='filters-toggle'][aria-expanded='false']");
          if (toggle && first.offsetParent === null) toggle.click();
          requestAnimationFrame(() => first.focus());
        }
      } else if (event.key === "?") {
        event.preventDefault();
        setOpen(true);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog
      ref={dialog}
      aria-labelledby="shortcuts-title"
      onClose={() => setOpen(false)}
      className="m-auto max-w-md rounded-lg border border-slate-200 bg-white p-5 text-slate-900 shadow-lg backdrop:bg-slate-900/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      data-testid="shortcuts"
    >
      <h2 id="shortcuts-title" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <dl className="mt-3 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm">
        {KEYS.map(([key, what]) => (
          <div key={key} className="contents">
            <dt>
              <kbd className="rounded border border-slate-300 bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:border-slate-600 dark:bg-slate-800">
                {key}
              </kbd>
            </dt>
            <dd>{t(what)}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-sm text-slate-600 dark:text-slate-300">{t("hint")}</p>
      <button
        type="button"
        onClick={() => setOpen(false)}
        className="focus-ring mt-4 rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        {t("close")}
      </button>
    </dialog>
  );
}
