import { getDb } from "@/lib/db/client";
import { CommitQueue } from "@/lib/recalls/commit-queue";
import { storeRecalls } from "@/lib/recalls/store";

// One queue per process (kept across Next.js dev reloads), so concurrent callbacks share commits.
const holder = globalThis as unknown as { recallMonitorQueue?: CommitQueue };

export function ingestQueue(): CommitQueue {
  holder.recallMonitorQueue ??= new CommitQueue(async (recalls, tallies) => storeRecalls(await getDb(), recalls, tallies));
  return holder.recallMonitorQueue;
}
