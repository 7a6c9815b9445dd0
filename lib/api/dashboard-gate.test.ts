import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DashboardGate, type DashboardGateOptions } from "@/lib/api/dashboard-gate";
import { UnavailableError } from "@/lib/api/errors";

// Timers are faked and the gate's clock is the fake one, so every wait below is exact.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function gate(options: Partial<DashboardGateOptions> = {}) {
  return new DashboardGate({
    concurrency: 1,
    maxQueued: 10,
    maxWaitMs: 10_000,
    holdMaxMs: 1_000,
    busyWindowMs: 1_000,
    now: () => Date.now(),
    ...options,
  });
}

/** A read that takes `ms` of (fake) time and records when it started and ended. */
function read(log: string[], name: string, ms: number) {
  return async () => {
    log.push(`${name} start`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    log.push(`${name} end`);
    return name;
  };
}

describe("the dashboard gate", () => {
  it("runs at most `concurrency` reads at once and the rest in the order they came", async () => {
    const g = gate({ concurrency: 2 });
    const log: string[] = [];
    const results = Promise.all(["a", "b", "c", "d"].map((n) => g.run(read(log, n, 100))));
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(["a start", "b start"]);
    expect(g.use()).toEqual({ limit: 2, running: 2, queued: 2 });
    await vi.advanceTimersByTimeAsync(100);
    expect(log).toEqual(["a start", "b start", "a end", "c start", "b end", "d start"]);
    await vi.advanceTimersByTimeAsync(100);
    expect(await results).toEqual(["a", "b", "c", "d"]);
    expect(g.use()).toEqual({ limit: 2, running: 0, queued: 0 });
  });

  it("answers 503 with Retry-After at once when the queue is full, and runs nothing for it", async () => {
    const g = gate({ maxQueued: 1 });
    const log: string[] = [];
    const first = g.run(read(log, "a", 100));
    const second = g.run(read(log, "b", 100));
    const third = g.run(read(log, "c", 100));
    await expect(third).rejects.toSatisfy((e) => e instanceof UnavailableError && e.status === 503 && e.retryAfterSeconds === 2);
    await vi.advanceTimersByTimeAsync(200);
    expect(await Promise.all([first, second])).toEqual(["a", "b"]);
    expect(log).not.toContain("c start");
  });

  it("answers 503 to a read that waited maxWaitMs, and the one behind it still gets its turn", async () => {
    const g = gate({ maxWaitMs: 500 });
    const log: string[] = [];
    const slow = g.run(read(log, "slow", 700));
    const late = g.run(read(log, "late", 10)).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await late).toBeInstanceOf(UnavailableError);
    expect(g.use().queued).toBe(0);
    const after = g.run(read(log, "after", 10));
    expect(g.use().queued).toBe(1);
    await vi.advanceTimersByTimeAsync(210);
    expect(await slow).toBe("slow");
    expect(await after).toBe("after");
    expect(log).toEqual(["slow start", "slow end", "after start", "after end"]);
  });

  it("drops a waiting read whose client went away, without running it", async () => {
    const g = gate();
    const log: string[] = [];
    const first = g.run(read(log, "a", 100));
    const abort = new AbortController();
    const gone = g.run(read(log, "gone", 100), abort.signal).catch((e: unknown) => e);
    const next = g.run(read(log, "next", 100));
    abort.abort();
    expect(await gone).toBeInstanceOf(UnavailableError);
    expect(g.use().queued).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(await Promise.all([first, next])).toEqual(["a", "next"]);
    expect(log).toEqual(["a start", "a end", "next start", "next end"]);
  });

  it("while callbacks arrive, keeps a finished read's place for as long as it took (capped); otherwise gives it back at once", async () => {
    const g = gate({ holdMaxMs: 300 });
    const log: string[] = [];
    // No callback: b starts as soon as a ends.
    const quiet = [g.run(read(log, "a", 100)), g.run(read(log, "b", 100))];
    await vi.advanceTimersByTimeAsync(100);
    expect(log).toEqual(["a start", "a end", "b start"]);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(quiet);

    log.length = 0;
    g.noteCallback();
    const busy = [g.run(read(log, "c", 200)), g.run(read(log, "d", 500)), g.run(read(log, "e", 10))];
    await vi.advanceTimersByTimeAsync(200);
    expect(log).toEqual(["c start", "c end"]);
    await vi.advanceTimersByTimeAsync(199);
    expect(log).toEqual(["c start", "c end"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(["c start", "c end", "d start"]);
    // d took 500 ms, but the receiver was last busy 900 ms ago at its end: held 300 (the cap).
    g.noteCallback();
    await vi.advanceTimersByTimeAsync(500);
    expect(log.at(-1)).toBe("d end");
    await vi.advanceTimersByTimeAsync(299);
    expect(log.at(-1)).toBe("d end");
    await vi.advanceTimersByTimeAsync(1);
    expect(log.at(-1)).toBe("e start");
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all(busy);
  });

  it("gives the place back when a read fails", async () => {
    const g = gate();
    const failing = g.run(async () => {
      throw new Error("query failed");
    });
    const next = g.run(async () => "next");
    await expect(failing).rejects.toThrow("query failed");
    expect(await next).toBe("next");
    expect(g.use()).toEqual({ limit: 1, running: 0, queued: 0 });
  });
});
