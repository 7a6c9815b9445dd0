// The dashboard's reads yield to the receiver. IM callbacks and dashboard requests share one
// process, one event loop and, on a small host, the database's cores: ten dashboards refreshing
// in a loop took the cores the receiver needed (callbacks at 0.46 of their unloaded rate at 1M
// recalls on PostgreSQL however cheap each dashboard query was made: cheaper queries only meant
// more of them). So every dashboard read (a GET through apiRoute) passes this gate:
//
// - at most DASHBOARD_CONCURRENCY run at once (by default one fewer than the cores, at least one);
// - while callbacks are arriving, a finished read keeps its place for as long again as it took
//   (at most HOLD_MAX_MS), so the dashboard takes at most about half of what it otherwise would;
//   with no callback in the last second, nothing is held;
// - the rest wait in order, at most MAX_QUEUED of them and for at most MAX_WAIT_MS, then get 503
//   with Retry-After; a request whose client has gone leaves the queue.
//
// One read at a time with the hold kept callbacks at 0.90 of their rate (p99 92 ms) for the same
// dashboard throughput as one at a time without it (0.77), against 0.46 ungated
// (bench/ingest-load.bench.ts, docs/benchmarks.md). Only the handler's own work passes the gate:
// a streamed body (an export, the live stream) is sent after the place is given back.
import { UnavailableError } from "@/lib/api/errors";
import { config } from "@/lib/config";
import { countDashboardRead, watchPool } from "@/lib/metrics";

export type DashboardGateOptions = {
  concurrency: number;
  maxQueued: number;
  maxWaitMs: number;
  /** The longest a finished read keeps its place while the receiver is busy. */
  holdMaxMs: number;
  /** A callback within this long means the receiver is busy. */
  busyWindowMs: number;
  now?: () => number;
};

export const GATE_DEFAULTS = { maxQueued: 256, maxWaitMs: 10_000, holdMaxMs: 1_000, busyWindowMs: 1_000 } as const;
const RETRY_AFTER_SECONDS = 2;

type Waiter = { admit(): void };

export class DashboardGate {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private lastCallbackAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(private readonly options: DashboardGateOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** The receiver got a callback: for the next busyWindowMs, finished reads keep their place a while. */
  noteCallback(): void {
    this.lastCallbackAt = this.now();
  }

  use() {
    return { limit: this.options.concurrency, running: this.running, queued: this.queue.length };
  }

  /** Runs `read` when its turn comes (at once when there is room); throws a 503 UnavailableError when none comes. */
  async run<T>(read: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw cancelled();
    if (this.running < this.options.concurrency && this.queue.length === 0) {
      this.running++;
      countDashboardRead("at_once");
    } else {
      await this.waitForTurn(signal);
    }
    const started = this.now();
    try {
      return await read();
    } finally {
      this.release(this.now() - started);
    }
  }

  private waitForTurn(signal: AbortSignal | undefined): Promise<void> {
    if (this.queue.length >= this.options.maxQueued) {
      countDashboardRead("refused");
      return Promise.reject(busy());
    }
    return new Promise<void>((resolve, reject) => {
      const leave = (outcome: "refused" | "cancelled", error: UnavailableError) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        countDashboardRead(outcome);
        reject(error);
      };
      const onAbort = () => leave("cancelled", cancelled());
      const timer = setTimeout(() => leave("refused", busy()), this.options.maxWaitMs);
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          countDashboardRead("after_wait");
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private release(tookMs: number): void {
    const receiverBusy = this.now() - this.lastCallbackAt < this.options.busyWindowMs;
    const hold = receiverBusy ? Math.min(tookMs, this.options.holdMaxMs) : 0;
    const done = () => {
      this.running--;
      this.admitWaiting();
    };
    if (hold >= 1) setTimeout(done, hold);
    else done();
  }

  private admitWaiting(): void {
    while (this.running < this.options.concurrency) {
      const next = this.queue.shift();
      if (!next) return;
      this.running++;
      next.admit();
    }
  }
}

function busy(): UnavailableError {
  return new UnavailableError("the dashboard is busy answering other requests; retry shortly", RETRY_AFTER_SECONDS);
}

// Nobody reads this answer; as a 503 it stays out of the error log.
const cancelled = () => new UnavailableError("the request was cancelled before its turn");

// On globalThis: Next.js may bundle this module more than once, and the callback route and the
// API routes must see the same gate.
const holder = globalThis as unknown as { recallMonitorDashboardGate?: DashboardGate };

/** This process's gate (DASHBOARD_CONCURRENCY). */
export function dashboardGate(): DashboardGate {
  if (!holder.recallMonitorDashboardGate) {
    const created = new DashboardGate({ concurrency: config.dashboard.concurrency, ...GATE_DEFAULTS });
    holder.recallMonitorDashboardGate = created;
    watchPool("dashboard-gate", () => created.use());
  }
  return holder.recallMonitorDashboardGate;
}
