// Server-Sent Events of new recalls matching the log's filters. Rows are sent in commit order and
// each event's id names its position in that order (lib/recalls/stream-cursor.ts), so a
// reconnecting client (EventSource sends Last-Event-ID by itself) resumes exactly after the last
// row it saw: nothing missed, nothing twice, even with several instances writing.
//
// Why not id order: ids are taken at insert, not at commit. On PostgreSQL with several writers a
// transaction holding id 100 can commit after one holding id 101; a stream that had sent 101 and
// resumed "after 101" would never send 100. So on PostgreSQL the order is (commit_seq, id), where
// commit_seq is the inserting transaction's id (migration 20261201214000_recall_commit_order), and
// the stream reads only below pg_snapshot_xmin(pg_current_snapshot()): every transaction below
// that horizon has ended, so nothing can still appear behind the cursor. A row becomes visible to
// streams once every older writing transaction has ended (a receiver transaction is bounded by its
// 1.5 s statement timeout). On SQLite one writer commits at a time, so id order is commit order.
//
// Open streams do not query on their own: one poller per process (StreamPoller below) looks for
// new rows once per wake-up and fans them out, one query per distinct filter.
import { InvalidParameterError } from "@/lib/api/errors";
import { type Db, Prisma } from "@/lib/db/client";
import { dialectOf } from "@/lib/db/dialect";
import { toDate, toNullableDate, toNullableNumber, toNumber } from "@/lib/db/values";
import { recallFilterSql } from "@/lib/export/recall-filter-sql";
import { log } from "@/lib/log";
import { withMessageSummaries } from "@/lib/messages/recall-message";
import { pickRecallFilters, type RecallFilters, type RecallStreamQuery, recallWhere } from "@/lib/recalls/filters";
import { type RecallItem, recallSelect, toRecallItem } from "@/lib/recalls/list";
import { onCommitNotified, onRecallsStored } from "@/lib/recalls/live";
import { startRecallListener } from "@/lib/recalls/pg-listener";
import { EVENT_ID_EXPECTED, parseEventId, type ResumePoint } from "@/lib/recalls/stream-cursor";
import { acquireStreamSlot } from "@/lib/recalls/stream-limits";

/** How long a client waits before reconnecting after the stream drops. */
export const RETRY_MS = 2_000;
/** Comment lines keep proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
/**
 * Finds rows no notice announced: on PostgreSQL, rows held back behind the horizon by a writing
 * transaction that was not an insert into recalls, or committed while the listener reconnected.
 */
export const POLL_MS = 1_000;
/**
 * First wait for a notified commit that is still behind the horizon; doubles up to the poll
 * interval or HORIZON_RETRY_MAX_MS, whichever is shorter. The cap matters when polls are rare:
 * the horizon is the whole cluster's, so a long transaction in another database (a bulk load)
 * can hold a commit back for seconds, and a doubling wait would otherwise grow past it by as much.
 */
const HORIZON_RETRY_MS = 20;
const HORIZON_RETRY_MAX_MS = 1_000;
const BATCH = 500;
/** A reconnecting client is sent at most this many recall ids back, never the whole table. */
export const MAX_RESUME_EVENTS = 1_000;
/**
 * Bytes a stream may hold for a client that does not read. Next.js writes to the socket only as
 * fast as the client reads, so what the client leaves unread piles up here; past this the stream
 * is closed and the client (EventSource) reconnects and resumes with Last-Event-ID.
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** Where to resume: the Last-Event-ID header (what EventSource sends) or `lastEventId`. */
export function resumeAfter(request: Request, query: RecallStreamQuery): ResumePoint | undefined {
  const header = request.headers.get("last-event-id")?.trim();
  if (header) {
    const point = parseEventId(header);
    if (!point) throw new InvalidParameterError("Last-Event-ID", `Last-Event-ID: ${EVENT_ID_EXPECTED}`);
    return point;
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

/** A position in commit order: `seq` orders first (commit_seq on PostgreSQL, the id on SQLite), then `id`. */
type Position = { seq: bigint; id: number };

const compare = (a: Position, b: Position) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : a.id - b.id);

/** The rows of one dialect, in commit order. */
type StreamSource = {
  /**
   * The newest position no commit can still appear behind; the horizon (every transaction below it
   * has ended); and `next`, above every transaction that had committed when the statement ran.
   */
  top(): Promise<{ top: Position; horizon: bigint; next: bigint }>;
  /** The position `back` rows before the newest (null when there are fewer rows). */
  floor(back: number): Promise<Position | null>;
  /** The position a resume point names; null when it names no row here (resume from now). */
  locate(point: ResumePoint): Promise<Position | null>;
  /** Matching rows after `after` up to `upTo`, in order. */
  rows(after: Position, upTo: Position, take: number): Promise<{ position: Position; item: RecallItem }[]>;
  eventId(position: Position): string;
};

function sqliteSource(db: Db, filters: RecallFilters): StreamSource {
  const where = recallWhere(filters);
  const at = (id: number): Position => ({ seq: BigInt(id), id });
  return {
    async top() {
      const { _max } = await db.recall.aggregate({ _max: { id: true } });
      const top = at(_max.id ?? 0);
      return { top, horizon: top.seq + 1n, next: top.seq + 1n };
    },
    async floor(back) {
      const { _max } = await db.recall.aggregate({ _max: { id: true } });
      const id = (_max.id ?? 0) - back;
      return id > 0 ? at(id) : null;
    },
    locate: async (point) => at(point.id),
    async rows(after, upTo, take) {
      const rows = await db.recall.findMany({
        where: { AND: [where, { id: { gt: after.id, lte: upTo.id } }] },
        orderBy: { id: "asc" },
        take,
        select: recallSelect,
      });
      const items = await withMessageSummaries(db, rows.map(toRecallItem));
      return items.map((item) => ({ position: at(item.id), item }));
    },
    eventId: (p) => String(p.id),
  };
}

// Every transaction with a smaller id than this has committed or aborted.
const HORIZON = Prisma.sql`pg_snapshot_xmin(pg_current_snapshot())`;

type PositionRow = { seq: string; id: number | bigint };
const toPosition = (r: PositionRow): Position => ({ seq: BigInt(r.seq), id: toNumber(r.id) });

type PostgresRecallRow = PositionRow & {
  sdkAppId: string;
  fromAccount: string;
  toAccount: string;
  msgKey: string;
  unreadMsgNum: unknown;
  eventTime: unknown;
  receivedAt: unknown;
  optPlatform: string | null;
  clientIp: string | null;
};

function postgresSource(db: Db, filters: RecallFilters): StreamSource {
  const condition = recallFilterSql(filters);
  const newest = async (back: number) => {
    const [row] = await db.$queryRaw<PositionRow[]>`
      SELECT commit_seq::text AS seq, id FROM recalls WHERE commit_seq < ${HORIZON}
      ORDER BY commit_seq DESC, id DESC LIMIT 1 OFFSET ${back}`;
    return row ? toPosition(row) : null;
  };
  return {
    async top() {
      // One statement, one snapshot: the horizon and the newest row below it agree.
      const [row] = await db.$queryRaw<{ horizon: string; next: string; seq: string | null; id: number | bigint | null }[]>`
        SELECT h.horizon::text AS horizon, h.next::text AS next, r.seq, r.id
        FROM (SELECT ${HORIZON} AS horizon, pg_snapshot_xmax(pg_current_snapshot()) AS next) h
        LEFT JOIN LATERAL (SELECT commit_seq::text AS seq, id FROM recalls WHERE commit_seq < h.horizon
                           ORDER BY commit_seq DESC, id DESC LIMIT 1) r ON true`;
      const top = row && row.seq !== null && row.id !== null ? toPosition({ seq: row.seq, id: row.id }) : { seq: 0n, id: 0 };
      return { top, horizon: BigInt(row?.horizon ?? "0"), next: BigInt(row?.next ?? "0") };
    },
    floor: newest,
    async locate(point) {
      if (point.seq !== undefined) return { seq: point.seq, id: point.id };
      // A bare recall id (a client from before commit order): resume after that row.
      // An id no row has: beyond the newest means another database's client (resume from now);
      // otherwise the row is gone, and the client gets what it may have missed (up to the floor).
      const [row] = await db.$queryRaw<{ seq: string | null; maxId: number | bigint | null }[]>`
        SELECT (SELECT commit_seq::text FROM recalls WHERE id = ${point.id}::bigint) AS seq, (SELECT MAX(id) FROM recalls) AS "maxId"`;
      if (row?.seq) return { seq: BigInt(row.seq), id: point.id };
      return point.id > toNumber(row?.maxId ?? 0) ? null : { seq: 0n, id: 0 };
    },
    async rows(after, upTo, take) {
      const rows = await db.$queryRaw<PostgresRecallRow[]>`
        SELECT commit_seq::text AS seq, id, sdk_app_id AS "sdkAppId", from_account AS "fromAccount",
               to_account AS "toAccount", msg_key AS "msgKey", unread_msg_num AS "unreadMsgNum",
               event_time AS "eventTime", received_at AS "receivedAt", opt_platform AS "optPlatform",
               client_ip AS "clientIp"
        FROM recalls
        WHERE (commit_seq, id) > (${after.seq.toString()}::xid8, ${after.id}::bigint)
          AND (commit_seq, id) <= (${upTo.seq.toString()}::xid8, ${upTo.id}::bigint)
          AND ${condition}
        ORDER BY commit_seq, id
        LIMIT ${take}`;
      const items = await withMessageSummaries(
        db,
        rows.map((r) =>
          toRecallItem({
            id: toNumber(r.id),
            sdkAppId: r.sdkAppId,
            fromAccount: r.fromAccount,
            toAccount: r.toAccount,
            msgKey: r.msgKey,
            unreadMsgNum: toNullableNumber(r.unreadMsgNum),
            eventTime: toNullableDate(r.eventTime),
            receivedAt: toDate(r.receivedAt),
            optPlatform: r.optPlatform,
            clientIp: r.clientIp,
          }),
        ),
      );
      const positions = new Map(rows.map((r) => [toNumber(r.id), toPosition(r)]));
      return items.flatMap((item) => {
        const position = positions.get(item.id);
        return position ? [{ position, item }] : [];
      });
    },
    eventId: (p) => `${p.seq}-${p.id}`,
  };
}

export type RecallStreamOptions = {
  /** Send recalls committed after this point (at most MAX_RESUME_EVENTS rows back); by default, only those stored after the stream opens. */
  after?: ResumePoint;
  /** Who the stream counts against (streamOwner), and the instance's limit (STREAM_MAX_CLIENTS). */
  owner: string;
  maxClients: number;
  signal: AbortSignal;
  pollMs?: number;
  heartbeatMs?: number;
  /**
   * Whether the owner may still read the stream, asked at every heartbeat: a stream outlives the
   * request that authorised it, so signing out or a revoked token must end it too. An error
   * (the database briefly away) keeps the stream; the next heartbeat asks again.
   */
  stillAllowed?: () => Promise<boolean>;
};

const sourceFor = (db: Db, filters: RecallFilters): StreamSource =>
  dialectOf(db) === "postgresql" ? postgresSource(db, filters) : sqliteSource(db, filters);

/** One open stream, as the poller sees it. */
type Subscriber = {
  /** The stream's filters as a key: streams with the same filters share one query. */
  key: string;
  filters: RecallFilters;
  /** Everything up to here has been sent (or did not match). */
  scanned: Position;
  pollMs: number;
  /** Sends one event (the same bytes to every stream of a filter); false once the stream has closed. */
  send(bytes: Uint8Array): boolean;
  /** True when the client has not taken what was sent so far (past the stream's high-water mark). */
  backlogged(): boolean;
  stop(reason: string): void;
};

/**
 * One loop per process and database that finds new rows for every open stream. A stream of its
 * own would run its own queries on every commit and every poll: with a few hundred dashboards
 * open under callback load that is a few hundred queries per commit, enough to hold up the event
 * loop that answers callbacks past IM's 2 s (the slow-clients reliability test saw it). Here each
 * wake-up reads the newest position once, then the new rows once per distinct filter, and hands
 * each stream the rows after its own position. Filters stay SQL (lib/recalls/filters.ts): rows
 * are never matched in memory, so a stream gets exactly what its own query would have returned.
 */
class StreamPoller {
  private readonly subscribers = new Set<Subscriber>();
  private readonly top: StreamSource;
  private readonly sources = new Map<string, StreamSource>();
  private running = false;
  // Set by a notice that arrives while a query runs, so that it is not lost.
  private pending = false;
  private wake: (() => void) | undefined;
  // The newest notified commit not yet below the horizon, and how long to wait for it.
  private awaited: bigint | undefined;
  // Set by a wake-up that names no commit (the listener is back after a gap): whatever committed
  // before it is awaited like a notified commit, so it is found even when polls are rare.
  private catchUp = false;
  private retryMs = HORIZON_RETRY_MS;
  private unsubscribe = () => {};

  constructor(private readonly db: Db) {
    this.top = sourceFor(db, {});
  }

  add(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    if (!this.sources.has(subscriber.key)) this.sources.set(subscriber.key, sourceFor(this.db, subscriber.filters));
    if (!this.running) this.start();
    // A resuming stream is sent what it missed at once, not at the next commit or poll.
    this.poke();
    return () => {
      this.subscribers.delete(subscriber);
      if (![...this.subscribers].some((s) => s.key === subscriber.key)) this.sources.delete(subscriber.key);
      if (this.subscribers.size === 0) this.wake?.();
    };
  }

  private poke() {
    this.pending = true;
    this.wake?.();
  }

  private start() {
    this.running = true;
    const unsubscribeLocal = onRecallsStored(() => this.poke());
    const unsubscribeNotified = onCommitNotified((seq) => {
      if (seq === undefined) this.catchUp = true;
      else if (this.awaited === undefined || seq > this.awaited) this.awaited = seq;
      this.poke();
    });
    this.unsubscribe = () => {
      unsubscribeLocal();
      unsubscribeNotified();
    };
    this.loop()
      .catch((error: unknown) => {
        log("error", "recall_stream_error", { error: error instanceof Error ? error.message : String(error) });
        // Every client reconnects after `retry` with its Last-Event-ID.
        for (const s of [...this.subscribers]) s.stop("error");
      })
      .finally(() => {
        this.unsubscribe();
        this.running = false;
        this.awaited = undefined;
        this.catchUp = false;
        // A stream opened just as the loop ended.
        if (this.subscribers.size > 0) this.start();
      });
  }

  private async loop() {
    while (this.subscribers.size > 0) {
      this.pending = false;
      // Bound the scan by the newest position so that a filter matching nothing for a long while
      // does not re-read the same rows on every wake-up.
      // Taken before the query, so that its snapshot is later than the wake-up; a wake-up during
      // the query sets it again for the next round.
      const catchUp = this.catchUp;
      this.catchUp = false;
      const { top, horizon, next } = await this.top.top();
      // The newest transaction that can have committed before the wake-up.
      if (catchUp && (this.awaited === undefined || next - 1n > this.awaited)) this.awaited = next - 1n;
      // A notified commit still behind the horizon (an older transaction, perhaps in another
      // database of the cluster, has not ended): look again soon, not at the poll.
      if (this.awaited !== undefined && this.awaited < horizon) this.awaited = undefined;
      let more = false;
      for (const [key, source] of [...this.sources]) {
        const behind = [...this.subscribers].filter((s) => s.key === key && compare(top, s.scanned) > 0);
        const first = behind.reduce<Position | undefined>((min, s) => (min && compare(min, s.scanned) <= 0 ? min : s.scanned), undefined);
        if (!first) continue;
        let rows: Awaited<ReturnType<StreamSource["rows"]>>;
        try {
          rows = await source.rows(first, top, BATCH);
        } catch (error) {
          log("error", "recall_stream_error", { error: error instanceof Error ? error.message : String(error) });
          for (const s of behind) s.stop("error");
          continue;
        }
        for (const r of rows) {
          const bytes = encoder.encode(`id: ${source.eventId(r.position)}\nevent: recall\ndata: ${JSON.stringify(r.item)}\n\n`);
          let backlogged = false;
          for (const s of behind) {
            if (compare(r.position, s.scanned) <= 0) continue;
            if (s.send(bytes)) s.scanned = r.position;
            backlogged ||= s.backlogged();
          }
          // Past a stream's high-water mark, let Next.js hand its queue to the socket before the
          // next row: a client that reads keeps its queue short, one that does not lets it grow
          // to MAX_BUFFERED_BYTES and is dropped.
          if (backlogged) await new Promise((resolve) => setImmediate(resolve));
        }
        const full = rows.length === BATCH;
        more ||= full;
        // Up to `top` nothing else matched (unless the batch was full: the rest comes next round).
        if (!full) for (const s of behind) if (compare(s.scanned, top) < 0) s.scanned = top;
      }
      if (more || this.pending) continue;
      if (this.subscribers.size === 0) break;
      const pollMs = Math.min(...[...this.subscribers].map((s) => s.pollMs));
      let waitMs = pollMs;
      if (this.awaited !== undefined) {
        waitMs = Math.min(this.retryMs, pollMs);
        this.retryMs = Math.min(this.retryMs * 2, pollMs, HORIZON_RETRY_MAX_MS);
      } else {
        this.retryMs = HORIZON_RETRY_MS;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

const encoder = new TextEncoder();
// One poller per database client (the route's is the dashboard's read client, one per process).
const pollers = new WeakMap<Db, StreamPoller>();
function pollerFor(db: Db): StreamPoller {
  let poller = pollers.get(db);
  if (!poller) {
    poller = new StreamPoller(db);
    pollers.set(db, poller);
  }
  return poller;
}

export async function openRecallStream(db: Db, query: RecallFilters, options: RecallStreamOptions): Promise<ReadableStream<Uint8Array>> {
  const filters = pickRecallFilters(query);
  const dialect = dialectOf(db);
  const source = sourceFor(db, filters);
  // Throws 429 before any work when the instance or the owner has too many streams open.
  const release = acquireStreamSlot(options.owner, { maxClients: options.maxClients });
  let scanned: Position;
  try {
    // Commits by other instances arrive as PostgreSQL notifications (lib/recalls/pg-listener.ts).
    if (dialect === "postgresql") startRecallListener();
    // Fixed before the response starts, so anything committed after the client sees the response
    // headers is sent. A resume point in the future (a client of another database) counts as now.
    const { top } = await source.top();
    scanned = top;
    if (options.after !== undefined) {
      const resume = await source.locate(options.after);
      if (resume && compare(resume, top) < 0) scanned = resume;
      const floor = compare(scanned, top) < 0 ? await source.floor(MAX_RESUME_EVENTS) : null;
      if (floor && compare(scanned, floor) < 0) scanned = floor;
    }
  } catch (error) {
    release();
    throw error;
  }
  let stop = (_reason?: string) => {};

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let closed = false;
        let sent = 0;
        const opened = Date.now();
        const enqueue = (bytes: Uint8Array) => {
          if (closed) return false;
          controller.enqueue(bytes);
          // desiredSize is the high-water mark minus the bytes still queued for the client.
          if ((controller.desiredSize ?? 0) < -MAX_BUFFERED_BYTES) stop("client_not_reading");
          return true;
        };
        const heartbeat = setInterval(() => {
          if (!enqueue(encoder.encode(": heartbeat\n\n"))) return;
          options.stillAllowed?.().then(
            (allowed) => allowed || stop("access_revoked"),
            () => {},
          );
        }, options.heartbeatMs ?? HEARTBEAT_MS);
        let forget = () => {};
        let unsubscribe = () => {};
        const onAbort = () => stop("client_gone");
        stop = (reason = "closed") => {
          if (closed) return;
          closed = true;
          forget();
          unsubscribe();
          release();
          log("info", "recall_stream_closed", { reason, events: sent, seconds: Math.round((Date.now() - opened) / 1000) });
          clearInterval(heartbeat);
          options.signal.removeEventListener("abort", onAbort);
          try {
            // A client that stopped reading gets no more: what it left unread is dropped with the stream.
            if (reason === "client_not_reading") controller.error(new Error("client not reading"));
            else controller.close();
          } catch {}
        };
        options.signal.addEventListener("abort", onAbort, { once: true });
        forget = closeOnShutdown(() => stop("shutdown"));
        if (options.signal.aborted) return stop("client_gone");
        enqueue(encoder.encode(`retry: ${RETRY_MS}\n\n`));
        unsubscribe = pollerFor(db).add({
          key: JSON.stringify(filters),
          filters,
          scanned,
          pollMs: options.pollMs ?? POLL_MS,
          send: (bytes) => {
            if (!enqueue(bytes)) return false;
            sent++;
            return true;
          },
          backlogged: () => !closed && (controller.desiredSize ?? 1) <= 0,
          stop: (reason) => stop(reason),
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
