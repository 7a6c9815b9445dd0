"use client";
// The live feed behind /recalls and /users: an EventSource on /api/recalls/stream with the view's
// filters. The browser reconnects by itself and sends Last-Event-ID, from which the server resumes
// without gaps; we only reopen when the browser gives up (readyState CLOSED).
import { useEffect, useRef, useState } from "react";
import type { RecallItem } from "@/lib/recalls/list";

export type StreamStatus = "connecting" | "live" | "reconnecting";

function itemsOf(data: unknown): RecallItem[] {
  if (Array.isArray(data)) return data as RecallItem[];
  if (data && typeof data === "object") {
    const o = data as { items?: unknown; recall?: unknown; id?: unknown };
    if (Array.isArray(o.items)) return o.items as RecallItem[];
    if (o.recall && typeof o.recall === "object") return [o.recall as RecallItem];
    if (o.id !== undefined) return [data as RecallItem];
  }
  return [];
}

/** Calls `onRecalls` with each batch of new matching recalls; `query` is the filter query string ("?from=alice" or ""). */
export function useRecallStream(query: string, onRecalls: (items: RecallItem[]) => void, enabled = true): StreamStatus | "off" {
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const handler = useRef(onRecalls);
  handler.current = onRecalls;

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    // A fresh EventSource has no Last-Event-ID of its own: pass it in the URL so nothing is missed.
    let lastId: string | undefined;

    const onData = (e: MessageEvent<string>) => {
      if (e.lastEventId) lastId = e.lastEventId;
      let parsed: unknown;
      try {
        parsed = JSON.parse(e.data);
      } catch {
        return;
      }
      const items = itemsOf(parsed);
      if (items.length) handler.current(items);
    };

    const open = () => {
      setStatus((s) => (s === "live" ? "reconnecting" : s));
      const resume = lastId ? `${query ? `${query}&` : "?"}lastEventId=${encodeURIComponent(lastId)}` : query;
      const es = new EventSource(`/api/recalls/stream${resume}`);
      source = es;
      es.onopen = () => setStatus("live");
      es.addEventListener("recall", onData);
      es.onmessage = onData;
      es.onerror = () => {
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          setStatus("reconnecting");
          if (!stopped) retry = setTimeout(open, 3000);
        } else {
          setStatus("reconnecting");
        }
      };
    };
    setStatus("connecting");
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [query, enabled]);

  return enabled ? status : "off";
}
