// Streams the recalls matching the recall log's filters as CSV, and records the export in the
// export log.
//
// Consistency: the export holds exactly the matching rows present when it starts, each once, in a
// documented order (ascending received_at, id), however long it runs and however many callbacks
// arrive meanwhile, and whichever instance wrote them:
// - SQLite has one writer, and the group commit writes a batch in one transaction, so ids become
//   visible in order: bounding by the highest recall id at the start (the snapshot bound) is exact.
// - PostgreSQL hands out ids when a row is inserted, not when it commits: with several writers a
//   transaction that took id 100 can commit just after one that took 101, so an id bound would
//   let a row in that was not visible at the start. The export therefore also records the
//   database snapshot at its start (pg_current_snapshot()) and keeps only rows whose inserting
//   transaction (commit_seq) is visible in it: exactly the rows the start could see. A snapshot
//   is a few numbers passed with each page query, so pages need no long-held transaction or
//   connection, and vacuum is not held back for the minutes an export may run.
// Pages are read one at a time when the client asks for more (pull), so memory stays flat, the
// header leaves before any query runs, and a slow or vanished client stops the reading.
import { createHash, randomUUID } from "node:crypto";
import type { Config } from "@/lib/config";
import { type Db, Prisma } from "@/lib/db/client";
import { databaseOf } from "@/lib/db/dialect";
import { CSV_CONTENT_HEADER, CSV_HEADER, type CsvRecall, csvRows, csvRowsWithContent, UTF8_BOM } from "@/lib/export/csv";
import { appendExportLog, type NewExportLogEntry } from "@/lib/export/export-log";
import { pgTimeToIso, postgresRows } from "@/lib/export/postgres-pages";
import { recallFilterSql } from "@/lib/export/recall-filter-sql";
import { sqliteRows, storedTimeToIso } from "@/lib/export/sqlite-pages";
import { errorId, log } from "@/lib/log";
import type { CapturedContent } from "@/lib/messages/capture";
import { decryptContent } from "@/lib/messages/content-crypto";
import type { ContentKey } from "@/lib/messages/content-key";
import { contentText } from "@/lib/messages/content-text";
import { countExport } from "@/lib/metrics";
import type { RecallFilters } from "@/lib/recalls/filters";

/**
 * Rows per query; one page is one chunk of the response (about 250 KB). Larger pages cost less
 * per row (1,000-row pages were half as fast as 5,000-row ones through Prisma) but leave more
 * garbage per page; 2,000 rows keeps the server's RSS flat (bench/export.bench.ts).
 */
export const EXPORT_PAGE_ROWS = 2_000;

/** The captured message of an exported recall (`include=content`): ciphertext and key id, or nulls. */
type Sealed = { content: Uint8Array | null; contentKeyId: string | null };
type PageRow = CsvRecall & Partial<Sealed>;

// Quoted aliases give the CSV encoder its field names directly on both SQLite and PostgreSQL.
const COLUMNS = Prisma.sql`id, received_at AS "receivedAt", event_time AS "eventTime", sdk_app_id AS "sdkAppId",
  from_account AS "fromAccount", to_account AS "toAccount", msg_key AS "msgKey", unread_msg_num AS "unreadMsgNum",
  opt_platform AS "optPlatform", client_ip AS "clientIp"`;

/** The highest recall id now: the export's snapshot bound (0 when there are no recalls). */
export async function currentMaxRecallId(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ maxId: number | bigint | null }[]>`SELECT MAX(id) AS "maxId" FROM recalls`;
  return Number(row?.maxId ?? 0);
}

/**
 * Counting stops here: the count is asked for on every click of "Export CSV", and counting ten
 * million rows to say "ten million" costs seconds of a reader. Past this the answer is `capped`
 * (at least this many), which is all the button needs to ask before a large export.
 */
export const EXPORT_COUNT_CAP = 1_000_000;

/** How many rows an export with these filters would hold if it started now (up to EXPORT_COUNT_CAP). */
export async function countExportRows(db: Db, filters: RecallFilters) {
  const snapshotMaxId = await currentMaxRecallId(db);
  const [row] = await db.$queryRaw<{ n: number | bigint }[]>`
    SELECT COUNT(*) AS n FROM (SELECT 1 FROM recalls WHERE ${recallFilterSql(filters)} AND id <= ${snapshotMaxId}
      LIMIT ${EXPORT_COUNT_CAP + 1}) matching`;
  const n = Number(row?.n ?? 0);
  return { count: Math.min(n, EXPORT_COUNT_CAP), capped: n > EXPORT_COUNT_CAP, snapshotMaxId };
}

/**
 * What the export may see: ids up to the bound, and on PostgreSQL only rows whose inserting
 * transaction is visible in `snapshot` (pg_current_snapshot() text at the start).
 */
type ExportBound = { maxId: number; snapshot: string | null };

/** The bound of an export starting now, read in one statement so both parts describe the same instant. */
export async function currentExportBound(db: Db, dialect: Config["database"]["dialect"]): Promise<ExportBound> {
  if (dialect === "sqlite") return { maxId: await currentMaxRecallId(db), snapshot: null };
  const [row] = await db.$queryRaw<{ maxId: number | bigint | null; snapshot: string }[]>`
    SELECT MAX(id) AS "maxId", pg_current_snapshot()::text AS snapshot FROM recalls`;
  return { maxId: Number(row?.maxId ?? 0), snapshot: row?.snapshot ?? null };
}

/** Position after the last row sent: its received_at as the database stores it (text), and its id. */
type Cursor = { receivedAt: string; id: number };

/**
 * One keyset page in export order: ascending (received_at, id), after `after`, ids <= the bound.
 * `withContent`: each row also carries its message's ciphertext, joined by identity after the page
 * is chosen (the page's own query, and so its plan, is the default export's).
 */
function pageSql(filters: RecallFilters, bound: ExportBound, after: Cursor | null, withContent: boolean): Prisma.Sql {
  // A range on received_at plus a residual condition (rather than an OR) lets every
  // (…, received_at, id) index seek straight to the next page.
  const keyset = after
    ? Prisma.sql`AND received_at >= ${after.receivedAt} AND NOT (received_at = ${after.receivedAt} AND id <= ${after.id})`
    : Prisma.empty;
  const page = Prisma.sql`
    SELECT ${COLUMNS} FROM recalls
    WHERE ${recallFilterSql(filters)} AND id <= ${bound.maxId} ${visibleIn(bound)} ${keyset}
    ORDER BY received_at, id
    LIMIT ${EXPORT_PAGE_ROWS}`;
  if (!withContent) return page;
  return Prisma.sql`
    SELECT p.*, m.content AS "content", m.content_key_id AS "contentKeyId" FROM (${page}) p
    LEFT JOIN messages m ON m.sdk_app_id = p."sdkAppId" AND m.from_account = p."fromAccount"
      AND m.to_account = p."toAccount" AND m.msg_key = p."msgKey"
    ORDER BY p."receivedAt", p.id`;
}

const visibleIn = (bound: ExportBound) =>
  bound.snapshot === null ? Prisma.empty : Prisma.sql`AND pg_visible_in_snapshot(commit_seq, ${bound.snapshot}::pg_snapshot)`;

type PageSource = { next(after: Cursor | null): Promise<{ rows: PageRow[]; last: Cursor | null }> };

/** A database read directly (not through Prisma): rows as arrays of column values, in SELECT order. */
type ReadRows = (query: Prisma.Sql) => Promise<unknown[][]>;

/**
 * Pages read with `readRows`, whose times `toIso` turns into ISO 8601. The stored time itself (text
 * on both databases) is the next page's bound, so it is compared exactly as stored.
 */
function arrayPages(
  readRows: ReadRows,
  toIso: (stored: unknown) => string | null,
  filters: RecallFilters,
  bound: ExportBound,
  withContent: boolean,
): PageSource {
  return {
    async next(after) {
      const raw = await readRows(pageSql(filters, bound, after, withContent));
      // Columns in COLUMNS order (then content and its key id when joined).
      const rows = raw.map(
        (r): PageRow => ({
          receivedAt: toIso(r[1]) ?? "",
          eventTime: toIso(r[2]),
          sdkAppId: r[3] as string,
          fromAccount: r[4] as string,
          toAccount: r[5] as string,
          msgKey: r[6] as string,
          unreadMsgNum: r[7] === null ? null : Number(r[7]),
          optPlatform: r[8] as string | null,
          clientIp: r[9] as string | null,
          ...(withContent ? { content: (r[10] as Uint8Array | null) ?? null, contentKeyId: (r[11] as string | null) ?? null } : {}),
        }),
      );
      const last = raw.at(-1);
      return { rows, last: last ? { receivedAt: last[1] as string, id: Number(last[0]) } : null };
    },
  };
}

/**
 * Rows per string when a page is encoded. A whole page as one string (about 250 KB) is allocated
 * in V8's large-object space, which only a full garbage collection frees, and a server with a
 * large live heap runs those rarely: such strings were about half of the dead memory a 1M-row
 * export on PostgreSQL piled up in the server's heap before one ran (bench/export.bench.ts;
 * scripts/serve.ts has the other half). Strings of a few tens of KB die young, in the scavenges
 * that run all the time.
 */
const ENCODE_SLICE_ROWS = 200;

/** A page's CSV bytes, as one chunk, built from strings of ENCODE_SLICE_ROWS rows each. */
function encodeInSlices(rows: PageRow[], toText: (slice: PageRow[]) => string, encoder: TextEncoder): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < rows.length; i += ENCODE_SLICE_ROWS) parts.push(encoder.encode(toText(rows.slice(i, i + ENCODE_SLICE_ROWS))));
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

/** `recalls-20261126T092509Z.csv`, from the export's start time in UTC. */
export function exportFilename(startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
  return `recalls-${stamp}.csv`;
}

/** JSON with object keys sorted, so equal filters are logged as equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export type ExportRequest = {
  /** The parsed recall log filters (the shared schema's output). */
  filters: RecallFilters;
  bom: boolean;
  requestedBy: string;
  /** Aborts the export when the client goes away (the request's signal). */
  signal?: AbortSignal;
  /** `include=content` (auditors and admins): a content_text column, decrypted with these keys. */
  content?: { keys: readonly ContentKey[] };
};

/** The content_text cell of one exported recall; null (an empty cell) when no content was kept. */
function exportedContentText(r: PageRow, keys: readonly ContentKey[]): string | null {
  if (!r.content || !r.contentKeyId) return null;
  try {
    return contentText(JSON.parse(decryptContent(r.content, r.contentKeyId, keys, r)) as CapturedContent);
  } catch (error) {
    // One unreadable row (its key retired) must not break an auditor's whole file.
    return `[content unreadable: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

export type StartedExport = { exportId: string; filename: string; snapshotMaxId: number; stream: ReadableStream<Uint8Array> };

/**
 * Records the start of an export and returns the stream of its bytes. The export ends with a
 * "completed" log entry written before the stream closes (so a client that has read to the end
 * can find it), or an "aborted" one when the client disconnects or a query fails.
 */
export async function startRecallsExport(
  db: Db,
  request: ExportRequest,
  // The database `db` has open (its SQLite file is read directly, page by page).
  database: Config["database"] = databaseOf(db),
): Promise<StartedExport> {
  const startedAt = new Date();
  const exportId = randomUUID();
  const filename = exportFilename(startedAt);
  const bound = await currentExportBound(db, database.dialect);
  const snapshotMaxId = bound.maxId;
  const base: Omit<NewExportLogEntry, "status"> = {
    exportId,
    requestedBy: request.requestedBy,
    // include=content is part of what was asked for, so the log says so beside the filters.
    filters: canonicalJson(request.content ? { ...request.filters, include: "content" } : request.filters),
    bom: request.bom,
    filename,
    snapshotMaxId,
    startedAt,
    finishedAt: null,
    rowCount: null,
    byteCount: null,
    sha256: null,
    detail: null,
  };
  await appendExportLog(db, { ...base, status: "started" });
  countExport("started");

  const hash = createHash("sha256");
  const encoder = new TextEncoder();
  let rows = 0;
  let bytes = 0;
  let headerSent = false;
  let after: Cursor | null = null;
  const content = request.content;
  const withContent = content !== undefined;
  const pages =
    database.dialect === "sqlite"
      ? arrayPages(sqliteRows(database.file), storedTimeToIso, request.filters, bound, withContent)
      : arrayPages(postgresRows(database.url), pgTimeToIso, request.filters, bound, withContent);
  // Set once the end is being recorded, so a disconnect racing a completion logs only one end.
  let ended = false;

  const end = async (status: "completed" | "aborted", detail: string | null) => {
    const entry = { ...base, status, finishedAt: new Date(), rowCount: rows, byteCount: BigInt(bytes), sha256: hash.digest("hex"), detail };
    await appendExportLog(db, entry);
    countExport(status === "completed" ? "finished" : "aborted");
    log("info", "recalls_export", { exportId, status, rows, bytes, ms: entry.finishedAt.getTime() - startedAt.getTime(), detail });
  };

  const abort = (detail: string) => {
    if (ended) return;
    ended = true;
    end("aborted", detail).catch((error) => log("error", "recalls_export_log_failed", { exportId, error: String(error) }));
  };
  const onClientGone = () => abort("client disconnected");
  request.signal?.addEventListener("abort", onClientGone, { once: true });

  const send = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    hash.update(chunk);
    bytes += chunk.byteLength;
    controller.enqueue(chunk);
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (ended) return;
        if (!headerSent) {
          headerSent = true;
          if (request.bom) send(controller, UTF8_BOM);
          send(controller, encoder.encode(content ? CSV_CONTENT_HEADER : CSV_HEADER));
          return;
        }
        let page: Awaited<ReturnType<PageSource["next"]>>;
        try {
          page = await pages.next(after);
        } catch (error) {
          if (ended) return;
          ended = true;
          request.signal?.removeEventListener("abort", onClientGone);
          // The database's own text (table names, paths, SQL) stays in the server log; the export
          // log, which auditors and the /exports page read, gets the id that finds it there.
          const id = errorId();
          log("error", "recalls_export_failed", { exportId, errorId: id, error: String(error) });
          await end("aborted", `database error (log id ${id})`).catch((logError) =>
            log("error", "recalls_export_log_failed", { exportId, error: String(logError) }),
          );
          // Breaking the download tells the client the file is incomplete.
          controller.error(error);
          return;
        }
        if (ended) return; // the client went away while the page was read
        if (page.rows.length > 0) {
          rows += page.rows.length;
          after = page.last;
          const toText = content
            ? (slice: PageRow[]) => csvRowsWithContent(slice.map((r) => ({ ...r, contentText: exportedContentText(r, content.keys) })))
            : csvRows;
          send(controller, encodeInSlices(page.rows, toText, encoder));
        }
        if (page.rows.length < EXPORT_PAGE_ROWS) {
          ended = true;
          request.signal?.removeEventListener("abort", onClientGone);
          try {
            await end("completed", null);
          } catch (error) {
            // Without its log entry the file would be unaccounted for: fail the download instead.
            log("error", "recalls_export_log_failed", { exportId, error: String(error) });
            controller.error(error);
            return;
          }
          controller.close();
        }
      },
      cancel() {
        request.signal?.removeEventListener("abort", onClientGone);
        abort("client disconnected");
      },
    },
    // Read at most one page ahead of the client.
    { highWaterMark: 1 },
  );
  return { exportId, filename, snapshotMaxId, stream };
}
