import type { ReactNode } from "react";

/**
 * A wide table at phone width scrolls inside this box instead of widening the page. Focusable
 * and named, so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to be scrolled by keyboard
    <section aria-label={label} tabIndex={0} className="focus-ring relative max-w-full overflow-x-auto">
      {children}
    </section>
  );
}
