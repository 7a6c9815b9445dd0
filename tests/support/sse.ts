// A minimal Server-Sent Events client over fetch, so tests can send headers (Last-Event-ID) and
// see every field, comments included.
export type SseEvent = { id?: string; event?: string; data: string };

export type SseConnection = {
  status: number;
  headers: Headers;
  events: SseEvent[];
  /** Raw text received so far (retry and comment lines included). */
  text(): string;
  /** Waits until at least `n` events have arrived, or `timeoutMs` passed; returns the events. */
  waitFor(n: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Settles when the server ends the response (or the connection breaks). */
  ended: Promise<void>;
  close(): void;
};

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  let raw = "";
  let buffer = "";
  const waiters = new Set<() => void>();
  let ended: Promise<void> = Promise.resolve();
  if (res.ok && res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    ended = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          raw += value;
          buffer += value;
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const ev: SseEvent = { data: "" };
            let isEvent = false;
            for (const line of block.split("\n")) {
              const [field, ...rest] = line.split(":");
              const v = rest.join(":").replace(/^ /, "");
              if (field === "id") ev.id = v;
              else if (field === "event") ev.event = v;
              else if (field === "data") {
                ev.data += v;
                isEvent = true;
              }
            }
            if (isEvent) events.push(ev);
            end = buffer.indexOf("\n\n");
          }
          for (const w of waiters) w();
        }
      } catch {}
    })();
  }
  return {
    status: res.status,
    headers: res.headers,
    events,
    ended,
    text: () => raw,
    async waitFor(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const done = () => {
            waiters.delete(done);
            resolve();
          };
          waiters.add(done);
          setTimeout(done, 100);
        });
      }
      return events;
    },
    close: () => abort.abort(),
  };
}
