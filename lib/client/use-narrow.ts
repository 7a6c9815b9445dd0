"use client";
// Whether the viewport is phone-width (under Tailwind's `sm`, 640 px): the recall log and the users
// table switch to stacked cards there. False on the server and during hydration (the first client
// render must match the server's HTML), then the real answer.
import { useSyncExternalStore } from "react";

const QUERY = "(max-width: 639.98px)";

function subscribe(listener: () => void): () => void {
  const media = window.matchMedia(QUERY);
  media.addEventListener("change", listener);
  return () => media.removeEventListener("change", listener);
}

export function useNarrow(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(QUERY).matches,
    () => false,
  );
}
