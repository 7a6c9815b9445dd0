// Group commit: recalls from concurrent callbacks are written together in one transaction, and
// each callback is answered only after the transaction holding its recall has committed. One
// commit (one fsync on SQLite) then serves many callbacks, which is what lets the receiver keep up
// with IM without ever answering OK for a recall that is not on disk.
import { log } from "@/lib/log";
import { messageIdentity, type NewMessage } from "@/lib/messages/new-message";
import { observeCommit, watchCommitQueue } from "@/lib/metrics";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { recallIdentity } from "@/lib/recalls/new-recall";
import type { CallbackTally, StoreOutcome } from "@/lib/recalls/store";
import { isUnavailable, QueueFullError, WriteTimeoutError } from "@/lib/recalls/write-errors";

/**
 * Writes a batch in one transaction, one outcome per recall and then one per sent message, in
 * order. `signal` aborts when the job's deadline passes: a writer that can be stuck (the SQLite
 * thread) then replaces itself.
 */
export type WriteBatch = (
  recalls: NewRecall[],
  tallies: CallbackTally[],
  signal?: AbortSignal,
  messages?: NewMessage[],
) => Promise<StoreOutcome[]>;

type Waiter = { resolve(outcome: StoreOutcome): void; reject(error: unknown): void };
// Sent messages (C2C.CallbackAfterSendMsg) share the queue, its commits and its rules with recalls.
type Item = { kind: "recall"; recall: NewRecall } | { kind: "message"; message: NewMessage };
type Entry = { item: Item; waiters: Waiter[] };

// SQLite allows 32,766 bound parameters per statement; 10 per recall leaves ample room.
const MAX_BATCH = 500;
// Counters of other commands are not worth a transaction of their own on every callback.
const TALLY_FLUSH_MS = 1_000;
// How often the queue reports its batching (one log line, only when something was written).
const STATS_EVERY_MS = 5_000;
// At most this many distinct commands per app are counted apart between two writes; the rest
// share one bucket, so a flood of invented command names cannot grow memory (the store applies
// the same rule to the table, see storeRecalls).
export const MAX_COMMANDS_PER_APP = 50;
/** Where commands beyond MAX_COMMANDS_PER_APP distinct names per app are counted. */
export const OTHER_COMMANDS = "(other commands)";

export type CommitQueueOptions = {
  /** Callbacks that may wait for a commit at once; beyond it submit fails at once (503). */
  maxWaiting?: number;
  /** A writer job still running after this long is abandoned and its recalls answered 503. */
  writeDeadlineMs?: number;
};

// Enough for several seconds of IM's heaviest bursts; past it the database is not keeping up and
// a fast 503 (IM retries) is better than memory growing without bound.
const DEFAULT_MAX_WAITING = 10_000;
// IM gives up after 2 s, so nobody is waiting for a job older than that.
const DEFAULT_WRITE_DEADLINE_MS = 2_000;

export class CommitQueue {
  // Keyed by identity, so a duplicate arriving while its twin is queued shares the twin's fate.
  private pending = new Map<string, Entry>();
  private waiting = 0;
  private tallies = new Map<string, CallbackTally>();
  private tallyApps = new Map<string, number>();
  private writing = false;
  private scheduled = false;
  private tallyTimer: ReturnType<typeof setTimeout> | undefined;
  // Set when the counters have waited TALLY_FLUSH_MS: only then does a batch carry them.
  private talliesDue = false;
  private stats = { since: Date.now(), batches: 0, recalls: 0, maxBatch: 0, writeMs: 0 };
  private readonly maxWaiting: number;
  private readonly writeDeadlineMs: number;

  constructor(
    private readonly write: WriteBatch,
    options: CommitQueueOptions = {},
  ) {
    this.maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
    this.writeDeadlineMs = options.writeDeadlineMs ?? DEFAULT_WRITE_DEADLINE_MS;
    watchCommitQueue(() => this.waiting);
  }

  /**
   * Resolves once the recall is committed (or found to be stored already); rejects if the write
   * failed, and at once with QueueFullError when the queue is full.
   */
  submit(recall: NewRecall): Promise<StoreOutcome> {
    return this.enqueue({ kind: "recall", recall }, recallIdentity(recall));
  }

  /** As submit, for a sent message: resolves once it is committed (or found to be counted already). */
  submitMessage(message: NewMessage): Promise<StoreOutcome> {
    return this.enqueue({ kind: "message", message }, messageIdentity(message));
  }

  private enqueue(item: Item, key: string): Promise<StoreOutcome> {
    if (this.waiting >= this.maxWaiting) return Promise.reject(new QueueFullError(this.maxWaiting));
    this.waiting += 1;
    return new Promise<StoreOutcome>((resolve, reject) => {
      const entry = this.pending.get(key);
      if (entry) {
        // The first delivery stores it; the rest are duplicates.
        entry.waiters.push({ resolve: (o) => resolve(o.outcome === "stored" ? { outcome: "duplicate" } : o), reject });
      } else {
        this.pending.set(key, { item, waiters: [{ resolve, reject }] });
      }
      this.schedule();
    }).finally(() => {
      this.waiting -= 1;
    });
  }

  /** Callbacks waiting for a commit now. */
  get size(): number {
    return this.waiting;
  }

  /**
   * Counts a callback answered OK; persisted about a second later, with the batch then being
   * written or on its own. Every recall is counted too: if each batch carried its counters, each
   * PostgreSQL batch would be a four-round-trip transaction instead of one statement.
   */
  tally(sdkAppId: string, command: string, at: Date): void {
    this.addTally({ sdkAppId, command, count: 1, lastReceivedAt: at });
    if (!this.tallyTimer) {
      this.tallyTimer = setTimeout(() => {
        this.tallyTimer = undefined;
        this.talliesDue = true;
        this.schedule();
      }, TALLY_FLUSH_MS);
      this.tallyTimer.unref?.();
    }
  }

  /**
   * Writes everything still held, the counters whatever their age, for a shutdown: resolves true
   * once nothing is left, false if `deadlineMs` passed first (the database unavailable, say).
   */
  async flush(deadlineMs = 2_000): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    while (this.pending.size > 0 || this.tallies.size > 0 || this.writing || this.scheduled) {
      if (Date.now() >= until) return false;
      if (this.writing || this.scheduled) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      this.talliesDue = true;
      await this.drain();
      // Still there: the write failed and they were put back. Not a busy loop against a database that is down.
      if (this.tallies.size > 0) await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  }

  /** Counters held for the next write (lost if the process ends before it). */
  get heldTallies(): number {
    let n = 0;
    for (const t of this.tallies.values()) n += t.count;
    return n;
  }

  private addTally(t: CallbackTally) {
    let key = JSON.stringify([t.sdkAppId, t.command]);
    let cur = this.tallies.get(key);
    if (!cur && (this.tallyApps.get(t.sdkAppId) ?? 0) >= MAX_COMMANDS_PER_APP) {
      key = JSON.stringify([t.sdkAppId, OTHER_COMMANDS]);
      cur = this.tallies.get(key);
      t = { ...t, command: OTHER_COMMANDS };
    }
    if (!cur) {
      this.tallies.set(key, { ...t });
      this.tallyApps.set(t.sdkAppId, (this.tallyApps.get(t.sdkAppId) ?? 0) + 1);
    } else {
      cur.count += t.count;
      if (t.lastReceivedAt > cur.lastReceivedAt) cur.lastReceivedAt = t.lastReceivedAt;
    }
  }

  private takeTallies(): CallbackTally[] {
    if (!this.talliesDue) return [];
    this.talliesDue = false;
    const tallies = [...this.tallies.values()];
    this.tallies.clear();
    this.tallyApps.clear();
    return tallies;
  }

  /** Counters whose write failed go with the next batch. */
  private restoreTallies(tallies: CallbackTally[]) {
    if (tallies.length === 0) return;
    for (const t of tallies) this.addTally(t);
    this.talliesDue = true;
  }

  private recordBatch(size: number, ms: number) {
    observeCommit(size, ms);
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

  /** One writer job, abandoned (and its writer told to replace itself) once its deadline passes. */
  /** Writes the entries' items (and tallies); returns one outcome per entry, in the entries' order. */
  private async writeWithDeadline(entries: Entry[], tallies: CallbackTally[]): Promise<StoreOutcome[]> {
    const recalls: NewRecall[] = [];
    const messages: NewMessage[] = [];
    for (const { item } of entries) {
      if (item.kind === "recall") recalls.push(item.recall);
      else messages.push(item.message);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new WriteTimeoutError(this.writeDeadlineMs)), this.writeDeadlineMs);
    const expired = new Promise<never>((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
    });
    try {
      const outcomes = await Promise.race([this.write(recalls, tallies, controller.signal, messages), expired]);
      if (outcomes.length !== recalls.length + messages.length) throw new Error("store returned the wrong number of outcomes");
      // Back to the entries' order: the writer returns recalls' outcomes, then messages'.
      let r = 0;
      let m = recalls.length;
      return entries.map(({ item }) => outcomes[item.kind === "recall" ? r++ : m++] as StoreOutcome);
    } finally {
      clearTimeout(timer);
    }
  }

  private async drain() {
    this.writing = true;
    try {
      while (this.pending.size > 0 || (this.talliesDue && this.tallies.size > 0)) {
        // Taken from the front of the map without copying it, so a long backlog drains in O(n).
        const batch: Entry[] = [];
        for (const [key, entry] of this.pending) {
          this.pending.delete(key);
          batch.push(entry);
          if (batch.length >= MAX_BATCH) break;
        }
        const tallies = this.takeTallies();
        try {
          const started = performance.now();
          const outcomes = await this.writeWithDeadline(batch, tallies);
          if (batch.length > 0) this.recordBatch(batch.length, performance.now() - started);
          batch.forEach((entry, i) => {
            settle(entry, outcomes[i]);
          });
        } catch (error) {
          if (isUnavailable(error)) {
            for (const entry of batch) fail(entry, error);
            // Counts were acknowledged to no one and can wait for the next write.
            this.restoreTallies(tallies);
            if (batch.length === 0) break;
          } else {
            await this.isolate(batch, tallies, error);
          }
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /**
   * After a batch failed for a reason other than the database being unavailable, one of its
   * recalls may be to blame: write each on its own so that only that one is refused.
   */
  private async isolate(batch: Entry[], tallies: CallbackTally[], batchError: unknown) {
    log("info", "ingest_batch_isolated", {
      recalls: batch.length,
      error: batchError instanceof Error ? batchError.message : String(batchError),
    });
    if (tallies.length > 0) {
      try {
        await this.writeWithDeadline([], tallies);
      } catch (error) {
        if (isUnavailable(error)) this.restoreTallies(tallies);
        // Counters that cannot be written on their own would fail every later batch: drop them.
        else
          log("error", "callback_counts_dropped", {
            tallies: tallies.length,
            error: error instanceof Error ? error.message : String(error),
          });
      }
    }
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i];
      if (!entry) continue;
      try {
        const [outcome] = await this.writeWithDeadline([entry], []);
        settle(entry, outcome);
      } catch (error) {
        fail(entry, error);
        if (isUnavailable(error)) {
          for (const rest of batch.slice(i + 1)) fail(rest, error);
          return;
        }
      }
    }
  }
}

function settle(entry: Entry, outcome: StoreOutcome | undefined) {
  for (const w of entry.waiters) outcome ? w.resolve(outcome) : w.reject(new Error("store returned too few outcomes"));
}

function fail(entry: Entry, error: unknown) {
  for (const w of entry.waiters) w.reject(error);
}
