// The SQLite ingest writer: storeRecalls' transaction (lib/recalls/store.ts), run on a worker
// thread with its own better-sqlite3 connection and prepared statements.
//
// Why a thread: better-sqlite3 is synchronous, so with synchronous=FULL every commit's fsync would
// stop the event loop, and every request with it, for the length of a disk flush; through Prisma,
// each batch also paid for a query round trip per statement. On the worker the flush overlaps
// with parsing the next callbacks, and OK still waits for the commit: the worker answers only
// after it returns.
//
// The thread knows no SQL and derives nothing: it is handed the statements
// (SQLITE_STATEMENTS, lib/recalls/ingest-sql.ts, typed and shared with storeRecalls) in
// workerData, and each batch as a plan of which statement to run with which values
// (sqlitePlan). Its code is a string run with `eval: true` because next build (Turbopack, 16.4)
// copies a `new Worker(new URL("./x.worker.ts", import.meta.url))` entry as untranspiled
// TypeScript; being a generic executor, the string has nothing left to drift from.
import { Worker } from "node:worker_threads";
import { log } from "@/lib/log";
import type { NewMessage } from "@/lib/messages/new-message";
import type { WriteBatch } from "@/lib/recalls/commit-queue";
import { prepareBatch, SQLITE_STATEMENTS, type SqlitePlan, sqlitePlan } from "@/lib/recalls/ingest-sql";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { type CallbackTally, outcomesFromIds, type StoreOutcome } from "@/lib/recalls/store";
import { WriteError } from "@/lib/recalls/write-errors";

// As in lib/db/client.ts: IM gives up after 2 s, so a locked database fails fast (HTTP 503).
const SQLITE_BUSY_TIMEOUT_MS = 250;

type WriterData = { file: string; busyTimeoutMs: number; statements: typeof SQLITE_STATEMENTS };
type WriterJob = { id: number; plan: SqlitePlan };

// Receives WriterJob, answers Reply: runs the plan in one IMMEDIATE transaction (the write lock
// is taken up front, so a busy database fails before any work).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");

// fileMustExist: an unmigrated or missing database fails the batch (503) instead of being created empty.
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs, fileMustExist: true });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");

const statements = {};
for (const [name, sql] of Object.entries(workerData.statements)) statements[name] = db.prepare(sql);
const run = (calls) => {
  for (const [name, args] of calls) statements[name].run(...args);
};

const write = db.transaction((plan) => {
  const ids = [];
  for (const [insert, items] of [[statements.insertRecall, plan.recalls], [statements.insertMessage, plan.messages]]) {
    for (const item of items) {
      const row = insert.get(...item.insert);
      if (row === undefined) {
        ids.push(null);
        continue;
      }
      ids.push(Number(row.id));
      run(item.whenStored);
    }
  }
  run(plan.after);
  return ids;
});

parentPort.on("message", (job) => {
  try {
    parentPort.postMessage({ id: job.id, ids: write.immediate(job.plan) });
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
    const workerData: WriterData = { file, busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS, statements: SQLITE_STATEMENTS };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    const writer: Writer = { worker, jobs: new Map() };
    worker.on("message", (reply: Reply) => {
      const job = writer.jobs.get(reply.id);
      if (!job) return;
      writer.jobs.delete(reply.id);
      if (writer.jobs.size === 0) worker.unref();
      if (reply.error !== undefined || !reply.ids) job.reject(new WriteError(reply.error ?? "SQLite writer sent no result", reply.code));
      else job.resolve(outcomesFromIds(reply.ids));
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
  return (recalls: NewRecall[], tallies: CallbackTally[], signal?: AbortSignal, messages: NewMessage[] = []) =>
    new Promise<StoreOutcome[]>((resolve, reject) => {
      // Derived on this thread, before posting, exactly as storeRecalls derives them.
      const job: WriterJob = { id: nextId++, plan: sqlitePlan(prepareBatch(recalls, tallies, messages)) };
      current ??= start();
      const writer = current;
      const id = job.id;
      if (writer.jobs.size === 0) writer.worker.ref();
      writer.jobs.set(id, { resolve, reject });
      writer.worker.postMessage(job);
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
