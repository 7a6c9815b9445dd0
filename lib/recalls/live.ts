// In-process news of committed recalls, so open live streams wake at once instead of at their
// next poll. Only a hint: streams read the rows from the database. Commits by other instances on a
// shared PostgreSQL arrive through lib/recalls/pg-listener.ts; streams still poll as a fallback.
import { EventEmitter } from "node:events";
import type { WriteBatch } from "@/lib/recalls/commit-queue";
import type { StoreOutcome } from "@/lib/recalls/store";

type Live = { emitter: EventEmitter; maxId: number };

// On globalThis because Next.js may bundle this module separately for the callback route and
// the stream route; both must share one emitter.
const holder = globalThis as unknown as { recallMonitorLive?: Live };

function live(): Live {
  if (!holder.recallMonitorLive) {
    const emitter = new EventEmitter();
    // One listener per open stream: many dashboards may be open at once.
    emitter.setMaxListeners(0);
    holder.recallMonitorLive = { emitter, maxId: 0 };
  }
  return holder.recallMonitorLive;
}

/** Called after a batch has committed. */
export function notifyRecallsStored(outcomes: readonly StoreOutcome[]): void {
  let max = 0;
  for (const o of outcomes) if (o.outcome === "stored" && o.id > max) max = o.id;
  if (max === 0) return;
  const l = live();
  if (max > l.maxId) l.maxId = max;
  l.emitter.emit("stored", max);
}

/**
 * Wakes every open stream of this process: PostgreSQL committed a transaction with id `seq` that
 * inserted recalls (any instance's; lib/recalls/pg-listener.ts), or, without `seq`, something may
 * have been committed while no one listened.
 */
export function wakeStreams(seq?: bigint): void {
  live().emitter.emit("committed", seq);
}

/** Calls `listener` on every wakeStreams(); returns the unsubscribe. */
export function onCommitNotified(listener: (seq: bigint | undefined) => void): () => void {
  const { emitter } = live();
  emitter.on("committed", listener);
  return () => {
    emitter.off("committed", listener);
  };
}

/** Calls `listener` with the highest new id after each commit in this process; returns the unsubscribe. */
export function onRecallsStored(listener: (maxId: number) => void): () => void {
  const { emitter } = live();
  emitter.on("stored", listener);
  return () => {
    emitter.off("stored", listener);
  };
}

/** Wraps the commit queue's writer (whichever it is) so each committed batch is announced. */
export function notifyAfter(write: WriteBatch): WriteBatch {
  return async (recalls, tallies, signal, messages) => {
    const outcomes = await write(recalls, tallies, signal, messages);
    // After the commit, so a woken stream finds the rows. Messages' ids (after the recalls') are another table's.
    notifyRecallsStored(outcomes.slice(0, recalls.length));
    return outcomes;
  };
}
