import { describe, expect, it } from "vitest";
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

describe("prepareRecall", () => {
  it("derives the stored time, hour bucket, platform key and unread time once, as both databases store them", () => {
    expect(prepareRecall(recall({ optPlatform: null, eventTime: new Date("2026-12-01T10:00:00Z") }))).toMatchObject({
      receivedAt: "2026-12-01T10:59:59.999+00:00",
      eventTime: "2026-12-01T10:00:00.000+00:00",
      hourStart: "2026-12-01T10:00:00.000+00:00",
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
    const plan = sqlitePlan(prepareBatch([recall()], [{ sdkAppId: "a", command: "c", count: 1, lastReceivedAt: new Date() }]));
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
