// The recall's copy for the app's backend in forwarding mode. IM's answer to a recall depends only
// on our own commit, so a backend that is down or slow must not lose its copy: every recall
// received while IM_FORWARD_URL is set gets its forward_outbox row in the same transaction as the
// recall itself (lib/recalls/forward-copy.ts; the insert is in lib/recalls/ingest-sql.ts), so a
// recall answered OK always has its copy on disk, even if this process dies during the first
// attempt. Right after the commit that copy is sent once (the immediate attempt); a 200 deletes the
// row, anything else leaves it to the redelivery loop, which retries oldest first, with backoff,
// until the backend answers 200.
//
// Delivery is at least once: a delivery whose 200 was lost (or whose row a crash kept) is sent
// again, so the backend should treat (SdkAppid, From_Account, To_Account, MsgKey) as the identity,
// as we do. A duplicate recall (IM retrying one we stored) gets no second row and no second send:
// the first delivery's row already carries the backend's copy.
//
// The immediate attempt and the loop never send the same row at once: the row is written leased to
// that attempt (a token of its own) until after the attempt's deadline, and the loop only takes rows
// whose lease has passed. Only the oldest row is ever attempted by the loop, by whichever instance
// holds its lease, and no immediate attempt is made while older recalls wait, so the backend
// receives recalls in order of receipt even with several instances on one database. (First
// attempts in flight at the same moment may arrive in either order, as IM's own concurrent
// callbacks do.)
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { type ForwardConfig, type ForwardRequest, forwardCallback } from "@/lib/im/forward";
import { log } from "@/lib/log";
import type { ForwardCopy } from "@/lib/recalls/forward-copy";

/** A claimed row is this instance's for this long; a crashed instance's lease then expires. */
const LEASE_MS = 30_000;
/** Redeliveries are not bound by IM's 2 s: the backend gets this long to answer one. */
const REDELIVERY_TIMEOUT_MS = 10_000;
/** How much longer than the immediate attempt's own deadline its lease lasts (clocks, the event loop). */
const IMMEDIATE_LEASE_MARGIN_MS = 1_000;
const IDLE_POLL_MS = 1_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 60_000;
const MAX_ERROR_LENGTH = 300;
/** Rows delivered by their immediate attempt are deleted together, at most this long afterwards. */
const DELETE_FLUSH_MS = 100;
const DELETE_CHUNK = 500;

/** Delay before attempt `attempts + 1`: 0.5 s, 1 s, 2 s ... at most a minute. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

type Holder = {
  recallMonitorOutbox?: {
    owner: string;
    /** Whether rows may be waiting for redelivery (unknown, so true, until the loop has looked). */
    backlog: boolean;
    started: boolean;
    timer?: ReturnType<typeof setTimeout>;
    delivered: string[];
    deleteTimer?: ReturnType<typeof setTimeout>;
  };
};
const holder = globalThis as unknown as Holder;
function state() {
  holder.recallMonitorOutbox ??= { owner: randomUUID(), backlog: true, started: false, delivered: [] };
  return holder.recallMonitorOutbox;
}

/** Rows that wait for the redelivery loop: every row except those an immediate attempt holds now. */
const waitingRows = (now: number) => ({ OR: [{ attempts: { gt: 0 } }, { leaseUntilMs: { lt: BigInt(now) } }] });

/**
 * The backend's copy of a recall about to be stored, for the recall's own transaction. It is leased
 * to an immediate attempt after commit, unless older recalls are waiting (which it must not
 * overtake): then it is due at once and the loop sends it in its turn. `commitDeadlineMs` is how
 * long the caller waits for the commit; the lease outlasts it plus the attempt's own deadline.
 */
export function recallForwardCopy(
  forward: ForwardConfig,
  request: ForwardRequest,
  receivedAt: Date,
  commitDeadlineMs: number,
): ForwardCopy {
  const receivedAtMs = receivedAt.getTime();
  const immediate = !state().backlog;
  const leaseUntilMs = receivedAtMs + commitDeadlineMs + forward.timeoutMs + IMMEDIATE_LEASE_MARGIN_MS;
  return {
    search: request.search,
    body: request.body,
    contentType: request.contentType,
    clientAddress: request.clientAddress,
    receivedAtMs,
    leaseOwner: immediate ? `${state().owner}:${randomUUID()}` : null,
    leaseUntilMs: immediate ? leaseUntilMs : 0,
    nextAttemptMs: immediate ? leaseUntilMs : receivedAtMs,
  };
}

/** For tests and tools: a copy written on its own (not with a recall), as if a first attempt had failed with `reason`. */
export async function enqueueRecallForward(db: Db, request: ForwardRequest, receivedAt: Date, reason: string): Promise<void> {
  await db.forwardOutbox.create({
    data: {
      search: request.search,
      body: new Uint8Array(request.body),
      contentType: request.contentType,
      clientAddress: request.clientAddress,
      receivedAtMs: BigInt(receivedAt.getTime()),
      attempts: 1,
      nextAttemptMs: BigInt(Date.now() + backoffMs(1)),
      lastError: reason.slice(0, MAX_ERROR_LENGTH),
    },
  });
  state().backlog = true;
  kick();
}

/**
 * After the recall and its copy have committed: the immediate attempt. A 200 deletes the row
 * (shortly, together with others'); anything else hands it to the loop. Never throws and never
 * delays IM's answer: the caller does not await it.
 */
export async function forwardCommittedRecall(forward: ForwardConfig, db: () => Promise<Db>, copy: ForwardCopy): Promise<void> {
  const token = copy.leaseOwner;
  // No lease: older recalls are waiting, and the loop sends this one after them.
  // Too late to finish within the lease (a slow commit): the loop takes it once the lease passes.
  if (token === null || Date.now() + forward.timeoutMs > copy.leaseUntilMs - IMMEDIATE_LEASE_MARGIN_MS) {
    state().backlog = true;
    kick();
    return;
  }
  const result = await forwardCallback(forward, copy);
  if (result.ok && result.status === 200) {
    deleteDelivered(db, token);
    return;
  }
  const reason = (result.ok ? `the backend answered ${result.status}` : result.reason).slice(0, MAX_ERROR_LENGTH);
  state().backlog = true;
  try {
    // Only while the lease is still this attempt's: a row the loop has taken since is the loop's.
    await (await db()).forwardOutbox.updateMany({
      where: { leaseOwner: token },
      data: { attempts: 1, nextAttemptMs: BigInt(Date.now() + backoffMs(1)), leaseOwner: null, leaseUntilMs: BigInt(0), lastError: reason },
    });
  } catch (error) {
    // The row stays leased until leaseUntilMs and is then the loop's anyway.
    log("error", "im_forward_outbox_error", { error: error instanceof Error ? error.message : String(error) });
  }
  kick();
}

function deleteDelivered(db: () => Promise<Db>, token: string) {
  const s = state();
  s.delivered.push(token);
  if (s.deleteTimer) return;
  s.deleteTimer = setTimeout(() => void flushDelivered(db), DELETE_FLUSH_MS);
  s.deleteTimer.unref();
}

async function flushDelivered(db: () => Promise<Db>) {
  const s = state();
  const tokens = s.delivered.splice(0, DELETE_CHUNK);
  try {
    // By token: a row whose lease passed and that the loop took is the loop's to delete.
    await (await db()).forwardOutbox.deleteMany({ where: { leaseOwner: { in: tokens } } });
  } catch (error) {
    // Kept for the next flush; if their leases pass first, the loop sends them once more (at least once).
    s.delivered.unshift(...tokens);
    log("error", "im_forward_outbox_error", { error: error instanceof Error ? error.message : String(error) });
  }
  s.deleteTimer = undefined;
  if (s.delivered.length > 0) {
    s.deleteTimer = setTimeout(() => void flushDelivered(db), DELETE_FLUSH_MS);
    s.deleteTimer.unref();
  }
}

/** Claims the oldest row if it is due and nobody holds it; returns its id. */
async function claimOldest(db: Db, owner: string, now: number): Promise<number | null> {
  // A plain read first: on SQLite an UPDATE takes the write lock even when no row matches.
  const head = await db.forwardOutbox.findFirst({ orderBy: { id: "asc" }, select: { id: true, nextAttemptMs: true, leaseUntilMs: true } });
  // Rows only an immediate attempt holds are no backlog: new recalls may be sent at once.
  state().backlog = head !== null && (await db.forwardOutbox.findFirst({ where: waitingRows(now), select: { id: true } })) !== null;
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

/** What the overview shows about the outbox: the rows waiting for redelivery (not first attempts in flight). */
export async function outboxStatus(db: Db, now = Date.now()) {
  const where = waitingRows(now);
  const [agg, head] = await Promise.all([
    db.forwardOutbox.aggregate({ where, _count: { _all: true }, _min: { receivedAtMs: true } }),
    db.forwardOutbox.findFirst({ where, orderBy: { id: "asc" }, select: { lastError: true, attempts: true } }),
  ]);
  const oldest = agg._min.receivedAtMs;
  return {
    length: agg._count._all,
    oldestReceivedAt: oldest === null ? null : new Date(Number(oldest)),
    lastError: head?.lastError ?? null,
    headAttempts: head?.attempts ?? 0,
  };
}
