"use client";
// j / k move a visible selection through a list's rows, Enter opens the selected one, Esc clears
// it. Nothing fires while the viewer is typing in a field (or holding a modifier), so the keys
// stay letters there.
import { useEffect, useState } from "react";

/** True when a key press belongs to a field (or a key combination), not to the page's shortcuts. */
export function isTypingTarget(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return true;
  const target = event.target;
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || Boolean(target.closest("input, textarea, select, dialog, [role='dialog'], [role='alertdialog']"));
}

export function useRowSelection(count: number, open: (index: number) => void): number | null {
  const [selected, setSelected] = useState<number | null>(null);
  const current = selected !== null && selected < count ? selected : null;

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTypingTarget(event) || count === 0) return;
      if (event.key === "j") {
        event.preventDefault();
        setSelected(current === null ? 0 : Math.min(count - 1, current + 1));
      } else if (event.key === "k") {
        event.preventDefault();
        setSelected(current === null ? 0 : Math.max(0, current - 1));
      } else if (event.key === "Enter" && current !== null && !(event.target instanceof HTMLElement && event.target.closest("a, button"))) {
        event.preventDefault();
        open(current);
      } else if (event.key === "Escape" && current !== null) {
        setSelected(null);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [count, current, open]);

  // Keep the selected row in view as it moves.
  useEffect(() => {
    if (current === null) return;
    document.querySelector("[data-selected='true']")?.scrollIntoView({ block: "nearest" });
  }, [current]);

  return current;
}
