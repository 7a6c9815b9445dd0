// The export log: every CSV export appends a "started" entry when it begins and a "completed" or
// "aborted" entry when it ends. Nothing in the app updates or deletes entries (the database
// refuses to, see the export_log migration).
//
// Why two inserts rather than one row: a row written at the start would have to be updated at the
// end (not append-only), and a single row written at the end would leave no trace of an export
// whose server died half-way. With two entries, "started" without an end is itself evidence.
//
// Tamper evidence: each entry stores prevHash, the entryHash of the entry before it, and its own
// entryHash = SHA-256 of its fields (see entryHashInput). Changing, removing or reordering an entry
// breaks the chain from that point on, which verifyExportLog() reports. Removing the newest entries
// leaves a valid shorter chain: auditors who note the head hash shown on /exports can detect that.
import { createHash } from "node:crypto";
import type { Db } from "@/lib/db/client";

export const GENESIS_HASH = "0".repeat(64);

export type ExportStatus = "started" | "completed" | "aborted";

/** An entry as the caller describes it; the chain fields are added by appendExportLog. */
export type NewExportLogEntry = {
  exportId: string;
  status: ExportStatus;
  requestedBy: string;
  /** Canonical JSON of the parsed filters. */
  filters: string;
  bom: boolean;
  filename: string;
  snapshotMaxId: number;
  startedAt: Date;
  finishedAt: Date | null;
  rowCount: number | null;
  byteCount: bigint | null;
  sha256: string | null;
  detail: string | null;
};

export type ExportLogEntry = NewExportLogEntry & { seq: number; prevHash: string; entryHash: string };

/**
 * The exact text whose SHA-256 is an entry's entryHash: a JSON array of the fields in this order,
 * times as ISO 8601 UTC, byteCount as a decimal string, absent values as null.
 */
export function entryHashInput(e: Omit<ExportLogEntry, "entryHash">): string {
  return JSON.stringify([
    e.seq,
    e.prevHash,
    e.exportId,
    e.status,
    e.requestedBy,
    e.filters,
    e.bom,
    e.filename,
    e.snapshotMaxId,
    e.startedAt.toISOString(),
    e.finishedAt?.toISOString() ?? null,
    e.rowCount,
    e.byteCount === null ? null : e.byteCount.toString(),
    e.sha256,
    e.detail,
  ]);
}

export const entryHash = (e: Omit<ExportLogEntry, "entryHash">) => createHash("sha256").update(entryHashInput(e)).digest("hex");

const isUniqueViolation = (error: unknown) => typeof error === "object" && error !== null && "code" in error && error.code === "P2002";

// Concurrent appenders (several exports ending at once, or several app instances) race for the
// next seq; the primary key lets exactly one win and the others retry on the new head.
const MAX_APPEND_ATTEMPTS = 50;

/** Appends one entry at the head of the chain and returns it as stored. */
export async function appendExportLog(db: Db, entry: NewExportLogEntry): Promise<ExportLogEntry> {
  for (let attempt = 1; ; attempt++) {
    const head = await db.exportLog.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, entryHash: true } });
    const unsigned = { ...entry, seq: (head?.seq ?? 0) + 1, prevHash: head?.entryHash ?? GENESIS_HASH };
    const row = { ...unsigned, entryHash: entryHash(unsigned) };
    try {
      await db.exportLog.create({ data: row });
      return row;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
      const duplicate = await db.exportLog.findFirst({ where: { exportId: entry.exportId, status: entry.status }, select: { seq: true } });
      if (duplicate) throw new Error(`export ${entry.exportId} already has a ${entry.status} entry`);
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}

/** One export as listed: its start and, when recorded, its end, merged into one manifest. */
export type ExportManifest = {
  exportId: string;
  /** "started" means no end was recorded: still running, or the server stopped during it. */
  status: ExportStatus;
  requestedBy: string;
  filters: Record<string, unknown>;
  bom: boolean;
  filename: string;
  snapshotMaxId: number;
  startedAt: string;
  finishedAt: string | null;
  rowCount: number | null;
  /** A number: exact up to 9 PB. */
  byteCount: number | null;
  sha256: string | null;
  detail: string | null;
  startEntry: { seq: number; entryHash: string };
  endEntry: { seq: number; entryHash: string } | null;
};

export const EXPORTS_PAGE_DEFAULT = 20;
export const EXPORTS_PAGE_MAX = 100;

const parseFilters = (json: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { unparsed: json };
  }
};

/**
 * Exports newest first, keyset-paged on the seq of their "started" entry: entries appended while
 * an auditor pages through never shift the pages.
 */
export async function listExports(db: Db, page: { limit: number; cursor?: number }) {
  const starts = await db.exportLog.findMany({
    where: { status: "started", ...(page.cursor === undefined ? {} : { seq: { lt: page.cursor } }) },
    orderBy: { seq: "desc" },
    take: page.limit + 1,
  });
  const shown = starts.slice(0, page.limit);
  const ends = shown.length
    ? await db.exportLog.findMany({ where: { exportId: { in: shown.map((s) => s.exportId) }, status: { in: ["completed", "aborted"] } } })
    : [];
  const endOf = new Map(ends.map((e) => [e.exportId, e]));
  const items: ExportManifest[] = shown.map((start) => {
    const end = endOf.get(start.exportId);
    const e = end ?? start;
    return {
      exportId: start.exportId,
      status: e.status as ExportStatus,
      requestedBy: start.requestedBy,
      filters: parseFilters(start.filters),
      bom: start.bom,
      filename: start.filename,
      snapshotMaxId: start.snapshotMaxId,
      startedAt: start.startedAt.toISOString(),
      finishedAt: e.finishedAt?.toISOString() ?? null,
      rowCount: e.rowCount,
      byteCount: e.byteCount === null ? null : Number(e.byteCount),
      sha256: e.sha256,
      detail: e.detail,
      startEntry: { seq: start.seq, entryHash: start.entryHash },
      endEntry: end ? { seq: end.seq, entryHash: end.entryHash } : null,
    };
  });
  const last = shown.at(-1);
  return { items, nextCursor: starts.length > page.limit && last ? String(last.seq) : null };
}

export type ExportsPage = Awaited<ReturnType<typeof listExports>>;

export type ChainCheck =
  | { ok: true; entries: number; head: { seq: number; entryHash: string } | null }
  | { ok: false; entries: number; seq: number; problem: string };

const VERIFY_PAGE = 500;

/** Walks the whole chain, oldest first, recomputing every hash. */
export async function verifyExportLog(db: Db): Promise<ChainCheck> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  for (;;) {
    const page = await db.exportLog.findMany({ where: { seq: { gte: expectedSeq } }, orderBy: { seq: "asc" }, take: VERIFY_PAGE });
    for (const row of page) {
      const e: ExportLogEntry = { ...row, status: row.status as ExportStatus };
      if (e.seq !== expectedSeq) return { ok: false, entries, seq: expectedSeq, problem: `entry ${expectedSeq} is missing` };
      if (e.prevHash !== prevHash) return { ok: false, entries, seq: e.seq, problem: "its prevHash is not the previous entry's hash" };
      if (entryHash(e) !== e.entryHash) return { ok: false, entries, seq: e.seq, problem: "its contents do not match its hash" };
      prevHash = e.entryHash;
      expectedSeq++;
      entries++;
    }
    if (page.length < VERIFY_PAGE) {
      return { ok: true, entries, head: entries ? { seq: expectedSeq - 1, entryHash: prevHash } : null };
    }
  }
}
