// The SQLite ingest writer: the same transaction as storeRecalls (lib/recalls/store.ts), run on a
// worker thread with its own better-sqlite3 connection and prepared statements.
//
// Why a thread: better-sqlite3 is synchronous, so with synchronous=FULL every commit's fsync would
// stop the event loop, and every request with it, for the length of a disk flush; through Prisma,
// each batch also paid for seven query round trips. On the worker the flush overlaps with parsing
// the next callbacks, and OK still waits for the commit: the worker answers only after it returns.
//
// The worker's code is a string run with `eval: true` so that the bundler leaves it alone; it
// loads better-sqlite3 from node_modules like the Prisma adapter does.
import { Worker } from "node:worker_threads";
import { log } from "@/lib/log";
import { MAX_COMMANDS_PER_APP, OTHER_COMMANDS, type WriteBatch } from "@/lib/recalls/commit-queue";
import { INSERT_FORWARD_COPY_SQL } from "@/lib/recalls/forward-copy";
import type { NewRecall } from "@/lib/recalls/new-recall";
import type { CallbackTally, StoreOutcome } from "@/lib/recalls/store";
import { WriteError } from "@/lib/recalls/write-errors";

// As in lib/db/client.ts: IM gives up after 2 s, so a locked database fails fast (HTTP 503).
const SQLITE_BUSY_TIMEOUT_MS = 250;

// Keep the SQL identical in meaning to lib/recalls/store.ts (the PostgreSQL path and the
// reference). Times are stored as Prisma stores DateTime on SQLite: ISO text with +00:00.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");

// fileMustExist: an unmigrated or missing database fails the batch (503) instead of being created empty.
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs, fileMustExist: true });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");

const HOUR_MS = 3600000;
const iso = (d) => (d === null ? null : d.toISOString().replace("Z", "+00:00"));

const insertRecall = db.prepare(
  "INSERT INTO recalls (sdk_app_id, from_account, to_account, msg_key, unread_msg_num, event_time, received_at, opt_platform_raw, opt_platform, client_ip) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sdk_app_id, from_account, to_account, msg_key) DO NOTHING RETURNING id");
const upsertUser = db.prepare(
  "INSERT INTO user_stats (sdk_app_id, user_id, recalls_sent, recalls_received, last_unread_msg_num, last_unread_at, last_recall_at) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sdk_app_id, user_id) DO UPDATE SET " +
  "recalls_sent = user_stats.recalls_sent + excluded.recalls_sent, " +
  "recalls_received = user_stats.recalls_received + excluded.recalls_received, " +
  "last_unread_msg_num = CASE WHEN excluded.last_unread_at IS NOT NULL AND (user_stats.last_unread_at IS NULL OR excluded.last_unread_at >= user_stats.last_unread_at) " +
  "  THEN excluded.last_unread_msg_num ELSE user_stats.last_unread_msg_num END, " +
  "last_unread_at = CASE WHEN excluded.last_unread_at IS NOT NULL AND (user_stats.last_unread_at IS NULL OR excluded.last_unread_at >= user_stats.last_unread_at) " +
  "  THEN excluded.last_unread_at ELSE user_stats.last_unread_at END, " +
  "last_recall_at = CASE WHEN excluded.last_recall_at > user_stats.last_recall_at THEN excluded.last_recall_at ELSE user_stats.last_recall_at END");
const upsertUserHour = db.prepare(
  "INSERT INTO user_hourly_counts (sdk_app_id, user_id, hour_start, sent, received) VALUES (?, ?, ?, ?, ?) " +
  "ON CONFLICT (sdk_app_id, user_id, hour_start) DO UPDATE SET sent = user_hourly_counts.sent + excluded.sent, received = user_hourly_counts.received + excluded.received");
const upsertAppHour = db.prepare(
  "INSERT INTO recall_hourly_counts (sdk_app_id, hour_start, opt_platform, recalls) VALUES (?, ?, ?, ?) " +
  "ON CONFLICT (sdk_app_id, hour_start, opt_platform) DO UPDATE SET recalls = recall_hourly_counts.recalls + excluded.recalls");
const upsertTally = db.prepare(
  "INSERT INTO callback_counts (sdk_app_id, command, count, last_received_at) VALUES (?, ?, ?, ?) " +
  "ON CONFLICT (sdk_app_id, command) DO UPDATE SET count = callback_counts.count + excluded.count, " +
  "last_received_at = CASE WHEN excluded.last_received_at > callback_counts.last_received_at THEN excluded.last_received_at ELSE callback_counts.last_received_at END");

// Forwarding mode (lib/recalls/forward-copy.ts): a new recall's copy for the backend.
const insertForwardCopy = db.prepare(workerData.insertForwardCopySql);

const knownCommands = db.prepare("SELECT command FROM callback_counts WHERE sdk_app_id = ? LIMIT ?");

// One row at a time inside one transaction: prepared statements cost microseconds here, and a
// duplicate (no row inserted) simply adds nothing to the aggregates.
const write = db.transaction((recalls, tallies) => {
  const ids = [];
  for (const r of recalls) {
    const at = iso(r.receivedAt);
    const row = insertRecall.get(r.sdkAppId, r.fromAccount, r.toAccount, r.msgKey, r.unreadMsgNum, iso(r.eventTime), at,
      r.optPlatformRaw, r.optPlatform, r.clientIp);
    if (row === undefined) {
      ids.push(null);
      continue;
    }
    ids.push(Number(row.id));
    const hour = iso(new Date(Math.floor(r.receivedAt.getTime() / HOUR_MS) * HOUR_MS));
    upsertUser.run(r.sdkAppId, r.fromAccount, 1, 0, null, null, at);
    // UnreadMsgNum is To_Account's count.
    upsertUser.run(r.sdkAppId, r.toAccount, 0, 1, r.unreadMsgNum, r.unreadMsgNum === null ? null : at, at);
    upsertUserHour.run(r.sdkAppId, r.fromAccount, hour, 1, 0);
    upsertUserHour.run(r.sdkAppId, r.toAccount, hour, 0, 1);
    upsertAppHour.run(r.sdkAppId, hour, r.optPlatform === null ? "" : r.optPlatform, 1);
    const f = r.forward;
    if (f) {
      insertForwardCopy.run(f.search, Buffer.from(f.body.buffer, f.body.byteOffset, f.body.byteLength), f.contentType, f.clientAddress,
        f.receivedAtMs, f.nextAttemptMs, f.leaseOwner, f.leaseUntilMs);
    }
  }
  // As commandsToCount in lib/recalls/store.ts: past the limit of distinct names per app, new
  // names are counted under one bucket.
  const known = new Map();
  for (const t of tallies) {
    let names = known.get(t.sdkAppId);
    if (!names) {
      names = new Set(knownCommands.all(t.sdkAppId, workerData.maxCommands + 1).map((row) => row.command));
      known.set(t.sdkAppId, names);
    }
    const command = names.has(t.command) || names.size < workerData.maxCommands ? t.command : workerData.otherCommands;
    names.add(command);
    upsertTally.run(t.sdkAppId, command, t.count, iso(t.lastReceivedAt));
  }
  return ids;
});

parentPort.on("message", (job) => {
  try {
    // IMMEDIATE takes the write lock up front, so a busy database fails before any work.
    parentPort.postMessage({ id: job.id, ids: write.immediate(job.recalls, job.tallies) });
  } catch (error) {
    parentPort.postMessage({
      id: job.id,
      error: error instanceof Error ? error.message : String(error),
      code: typeof error?.code === "string" ? error.code : undefined,
    });
  }
});
`;

type Reply = { id: number; ids?: (number | null)[]; error?: string; code?: string };
type Job = { resolve(outcomes: StoreOutcome[]): void; reject(error: Error): void };

/**
 * A WriteBatch for the commit queue that commits on a worker thread. The thread starts at once:
 * starting it takes long enough (hundreds of ms on a busy machine) that the first callback could
 * otherwise miss its commit deadline.
 */
export function sqliteBatchWriter(file: string): WriteBatch {
  // Jobs belong to the thread they were posted to: when a thread dies, only its own jobs fail,
  // never those already posted to its replacement.
  type Writer = { worker: Worker; jobs: Map<number, Job> };
  let current: Writer | undefined;
  let nextId = 0;

  const start = (): Writer => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS,
        maxCommands: MAX_COMMANDS_PER_APP,
        otherCommands: OTHER_COMMANDS,
        insertForwardCopySql: INSERT_FORWARD_COPY_SQL,
      },
    });
    const writer: Writer = { worker, jobs: new Map() };
    worker.on("message", (reply: Reply) => {
      const job = writer.jobs.get(reply.id);
      if (!job) return;
      writer.jobs.delete(reply.id);
      if (writer.jobs.size === 0) worker.unref();
      if (reply.error !== undefined || !reply.ids) job.reject(new WriteError(reply.error ?? "SQLite writer sent no result", reply.code));
      else job.resolve(reply.ids.map((id): StoreOutcome => (id === null ? { outcome: "duplicate" } : { outcome: "stored", id })));
    });
    // A writer that failed to open the database (or died) is replaced on the next batch, so the
    // receiver recovers by itself once the database is back.
    const retire = (error: Error) => {
      if (current === writer) current = undefined;
      for (const job of writer.jobs.values()) job.reject(error);
      writer.jobs.clear();
    };
    worker.on("error", (error) => retire(error));
    worker.on("exit", (code) => retire(new Error(`SQLite writer stopped (exit code ${code})`)));
    // A writer with jobs in flight keeps the process alive (a script awaiting its last batch);
    // an idle one must not. After the listeners: adding a "message" listener refs the worker.
    worker.unref();
    return writer;
  };

  current = start();
  return (recalls: NewRecall[], tallies: CallbackTally[], signal?: AbortSignal) =>
    new Promise<StoreOutcome[]>((resolve, reject) => {
      current ??= start();
      const writer = current;
      const id = nextId++;
      if (writer.jobs.size === 0) writer.worker.ref();
      writer.jobs.set(id, { resolve, reject });
      writer.worker.postMessage({ id, recalls, tallies });
      // A job past its deadline means the thread is stuck (a stalled disk, a lock that outlasts
      // the busy timeout): replace it. Terminating rolls its transaction back, its other jobs
      // fail (their callbacks were answered 503), and the next batch starts a fresh thread.
      signal?.addEventListener(
        "abort",
        () => {
          if (!writer.jobs.has(id)) return;
          if (current === writer) current = undefined;
          const reason = signal.reason instanceof Error ? signal.reason : new Error("SQLite write abandoned");
          for (const job of writer.jobs.values()) job.reject(reason);
          writer.jobs.clear();
          log("error", "sqlite_writer_replaced", { error: reason.message });
          void writer.worker.terminate();
        },
        { once: true },
      );
    });
}
