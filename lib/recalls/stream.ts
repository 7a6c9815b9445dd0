// Server-Sent Events of new recalls matching the log's filters. Each event's id is the recall id,
// and rows are sent in id order, so a reconnecting client (EventSource sends Last-Event-ID by
// itself) resumes exactly after the last row it saw: nothing missed, nothing twice.
import { InvalidParameterError } from "@/lib/api/errors";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { pickRecallFilters, type RecallFilters, type RecallStreamQuery, recallWhere } from "@/lib/recalls/filters";
import { recallSelect, toRecallItem } from "@/lib/recalls/list";
import { onRecallsStored } from "@/lib/recalls/live";
import { acquireStreamSlot } from "@/lib/recalls/stream-limits";

/** How long a client waits before reconnecting after the stream drops. */
export const RETRY_MS = 2_000;
/** Comment lines keep proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
/** Finds recalls committed by other instances (PostgreSQL) when no in-process notice came. */
export const POLL_MS = 1_000;
const BATCH = 500;
/** A reconnecting client is sent at most this many recall ids back, never the whole table. */
export const MAX_RESUME_EVENTS = 1_000;
/**
 * Bytes a stream may hold for a client that does not read. Next.js writes to the socket only as
 * fast as the client reads, so what the client leaves unread piles up here; past this the stream
 * is closed and the client (EventSource) reconnects and resumes with Last-Event-ID.
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** The id to resume after: the Last-Event-ID header (what EventSource sends) or `lastEventId`. */
export function resumeAfter(request: Request, query: RecallStreamQuery): number | undefined {
  const header = request.headers.get("last-event-id")?.trim();
  if (header) {
    if (!/^\d{1,15}$/.test(header)) throw new InvalidParameterError("Last-Event-ID", "Last-Event-ID: expected a recall id");
    return Number(header);
  }
  return query.lastEventId;
}

// `next start` waits for open connections to end before it exits on SIGTERM or SIGINT, and an event
// stream never ends by itself: close them all on shutdown, so a restart does not hang while a
// dashboard is open. Clients reconnect (to another instance, if there is one) with Last-Event-ID.
const openStreams = new Set<() => void>();
let shutdownHooked = false;
function closeOnShutdown(stop: () => void): () => void {
  if (!shutdownHooked) {
    shutdownHooked = true;
    const closeAll = () => {
      for (const close of [...openStreams]) close();
    };
    process.on("SIGTERM", closeAll);
    process.on("SIGINT", closeAll);
  }
  openStreams.add(stop);
  return () => openStreams.delete(stop);
}

async function maxRecallId(db: Db): Promise<number> {
  const { _max } = await db.recall.aggregate({ _max: { id: true } });
  return _max.id ?? 0;
}

export type RecallStreamOptions = {
  /** Send recalls with a greater id (at most MAX_RESUME_EVENTS ids back); by default, only those stored after the stream opens. */
  after?: number;
  /** Who the stream counts against (streamOwner), and the instance's limit (STREAM_MAX_CLIENTS). */
  owner: string;
  maxClients: number;
  signal: AbortSignal;
  pollMs?: number;
  heartbeatMs?: number;
};

export async function openRecallStream(db: Db, query: RecallFilters, options: RecallStreamOptions): Promise<ReadableStream<Uint8Array>> {
  const filters = pickRecallFilters(query);
  const where = recallWhere(filters);
  // Throws 429 before any work when the instance or the owner has too many streams open.
  const release = acquireStreamSlot(options.owner, { maxClients: options.maxClients });
  let scanned: number;
  try {
    // Fixed before the response starts, so anything committed after the client sees the response
    // headers is sent. A resume point in the future (a client of another database) counts as now.
    const top = await maxRecallId(db);
    scanned = options.after === undefined ? top : Math.max(Math.min(options.after, top), top - MAX_RESUME_EVENTS);
  } catch (error) {
    release();
    throw error;
  }
  const encoder = new TextEncoder();
  let stop = (_reason?: string) => {};

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let closed = false;
        let sent = 0;
        const opened = Date.now();
        let wake: (() => void) | undefined;
        // Set by a notice that arrives while a query runs, so that it is not lost.
        let pending = false;
        const send = (text: string) => {
          if (closed) return;
          controller.enqueue(encoder.encode(text));
          // desiredSize is the high-water mark minus the bytes still queued for the client.
          if ((controller.desiredSize ?? 0) < -MAX_BUFFERED_BYTES) stop("client_not_reading");
        };
        const unsubscribe = onRecallsStored(() => {
          pending = true;
          wake?.();
        });
        const heartbeat = setInterval(() => send(": heartbeat\n\n"), options.heartbeatMs ?? HEARTBEAT_MS);
        let forget = () => {};
        const onAbort = () => stop("client_gone");
        stop = (reason = "closed") => {
          if (closed) return;
          closed = true;
          forget();
          release();
          log("info", "recall_stream_closed", { reason, events: sent, seconds: Math.round((Date.now() - opened) / 1000) });
          clearInterval(heartbeat);
          unsubscribe();
          options.signal.removeEventListener("abort", onAbort);
          wake?.();
          try {
            // A client that stopped reading gets no more: what it left unread is dropped with the stream.
            if (reason === "client_not_reading") controller.error(new Error("client not reading"));
            else controller.close();
          } catch {}
        };
        options.signal.addEventListener("abort", onAbort, { once: true });
        forget = closeOnShutdown(() => stop("shutdown"));
        if (options.signal.aborted) return stop("client_gone");
        send(`retry: ${RETRY_MS}\n\n`);

        const loop = async () => {
          while (!closed) {
            // Bound the scan by the newest id so that a filter matching nothing for a long while
            // does not re-read the same rows on every wake-up.
            pending = false;
            const top = await maxRecallId(db);
            if (top > scanned) {
              const rows = await db.recall.findMany({
                where: { AND: [where, { id: { gt: scanned, lte: top } }] },
                orderBy: { id: "asc" },
                take: BATCH,
                select: recallSelect,
              });
              for (const r of rows) {
                if (closed) break;
                send(`id: ${r.id}\nevent: recall\ndata: ${JSON.stringify(toRecallItem(r))}\n\n`);
                // Past the high-water mark, let Next.js hand the queue to the socket before the
                // next row: a client that reads keeps the queue short, one that does not lets it
                // grow to MAX_BUFFERED_BYTES and is dropped.
                if ((controller.desiredSize ?? 1) <= 0) await new Promise((resolve) => setImmediate(resolve));
              }
              sent += rows.length;
              const last = rows.at(-1);
              scanned = rows.length === BATCH && last ? last.id : top;
              if (rows.length === BATCH) continue;
            }
            if (pending || closed) continue;
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, options.pollMs ?? POLL_MS);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = undefined;
          }
        };
        loop().catch((error: unknown) => {
          log("error", "recall_stream_error", { error: error instanceof Error ? error.message : String(error) });
          // The client reconnects after `retry` with its Last-Event-ID.
          stop("error");
        });
      },
      cancel() {
        stop("client_gone");
      },
    },
    // Counted in bytes so that MAX_BUFFERED_BYTES means bytes.
    new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
  );
}

export function sseResponse(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform keeps Next's gzip from buffering the stream.
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
