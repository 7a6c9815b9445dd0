import { type Config, config } from "@/lib/config";
import { type Db, getReceiverDb } from "@/lib/db/client";
import { log } from "@/lib/log";
import { CommitQueue, type WriteBatch } from "@/lib/recalls/commit-queue";
import { notifyAfter } from "@/lib/recalls/live";
import { sqliteBatchWriter } from "@/lib/recalls/sqlite-writer";
import { storeRecalls } from "@/lib/recalls/store";

// One queue per process (kept across Next.js dev reloads), so concurrent callbacks share commits.
const holder = globalThis as unknown as { recallMonitorQueue?: CommitQueue };

/** How recalls are written to `database`: the receiver's path, also used by `npm run seed`. */
export function batchWriterFor(database: Config["database"], db: () => Promise<Db>): WriteBatch {
  // SQLite commits block the thread that runs them: keep them off the event loop.
  if (database.dialect === "sqlite") return sqliteBatchWriter(database.file);
  return async (recalls, tallies, _signal, messages) => storeRecalls(await db(), recalls, tallies, messages);
}

export function ingestQueue(): CommitQueue {
  // notifyAfter wakes open live streams as soon as a batch has committed.
  holder.recallMonitorQueue ??= new CommitQueue(notifyAfter(batchWriterFor(config.database, getReceiverDb)));
  return holder.recallMonitorQueue;
}

/**
 * At shutdown, after the last request was answered: writes the callback counters the queue still
 * holds (it writes them about a second after the callbacks they count). Logs what could not be.
 */
export async function flushIngest(): Promise<void> {
  const queue = holder.recallMonitorQueue;
  if (!queue || (await queue.flush())) return;
  log("error", "callback_counts_lost", { callbacks: queue.heldTallies, reason: "not written within 2 s of shutdown" });
}

/** Called at server start (instrumentation.ts) so the first callback does not pay for getting ready. */
export function warmUpIngest(): void {
  if (config.database.dialect === "sqlite") {
    // Starts the writer thread.
    ingestQueue();
    return;
  }
  // Connecting and the first query took over a second on a busy machine, longer than the
  // first callback may wait for its commit. A failure here is harmless: callbacks retry the connection.
  void getReceiverDb()
    .then((db) => db.$queryRawUnsafe("SELECT 1"))
    .catch(() => {});
}
