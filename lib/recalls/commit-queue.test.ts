// The commit queue against writers that behave like a real database would on a bad day: a
// poisoned row, a stalled commit. The writers here are the edge (the database); the queue is real.
import { describe, expect, it, vi } from "vitest";
import { CommitQueue, MAX_COMMANDS_PER_APP, OTHER_COMMANDS, type WriteBatch } from "@/lib/recalls/commit-queue";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { recallIdentity } from "@/lib/recalls/new-recall";
import type { CallbackTally, StoreOutcome } from "@/lib/recalls/store";
import { QueueFullError, WriteError, WriteTimeoutError } from "@/lib/recalls/write-errors";

function recall(fromAccount: string, toAccount: string, msgKey = "k1"): NewRecall {
  return {
    sdkAppId: "1400000001",
    fromAccount,
    toAccount,
    msgKey,
    unreadMsgNum: null,
    eventTime: null,
    receivedAt: new Date(),
    optPlatformRaw: null,
    optPlatform: null,
    clientIp: null,
  };
}

/** An in-memory table with the real unique key: what a correct database would store. */
function memoryWriter(poison?: (r: NewRecall) => boolean) {
  const rows = new Map<string, number>();
  const batches: number[] = [];
  const tallies: CallbackTally[] = [];
  const write: WriteBatch = async (recalls, ts) => {
    batches.push(recalls.length);
    // PostgreSQL fails a whole multi-row INSERT for one bad value (22021 for a NUL in text).
    if (poison && recalls.some(poison)) throw new WriteError('invalid byte sequence for encoding "UTF8": 0x00', "22021");
    tallies.push(...ts);
    return recalls.map((r): StoreOutcome => {
      const key = `${r.sdkAppId}|${r.fromAccount}|${r.toAccount}|${r.msgKey}`.replaceAll("\u0000", "<NUL>");
      if (rows.has(key)) return { outcome: "duplicate" };
      rows.set(key, rows.size + 1);
      return { outcome: "stored", id: rows.size };
    });
  };
  return { write, rows, batches, tallies };
}

describe("recall identity", () => {
  it("keeps recalls apart whose fields differ only in where a U+0000 falls", async () => {
    expect(recallIdentity(recall("n1\u0000x", "y"))).not.toBe(recallIdentity(recall("n1", "x\u0000y")));
    const db = memoryWriter();
    const queue = new CommitQueue(db.write);
    const pairs = Array.from({ length: 10 }, () => [recall("n1\u0000x", "y"), recall("n1", "x\u0000y")]).flat();
    const outcomes = await Promise.all(pairs.map((r) => queue.submit(r)));
    // Two different recalls: both stored, every other delivery a duplicate of one of them.
    expect(outcomes.filter((o) => o.outcome === "stored")).toHaveLength(2);
    expect(db.rows.size).toBe(2);
  });
});

describe("one bad recall in a batch", () => {
  it("is refused alone; its batch-mates are stored and answered", async () => {
    const db = memoryWriter((r) => r.fromAccount.includes("\u0000"));
    const queue = new CommitQueue(db.write);
    const good = Array.from({ length: 20 }, (_, i) => recall(`u${i}`, "bob", `m${i}`));
    const bad = recall("evil\u0000", "bob", "m-bad");
    const results = await Promise.allSettled([...good.slice(0, 10), bad, ...good.slice(10)].map((r) => queue.submit(r)));
    const badResult = results[10];
    expect(badResult?.status).toBe("rejected");
    const others = results.filter((_, i) => i !== 10);
    expect(others.every((r) => r.status === "fulfilled" && r.value.outcome === "stored")).toBe(true);
    expect(db.rows.size).toBe(20);
  });

  it("does not retry row by row when the database is unavailable: every recall fails at once", async () => {
    let calls = 0;
    const queue = new CommitQueue(async () => {
      calls += 1;
      throw new WriteError("database is locked", "SQLITE_BUSY");
    });
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => queue.submit(recall(`u${i}`, "bob"))));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(calls).toBe(1);
  });
});

describe("a stalled commit", () => {
  it("is abandoned at its deadline (the writer is told to stop), and later recalls are written again", async () => {
    let stall = true;
    let aborted = 0;
    const db = memoryWriter();
    const write: WriteBatch = (recalls, tallies, signal) => {
      if (!stall) return db.write(recalls, tallies, signal);
      return new Promise<StoreOutcome[]>(() => {
        signal?.addEventListener("abort", () => {
          aborted += 1;
        });
      });
    };
    const queue = new CommitQueue(write, { writeDeadlineMs: 50 });
    await expect(queue.submit(recall("a", "b", "m1"))).rejects.toBeInstanceOf(WriteTimeoutError);
    expect(aborted).toBe(1);
    stall = false;
    await expect(queue.submit(recall("a", "b", "m2"))).resolves.toMatchObject({ outcome: "stored" });
  });

  it("fills the queue to its bound, then refuses at once, and accepts again once it drains", async () => {
    let release: (() => void) | undefined;
    const db = memoryWriter();
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const queue = new CommitQueue(
      async (recalls, tallies, signal) => {
        await gate;
        return db.write(recalls, tallies, signal);
      },
      { maxWaiting: 5, writeDeadlineMs: 60_000 },
    );
    const accepted = Array.from({ length: 5 }, (_, i) => queue.submit(recall(`u${i}`, "b")));
    await expect(queue.submit(recall("u5", "b"))).rejects.toBeInstanceOf(QueueFullError);
    expect(queue.size).toBe(5);
    release?.();
    const outcomes = await Promise.all(accepted);
    expect(outcomes.every((o) => o.outcome === "stored")).toBe(true);
    await expect(queue.submit(recall("u5", "b"))).resolves.toMatchObject({ outcome: "stored" });
    expect(db.rows.size).toBe(6);
  });
});

describe("callback counters", () => {
  it("are written about a second after counting, not with every batch", async () => {
    const db = memoryWriter();
    const queue = new CommitQueue(db.write);
    const at = new Date();
    queue.tally("1400000001", "C2C.CallbackAfterMsgWithDraw", at);
    // A batch written at once carries no counters: on PostgreSQL that keeps it one statement.
    await queue.submit(recall("a", "b"));
    expect(db.tallies).toEqual([]);
    queue.tally("1400000001", "C2C.CallbackAfterMsgWithDraw", at);
    await vi.waitFor(() => expect(db.tallies.map((t) => t.count)).toEqual([2]), { timeout: 5_000 });
    // The next batch carries none again until another second has passed.
    queue.tally("1400000001", "C2C.CallbackAfterMsgWithDraw", at);
    await queue.submit(recall("c", "d"));
    expect(db.tallies.map((t) => t.count)).toEqual([2]);
  });

  it("are written at once by a shutdown's flush, and reported held when the database is down", async () => {
    const db = memoryWriter();
    const queue = new CommitQueue(db.write);
    queue.tally("1400000001", "State.StateChange", new Date());
    queue.tally("1400000001", "State.StateChange", new Date());
    expect(await queue.flush()).toBe(true);
    expect(db.tallies.map((t) => t.count)).toEqual([2]);
    expect(queue.heldTallies).toBe(0);

    const down = new CommitQueue(async () => {
      throw new WriteError("database is locked", "SQLITE_BUSY");
    });
    down.tally("1400000001", "State.StateChange", new Date());
    expect(await down.flush(300)).toBe(false);
    expect(down.heldTallies).toBe(1);
  });

  it("count names beyond the per-app limit under one bucket", async () => {
    const db = memoryWriter();
    const queue = new CommitQueue(db.write);
    const at = new Date();
    for (let i = 0; i < MAX_COMMANDS_PER_APP + 30; i++) queue.tally("1400000001", `Invented.Command${i}`, at);
    queue.tally("1400000002", "State.StateChange", at);
    // Written about a second later, on their own.
    await vi.waitFor(() => expect(db.tallies.length).toBeGreaterThan(0), { timeout: 5_000 });
    const commands = new Set(db.tallies.filter((t) => t.sdkAppId === "1400000001").map((t) => t.command));
    expect(commands.size).toBe(MAX_COMMANDS_PER_APP + 1);
    expect(commands.has(OTHER_COMMANDS)).toBe(true);
    const other = db.tallies.find((t) => t.command === OTHER_COMMANDS);
    expect(other?.count).toBe(30);
    expect(db.tallies.some((t) => t.sdkAppId === "1400000002")).toBe(true);
  });
});
