// The recall's copy for the app's backend in forwarding mode. IM's answer to a recall depends only
// on our own commit, so a backend that is down or slow must not lose its copy: a recall it did not
// accept with a 200 is written to forward_outbox and redelivered, oldest first, with backoff, until
// it does. Delivery is at least once: a redelivery whose 200 was lost is sent again, so the backend
// should treat (SdkAppid, From_Account, To_Account, MsgKey) as the identity, as we do.
//
// Only the oldest row is ever attempted, by whichever instance holds its lease, so the backend
// receives recalls in order of receipt even with several instances on one database.
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { type ForwardConfig, type ForwardRequest, forwardCallback } from "@/lib/im/forward";
import { log } from "@/lib/log";

/** A claimed row is this instance's for this long; a crashed instance's lease then expires. */
const LEASE_MS = 30_000;
/** Redeliveries are not bound by IM's 2 s: the backend gets this long to answer one. */
const REDELIVERY_TIMEOUT_MS = 10_000;
const IDLE_POLL_MS = 1_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 60_000;
const MAX_ERROR_LENGTH = 300;

/** Delay before attempt `attempts + 1`: 0.5 s, 1 s, 2 s ... at most a minute. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

type Holder = { recallMonitorOutbox?: { owner: string; backlog: boolean; started: boolean; timer?: ReturnType<typeof setTimeout> } };
const holder = globalThis as unknown as Holder;
function state() {
  holder.recallMonitorOutbox ??= { owner: randomUUID(), backlog: true, started: false };
  return holder.recallMonitorOutbox;
}

export async function enqueueRecallForward(db: Db, request: ForwardRequest, receivedAt: Date, reason: string): Promise<void> {
  const now = Date.now();
  await db.forwardOutbox.create({
    data: {
      search: request.search,
      body: new Uint8Array(request.body),
      contentType: request.contentType,
      clientAddress: request.clientAddress,
      receivedAtMs: BigInt(receivedAt.getTime()),
      attempts: 1,
      nextAttemptMs: BigInt(now + backoffMs(1)),
      lastError: reason.slice(0, MAX_ERROR_LENGTH),
    },
  });
  state().backlog = true;
  kick();
}

/**
 * Sends a just-committed recall to the backend; if it does not answer 200, or older recalls are
 * still waiting in the outbox (which it must not overtake), the recall goes to the outbox. Never
 * throws and never delays IM's answer: the caller does not await it.
 */
export async function forwardRecall(forward: ForwardConfig, db: () => Promise<Db>, request: ForwardRequest, receivedAt: Date) {
  let reason = "older recalls were waiting in the outbox";
  if (!state().backlog) {
    const result = await forwardCallback(forward, request);
    if (result.ok && result.status === 200) return;
    reason = result.ok ? `the backend answered ${result.status}` : result.reason;
  }
  // The database is how the copy survives: retry a write that lost a race for SQLite's lock.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await enqueueRecallForward(await db(), request, receivedAt, reason);
      return;
    } catch (error) {
      if (attempt >= 5) {
        log("error", "im_forward_outbox_write_failed", { error: error instanceof Error ? error.message : String(error) });
        return;
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** Claims the oldest row if it is due and nobody holds it; returns its id. */
async function claimOldest(db: Db, owner: string, now: number): Promise<number | null> {
  // A plain read first: on SQLite an UPDATE takes the write lock even when no row matches.
  const head = await db.forwardOutbox.findFirst({ orderBy: { id: "asc" }, select: { id: true, nextAttemptMs: true, leaseUntilMs: true } });
  state().backlog = head !== null;
  if (!head || Number(head.nextAttemptMs) > now || Number(head.leaseUntilMs) >= now) return null;
  // The lease conditions are re-checked by the UPDATE itself, so of two instances that both saw
  // the row free exactly one gets it (PostgreSQL re-evaluates them on the locked row).
  const claimed = await db.$queryRaw<{ id: number | bigint }[]>`
    UPDATE forward_outbox SET lease_owner = ${owner}, lease_until_ms = ${BigInt(now + LEASE_MS)}
    WHERE id = ${head.id} AND lease_until_ms < ${BigInt(now)} AND next_attempt_ms <= ${BigInt(now)}
    RETURNING id`;
  const row = claimed[0];
  return row ? Number(row.id) : null;
}

/** Attempts the oldest due row once. Returns whether a row was delivered (so the next may follow at once). */
export async function deliverOldest(db: Db, forward: ForwardConfig, owner = state().owner): Promise<boolean> {
  const id = await claimOldest(db, owner, Date.now());
  if (id === null) return false;
  const row = await db.forwardOutbox.findUnique({ where: { id } });
  if (!row) return false;
  const result = await forwardCallback(
    forward,
    {
      search: row.search,
      body: row.body,
      contentType: row.contentType,
      clientAddress: row.clientAddress,
      mark: `redelivery=${row.attempts}`,
    },
    REDELIVERY_TIMEOUT_MS,
  );
  if (result.ok && result.status === 200) {
    await db.forwardOutbox.deleteMany({ where: { id, leaseOwner: owner } });
    return true;
  }
  const reason = (result.ok ? `the backend answered ${result.status}` : result.reason).slice(0, MAX_ERROR_LENGTH);
  log("error", "im_forward_redelivery_failed", { outboxId: id, attempts: row.attempts + 1, reason });
  await db.forwardOutbox.updateMany({
    where: { id, leaseOwner: owner },
    data: {
      attempts: row.attempts + 1,
      nextAttemptMs: BigInt(Date.now() + backoffMs(row.attempts + 1)),
      leaseOwner: null,
      leaseUntilMs: BigInt(0),
      lastError: reason,
    },
  });
  return false;
}

let wake: (() => void) | undefined;
function kick() {
  wake?.();
}

/** Runs the redelivery loop in this process (once; further calls do nothing). */
export function startOutboxWorker(forward: ForwardConfig, db: () => Promise<Db>): void {
  const s = state();
  if (s.started) return;
  s.started = true;
  const loop = async () => {
    let delivered = false;
    try {
      delivered = await deliverOldest(await db(), forward);
    } catch (error) {
      log("error", "im_forward_outbox_error", { error: error instanceof Error ? error.message : String(error) });
    }
    const next = setTimeout(run, delivered ? 0 : IDLE_POLL_MS);
    next.unref();
    s.timer = next;
    wake = () => {
      clearTimeout(next);
      wake = undefined;
      s.timer = setTimeout(run, 0);
    };
  };
  const run = () => {
    wake = undefined;
    void loop();
  };
  run();
}

/** What the overview shows about the outbox. */
export async function outboxStatus(db: Db) {
  const [agg, head] = await Promise.all([
    db.forwardOutbox.aggregate({ _count: { _all: true }, _min: { receivedAtMs: true } }),
    db.forwardOutbox.findFirst({ orderBy: { id: "asc" }, select: { lastError: true, attempts: true } }),
  ]);
  const oldest = agg._min.receivedAtMs;
  return {
    length: agg._count._all,
    oldestReceivedAt: oldest === null ? null : new Date(Number(oldest)),
    lastError: head?.lastError ?? null,
    headAttempts: head?.attempts ?? 0,
  };
}
