import { describe, expect, it } from "vitest";
import type { ForwardCopy } from "@/lib/recalls/forward-copy";
import {
  POSTGRES_INGEST_SQL,
  POSTGRES_TALLY_SQL,
  postgresRecallArgs,
  prepareBatch,
  prepareRecall,
  SQLITE_STATEMENTS,
  sqlitePlan,
  tallyArgs,
} from "@/lib/recalls/ingest-sql";
import type { NewRecall } from "@/lib/recalls/new-recall";

const recall = (overrides: Partial<NewRecall> = {}): NewRecall => ({
  sdkAppId: "1400000001",
  fromAccount: "alice",
  toAccount: "bob",
  msgKey: "k1",
  unreadMsgNum: 3,
  eventTime: null,
  receivedAt: new Date("2026-12-01T10:59:59.999Z"),
  optPlatformRaw: "iOS",
  optPlatform: "iOS",
  clientIp: "203.0.113.7",
  ...overrides,
});

const placeholders = (sql: string) => (sql.match(/\?/g) ?? []).length;

const copy: ForwardCopy = {
  search: "?SdkAppid=1400000001&CallbackCommand=C2C.CallbackAfterMsgWithDraw",
  body: new Uint8Array([0x7b, 0x7d]),
  contentType: null,
  clientAddress: "192.0.2.1",
  receivedAtMs: 1_764_586_799_999,
  leaseOwner: "owner:1",
  leaseUntilMs: 1_764_586_805_000,
  nextAttemptMs: 1_764_586_805_000,
};

describe("prepareRecall", () => {
  it("derives the stored time, hour and day buckets, platform key and unread time once, as both databases store them", () => {
    expect(prepareRecall(recall({ optPlatform: null, eventTime: new Date("2026-12-01T10:00:00Z") }))).toMatchObject({
      receivedAt: "2026-12-01T10:59:59.999+00:00",
      eventTime: "2026-12-01T10:00:00.000+00:00",
      hourStart: "2026-12-01T10:00:00.000+00:00",
      dayStart: "2026-12-01T00:00:00.000+00:00",
      platformKey: "",
      unreadAt: "2026-12-01T10:59:59.999+00:00",
    });
    expect(prepareRecall(recall({ unreadMsgNum: null })).unreadAt).toBeNull();
  });

  it("refuses an identity with a lone UTF-16 surrogate, which the database would store altered", () => {
    expect(() => prepareRecall(recall({ toAccount: "bob\uD800" }))).toThrow(/lone UTF-16 surrogate/);
    expect(() => prepareRecall(recall({ toAccount: "bob 😀" }))).not.toThrow();
  });
});

describe("statements and their values", () => {
  it("binds exactly as many values as each SQLite statement has placeholders", () => {
    const plan = sqlitePlan(
      prepareBatch([recall({ forward: copy })], [{ sdkAppId: "a", command: "c", count: 1, lastReceivedAt: new Date() }]),
    );
    const calls = [["insertRecall", plan.recalls[0]?.insert ?? []] as const, ...(plan.recalls[0]?.whenStored ?? []), ...plan.after];
    for (const [name, args] of calls) expect(args, name).toHaveLength(placeholders(SQLITE_STATEMENTS[name]));
  });

  it("gives PostgreSQL one array per unnest column and numbers the tally's parameters", () => {
    expect(postgresRecallArgs([prepareRecall(recall())])).toHaveLength((POSTGRES_INGEST_SQL.match(/\$\d+::/g) ?? []).length);
    const tally = tallyArgs({ sdkAppId: "a", command: "c", count: 1, lastReceivedAt: "t" });
    expect(POSTGRES_TALLY_SQL).toContain(`$${tally.length}::`);
    expect(POSTGRES_TALLY_SQL).not.toContain(`$${tally.length + 1}`);
    expect(POSTGRES_TALLY_SQL).not.toContain("?");
  });

  it("adds a forwarding copy's outbox row only for a new recall that carries one, bytes unchanged", () => {
    const plan = sqlitePlan(prepareBatch([recall({ forward: copy }), recall({ msgKey: "k2" })], []));
    const copies = plan.recalls.map((r) => r.whenStored.filter(([name]) => name === "insertForwardCopy"));
    expect(copies.map((c) => c.length)).toEqual([1, 0]);
    // After the recall's own rows, and with the body as the bytes received.
    expect(plan.recalls[0]?.whenStored.at(-1)?.[0]).toBe("insertForwardCopy");
    expect(copies[0]?.[0]?.[1]).toContain(copy.body);

    const columns = postgresRecallArgs(prepareBatch([recall({ forward: copy }), recall({ msgKey: "k2" })], []).recalls);
    const copyColumns = columns.slice(-8);
    expect(copyColumns.map((c) => c[0])).toEqual([
      copy.search,
      copy.body,
      copy.contentType,
      copy.clientAddress,
      copy.receivedAtMs,
      copy.nextAttemptMs,
      copy.leaseOwner,
      copy.leaseUntilMs,
    ]);
    expect(copyColumns.map((c) => c[1])).toEqual(Array(8).fill(null));
  });

  it("orders tallies by app and command, so every writer locks their rows in the same order", () => {
    const at = new Date();
    const batch = prepareBatch(
      [],
      [
        { sdkAppId: "b", command: "x", count: 1, lastReceivedAt: at },
        { sdkAppId: "a", command: "z", count: 1, lastReceivedAt: at },
        { sdkAppId: "a", command: "y", count: 1, lastReceivedAt: at },
      ],
    );
    expect(batch.tallies.map((t) => `${t.sdkAppId}/${t.command}`)).toEqual(["a/y", "a/z", "b/x"]);
  });
});
