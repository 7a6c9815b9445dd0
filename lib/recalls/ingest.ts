import { getDb } from "@/lib/db/client";
import { CommitQueue } from "@/lib/recalls/commit-queue";
import { notifyRecallsStored } from "@/lib/recalls/live";
import { storeRecalls } from "@/lib/recalls/store";

// One queue per process (kept across Next.js dev reloads), so concurrent callbacks share commits.
const holder = globalThis as unknown as { recallMonitorQueue?: CommitQueue };

export function ingestQueue(): CommitQueue {
  holder.recallMonitorQueue ??= new CommitQueue(async (recalls, tallies) => {
    const outcomes = await storeRecalls(await getDb(), recalls, tallies);
    // After the commit, so a woken stream finds the rows.
    notifyRecallsStored(outcomes);
    return outcomes;
  });
  return holder.recallMonitorQueue;
}
