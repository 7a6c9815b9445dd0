"use client";
import { useTranslations } from "next-intl";
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { isTypingTarget } from "@/lib/client/use-row-selection";

/**
 * A view's filters: always shown from 640 px up; below that, behind a "Filters (n)" button that
 * says how many are active, so a phone sees the results first. Esc closes it again (not while
 * typing in a filter: there Esc belongs to the field), and focus returns to the button.
 */
export function FiltersDisclosure({ active, label, children }: { active: number; label: string; children: ReactNode }) {
  const t = useTranslations("common");
  const [open, setOpen] = useState(false);
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || isTypingTarget(event)) return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <div>
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        data-testid="filters-toggle"
        className="focus-ring mb-3 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 sm:hidden dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
      >
        {t("filtersButton", { count: active })}
      </button>
      <section
        id={id}
        aria-label={label}
        className={`${open ? "block" : "hidden"} space-y-4 rounded-lg border border-slate-200 bg-white p-4 sm:block dark:border-slate-800 dark:bg-slate-900`}
      >
        {children}
      </section>
    </div>
  );
}
