import { getDb } from "@/lib/db/client";
import { CommitQueue } from "@/lib/recalls/commit-queue";
import { notifyAfter } from "@/lib/recalls/live";
import { storeRecalls } from "@/lib/recalls/store";

// One queue per process (kept across Next.js dev reloads), so concurrent callbacks share commits.
const holder = globalThis as unknown as { recallMonitorQueue?: CommitQueue };

export function ingestQueue(): CommitQueue {
  // notifyAfter wakes open live streams as soon as a batch has committed.
  holder.recallMonitorQueue ??= new CommitQueue(notifyAfter(async (recalls, tallies) => storeRecalls(await getDb(), recalls, tallies)));
  return holder.recallMonitorQueue;
}
