// The alert evaluator: every ALERTS_EVALUATE_MS (at most 30 s) one instance evaluates every
// enabled rule and delivers due notifications. "One instance" is a lease row (alert_leases) that
// the evaluating instance renews each round and any instance may take over once it has expired
// (LEASE_ROUNDS rounds after a crash, at least LEASE_MIN_MS), on either database: on SQLite one
// instance is supported, and the same row makes a second process on the file harmless too. A
// lease alone could let a paused instance and its successor overlap for a round, so every write
// is also safe to race: an alert opens through a unique key, resolves through a conditional
// update, and a notification is claimed before it is sent (lib/alerts/lifecycle.ts, delivery.ts).
import { randomUUID } from "node:crypto";
import { startCallbackMinutes } from "@/lib/alerts/callback-minutes";
import { deliverDue } from "@/lib/alerts/delivery";
import { evaluateRules } from "@/lib/alerts/lifecycle";
import type { Config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { log } from "@/lib/log";

const LEASE_NAME = "evaluator";
const LEASE_ROUNDS = 3;
const LEASE_MIN_MS = 5_000;

type State = { owner: string; started: boolean; timer?: ReturnType<typeof setTimeout>; leader: boolean };
const holder = globalThis as unknown as { recallMonitorAlerts?: State };
function state(): State {
  holder.recallMonitorAlerts ??= { owner: randomUUID(), started: false, leader: false };
  return holder.recallMonitorAlerts;
}

export const leaseMs = (evaluateMs: number) => Math.max(LEASE_MIN_MS, LEASE_ROUNDS * evaluateMs);

/** Takes or renews the evaluator's lease for `owner`; true while it is ours. */
export async function acquireLease(db: Db, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
  const changed = await db.$executeRaw`
    INSERT INTO alert_leases (name, owner, until_ms) VALUES (${LEASE_NAME}, ${owner}, ${BigInt(now + ttlMs)})
    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until_ms = excluded.until_ms
    WHERE alert_leases.owner = excluded.owner OR alert_leases.until_ms < ${BigInt(now)}`;
  return changed > 0;
}

/**
 * One round: lease, rules, deliveries. While the round runs (a slow channel can take its 10 s
 * timeout) the lease is renewed on the side, so a long round does not hand the lease to another
 * instance halfway. Exported for tests; the timer calls it.
 */
export async function runAlertRound(db: Db, read: Db, owner: string, evaluateMs: number): Promise<{ leader: boolean }> {
  const ttl = leaseMs(evaluateMs);
  if (!(await acquireLease(db, owner, ttl))) return { leader: false };
  const renew = setInterval(() => {
    acquireLease(db, owner, ttl).catch(() => {});
  }, ttl / 3);
  try {
    await evaluateRules(read, db);
    await deliverDue(db);
  } finally {
    clearInterval(renew);
  }
  return { leader: true };
}

/** Starts the evaluator and the callback-minute flusher once per process. */
export function startAlerts(config: Config, getDb: () => Promise<Db>, getReadDb: () => Promise<Db>): void {
  const s = state();
  if (s.started) return;
  s.started = true;
  startCallbackMinutes(getDb);
  const every = config.alerts.evaluateMs;
  const tick = async () => {
    try {
      const { leader } = await runAlertRound(await getDb(), await getReadDb(), s.owner, every);
      if (leader !== s.leader) log("info", "alert_evaluator", { leader, owner: s.owner.slice(0, 8) });
      s.leader = leader;
    } catch (error) {
      log("error", "alert_round_failed", { error: error instanceof Error ? error.message : String(error) });
    } finally {
      s.timer = setTimeout(tick, every);
      s.timer.unref();
    }
  };
  s.timer = setTimeout(tick, Math.min(every, 1_000));
  s.timer.unref();
}
