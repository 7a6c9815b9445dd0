// Group commit: recalls from concurrent callbacks are written together in one transaction, and
// each callback is answered only after the transaction holding its recall has committed. One
// commit (one fsync on SQLite) then serves many callbacks, which is what lets the receiver keep up
// with IM without ever answering OK for a recall that is not on disk.
import { log } from "@/lib/log";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { recallIdentity } from "@/lib/recalls/new-recall";
import type { CallbackTally, StoreOutcome } from "@/lib/recalls/store";

export type WriteBatch = (recalls: NewRecall[], tallies: CallbackTally[]) => Promise<StoreOutcome[]>;

type Waiter = { resolve(outcome: StoreOutcome): void; reject(error: unknown): void };

// SQLite allows 32,766 bound parameters per statement; 10 per recall leaves ample room.
const MAX_BATCH = 500;
// Counters of other commands are not worth a transaction of their own on every callback.
const TALLY_FLUSH_MS = 1_000;
// How often the queue reports its batching (one log line, only when something was written).
const STATS_EVERY_MS = 5_000;

export class CommitQueue {
  // Keyed by identity, so a duplicate arriving while its twin is queued shares the twin's fate.
  private pending = new Map<string, { recall: NewRecall; waiters: Waiter[] }>();
  private tallies = new Map<string, CallbackTally>();
  private writing = false;
  private scheduled = false;
  private tallyTimer: ReturnType<typeof setTimeout> | undefined;
  private stats = { since: Date.now(), batches: 0, recalls: 0, maxBatch: 0, writeMs: 0 };

  constructor(private readonly write: WriteBatch) {}

  /** Resolves once the recall is committed (or found to be stored already); rejects if the write failed. */
  submit(recall: NewRecall): Promise<StoreOutcome> {
    return new Promise((resolve, reject) => {
      const key = recallIdentity(recall);
      const entry = this.pending.get(key);
      if (entry) {
        // The first delivery stores it; the rest are duplicates.
        entry.waiters.push({ resolve: (o) => resolve(o.outcome === "stored" ? { outcome: "duplicate" } : o), reject });
      } else {
        this.pending.set(key, { recall, waiters: [{ resolve, reject }] });
      }
      this.schedule();
    });
  }

  /** Counts a callback answered OK; persisted with the next batch, within about a second. */
  tally(sdkAppId: string, command: string, at: Date): void {
    this.addTally({ sdkAppId, command, count: 1, lastReceivedAt: at });
    if (!this.tallyTimer) {
      this.tallyTimer = setTimeout(() => {
        this.tallyTimer = undefined;
        this.schedule();
      }, TALLY_FLUSH_MS);
      this.tallyTimer.unref?.();
    }
  }

  private addTally(t: CallbackTally) {
    const key = `${t.sdkAppId}\u0000${t.command}`;
    const cur = this.tallies.get(key);
    if (!cur) this.tallies.set(key, { ...t });
    else {
      cur.count += t.count;
      if (t.lastReceivedAt > cur.lastReceivedAt) cur.lastReceivedAt = t.lastReceivedAt;
    }
  }

  private recordBatch(size: number, ms: number) {
    const s = this.stats;
    s.batches += 1;
    s.recalls += size;
    s.writeMs += ms;
    if (size > s.maxBatch) s.maxBatch = size;
    const now = Date.now();
    if (now - s.since < STATS_EVERY_MS) return;
    // Batch sizes say how far group commit is carrying the load; write time is what callbacks wait on.
    log("info", "ingest_batches", {
      seconds: Math.round((now - s.since) / 100) / 10,
      batches: s.batches,
      recalls: s.recalls,
      maxBatch: s.maxBatch,
      meanWriteMs: Math.round((s.writeMs / s.batches) * 10) / 10,
    });
    this.stats = { since: now, batches: 0, recalls: 0, maxBatch: 0, writeMs: 0 };
  }

  private schedule() {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets every request already parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain() {
    this.writing = true;
    try {
      while (this.pending.size > 0 || this.tallies.size > 0) {
        const batch = [...this.pending.values()].slice(0, MAX_BATCH);
        for (const entry of batch) this.pending.delete(recallIdentity(entry.recall));
        const tallies = [...this.tallies.values()];
        this.tallies.clear();
        try {
          const started = performance.now();
          const outcomes = await this.write(
            batch.map((e) => e.recall),
            tallies,
          );
          if (batch.length > 0) this.recordBatch(batch.length, performance.now() - started);
          batch.forEach((entry, i) => {
            const outcome = outcomes[i];
            for (const w of entry.waiters) outcome ? w.resolve(outcome) : w.reject(new Error("store returned too few outcomes"));
          });
        } catch (error) {
          for (const entry of batch) for (const w of entry.waiters) w.reject(error);
          // Counts were acknowledged to no one and can wait for the next write.
          for (const t of tallies) this.addTally(t);
          if (batch.length === 0) break;
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
