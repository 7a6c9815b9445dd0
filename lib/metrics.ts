// The instance's Prometheus metrics (GET /api/metrics). One registry per process, kept on
// globalThis: Next.js bundles a module once per route that imports it, and every copy must count
// into the same registry. Labels take only values from bounded sets (known commands, the receiver's
// own outcome names, pool names), never a user ID, an SDKAppID or anything else a sender chooses.
import { isIP } from "node:net";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { compileTrust, type TrustFunction } from "@/lib/http/trust-proxy";
import { openStreamCount } from "@/lib/recalls/stream-limits";

/** Callback commands counted by name; any other command counts as "other". */
export const KNOWN_COMMANDS = [
  "C2C.CallbackAfterMsgWithDraw",
  "C2C.CallbackBeforeSendMsg",
  "C2C.CallbackAfterSendMsg",
  "C2C.CallbackAfterMsgReport",
  "Group.CallbackBeforeSendMsg",
  "Group.CallbackAfterSendMsg",
  "Group.CallbackAfterRecallMsg",
  "State.StateChange",
  "Sns.CallbackFriendAdd",
  "Sns.CallbackFriendDelete",
] as const;
const KNOWN_COMMAND_SET = new Set<string>(KNOWN_COMMANDS);

// The receiver's outcomes are its own constants ("stored", "refused:sign", ...): this shape bounds
// them even if a future outcome were ever built from input.
const OUTCOME_SHAPE = /^(stored|duplicate|ignored|error|(refused|failed):[a-z_]{1,24})$/;

export function commandLabel(command: string | undefined): string {
  if (!command) return "none";
  return KNOWN_COMMAND_SET.has(command) ? command : "other";
}

export function outcomeLabel(outcome: string): string {
  return OUTCOME_SHAPE.test(outcome) ? outcome : "other";
}

export type PoolUse = Record<string, number>;

type Metrics = {
  registry: Registry;
  callbacks: Counter<"command" | "outcome">;
  commitSeconds: Histogram;
  batchSize: Histogram;
  exports: Counter<"event">;
  retentionDeleted: Counter;
  retentionRuns: Counter<"outcome">;
  dashboardReads: Counter<"admitted">;
  queueDepth: { source: (() => number) | undefined };
  pools: Map<string, () => PoolUse>;
};

function create(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "recall_monitor_" });
  const queueDepth: Metrics["queueDepth"] = { source: undefined };
  const pools = new Map<string, () => PoolUse>();
  const metrics: Metrics = {
    registry,
    queueDepth,
    pools,
    callbacks: new Counter({
      name: "recall_monitor_callbacks_total",
      help: "IM callbacks answered, by command (known commands, else other) and outcome",
      labelNames: ["command", "outcome"],
      registers: [registry],
    }),
    commitSeconds: new Histogram({
      name: "recall_monitor_commit_duration_seconds",
      help: "Time to write and commit one batch of recalls (what callbacks wait on)",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: "recall_monitor_commit_batch_size",
      help: "Recalls written per commit (group commit)",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    exports: new Counter({
      name: "recall_monitor_exports_total",
      help: "CSV exports by event: started, finished (completed), aborted",
      labelNames: ["event"],
      registers: [registry],
    }),
    retentionDeleted: new Counter({
      name: "recall_monitor_retention_deleted_recalls_total",
      help: "Recalls deleted by retention (RETENTION_DAYS) on this instance",
      registers: [registry],
    }),
    dashboardReads: new Counter({
      name: "recall_monitor_dashboard_reads_total",
      help: "Dashboard reads by how the gate (lib/api/dashboard-gate.ts) took them: at_once, after_wait, refused (503), cancelled (client gone while waiting)",
      labelNames: ["admitted"],
      registers: [registry],
    }),
    retentionRuns: new Counter({
      name: "recall_monitor_retention_runs_total",
      help: "Retention runs by outcome: completed, skipped (another instance holds the lock), failed",
      labelNames: ["outcome"],
      registers: [registry],
    }),
  };
  new Gauge({
    name: "recall_monitor_commit_queue_depth",
    help: "Callbacks waiting for their recall to be committed",
    registers: [registry],
    collect() {
      this.set(queueDepth.source?.() ?? 0);
    },
  });
  new Gauge({
    name: "recall_monitor_live_streams",
    help: "Live dashboard streams (Server-Sent Events) open on this instance",
    registers: [registry],
    collect() {
      this.set(openStreamCount());
    },
  });
  new Gauge({
    name: "recall_monitor_db_pool",
    help: "Database pool use by pool and state (PostgreSQL: total, idle, waiting connections; SQLite read threads: busy, queued; dashboard-gate: limit, running, queued)",
    labelNames: ["pool", "state"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [pool, read] of pools) for (const [state, value] of Object.entries(read())) this.set({ pool, state }, value);
    },
  });
  // Zero series exist from the start, so a rate() over them works before the first event.
  for (const event of ["started", "finished", "aborted"]) metrics.exports.inc({ event }, 0);
  for (const outcome of ["completed", "skipped", "failed"]) metrics.retentionRuns.inc({ outcome }, 0);
  for (const admitted of ["at_once", "after_wait", "refused", "cancelled"]) metrics.dashboardReads.inc({ admitted }, 0);
  return metrics;
}

const holder = globalThis as unknown as { recallMonitorMetrics?: Metrics };
export function metrics(): Metrics {
  holder.recallMonitorMetrics ??= create();
  return holder.recallMonitorMetrics;
}

// ---- one-line calls for the places where the counts live ------------------------------------

export function countCallback(command: string | undefined, outcome: string): void {
  metrics().callbacks.inc({ command: commandLabel(command), outcome: outcomeLabel(outcome) });
}

export function observeCommit(recalls: number, ms: number): void {
  const m = metrics();
  m.batchSize.observe(recalls);
  m.commitSeconds.observe(ms / 1000);
}

/** The process's commit queue reports its depth through this (the last one registered wins). */
export function watchCommitQueue(depth: () => number): void {
  metrics().queueDepth.source = depth;
}

/** A database pool (or the dashboard gate) reports its use through this, under a fixed name ("receiver", "dashboard", "sqlite-read", "export", "dashboard-gate"). */
export function watchPool(name: string, use: () => PoolUse): void {
  metrics().pools.set(name, use);
}

export function countExport(event: "started" | "finished" | "aborted"): void {
  metrics().exports.inc({ event });
}

export function countDashboardRead(admitted: "at_once" | "after_wait" | "refused" | "cancelled"): void {
  metrics().dashboardReads.inc({ admitted });
}

export function countRetentionRun(outcome: "completed" | "skipped" | "failed", deleted = 0): void {
  const m = metrics();
  m.retentionRuns.inc({ outcome });
  if (deleted > 0) m.retentionDeleted.inc(deleted);
}

// ---- access ---------------------------------------------------------------------------------

const compiled = new WeakMap<readonly string[], TrustFunction>();

/** Whether `address` (the resolved client address) is in METRICS_ALLOWED_CIDRS. Empty list: nobody. */
export function isAllowedScraper(address: string, allowedCidrs: readonly string[]): boolean {
  if (allowedCidrs.length === 0 || !isIP(address)) return false;
  let match = compiled.get(allowedCidrs);
  if (!match) {
    match = compileTrust({ kind: "addresses", entries: [...allowedCidrs] });
    compiled.set(allowedCidrs, match);
  }
  return match(address, 0);
}

export async function metricsResponse(): Promise<Response> {
  const { registry } = metrics();
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
}
