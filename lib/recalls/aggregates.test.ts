import { describe, expect, it } from "vitest";
import { aggregateRecalls, hourStart } from "./aggregates";
import type { NewRecall } from "./new-recall";

const at = (iso: string) => new Date(iso);
const recall = (over: Partial<NewRecall>): NewRecall => ({
  sdkAppId: "1",
  fromAccount: "a",
  toAccount: "b",
  msgKey: Math.random().toString(36),
  unreadMsgNum: null,
  eventTime: null,
  receivedAt: at("2026-11-26T10:15:00.000Z"),
  optPlatformRaw: "iOS",
  optPlatform: "iOS",
  clientIp: null,
  ...over,
});

describe("hourStart", () => {
  it("floors to the UTC hour", () => {
    expect(hourStart(at("2026-11-26T10:59:59.999Z")).toISOString()).toBe("2026-11-26T10:00:00.000Z");
  });
});

describe("aggregateRecalls", () => {
  it("counts each recall once for its sender and once for its recipient", () => {
    const { users } = aggregateRecalls([recall({}), recall({}), recall({ fromAccount: "b", toAccount: "a" })]);
    expect(users.map((u) => [u.userId, u.sent, u.received])).toEqual([
      ["a", 2, 1],
      ["b", 1, 2],
    ]);
  });

  it("keeps the recipient's most recent UnreadMsgNum, skipping recalls without one", () => {
    const { users } = aggregateRecalls([
      recall({ unreadMsgNum: 5, receivedAt: at("2026-11-26T10:00:02Z") }),
      recall({ unreadMsgNum: 9, receivedAt: at("2026-11-26T10:00:01Z") }),
      recall({ unreadMsgNum: null, receivedAt: at("2026-11-26T10:00:03Z") }),
    ]);
    const b = users.find((u) => u.userId === "b");
    expect(b).toMatchObject({ lastUnreadMsgNum: 5, lastUnreadAt: at("2026-11-26T10:00:02Z"), lastRecallAt: at("2026-11-26T10:00:03Z") });
    // The sender's unread count is not what UnreadMsgNum reports.
    expect(users.find((u) => u.userId === "a")?.lastUnreadMsgNum).toBeNull();
  });

  it("buckets by hour per user and per app and platform ('' when absent)", () => {
    const { userHours, appHours } = aggregateRecalls([
      recall({ receivedAt: at("2026-11-26T10:01:00Z") }),
      recall({ receivedAt: at("2026-11-26T10:59:00Z"), optPlatform: null }),
      recall({ receivedAt: at("2026-11-26T11:00:00Z"), sdkAppId: "2" }),
    ]);
    expect(userHours.filter((h) => h.userId === "a").map((h) => [h.sdkAppId, h.hourStart.toISOString(), h.sent])).toEqual([
      ["1", "2026-11-26T10:00:00.000Z", 2],
      ["2", "2026-11-26T11:00:00.000Z", 1],
    ]);
    expect(appHours.map((h) => [h.sdkAppId, h.optPlatform, h.recalls])).toEqual([
      ["1", "", 1],
      ["1", "iOS", 1],
      ["2", "iOS", 1],
    ]);
  });

  it("buckets by UTC day per user, the sums of the user's hours", () => {
    const { userDays } = aggregateRecalls([
      recall({ receivedAt: at("2026-11-26T00:00:00Z") }),
      recall({ receivedAt: at("2026-11-26T23:59:59.999Z") }),
      recall({ receivedAt: at("2026-11-27T00:00:00Z") }),
    ]);
    expect(userDays.map((d) => [d.userId, d.dayStart.toISOString(), d.sent, d.received])).toEqual([
      ["a", "2026-11-26T00:00:00.000Z", 2, 0],
      ["a", "2026-11-27T00:00:00.000Z", 1, 0],
      ["b", "2026-11-26T00:00:00.000Z", 0, 2],
      ["b", "2026-11-27T00:00:00.000Z", 0, 1],
    ]);
  });

  it("counts a message to oneself as sent and received", () => {
    const { users } = aggregateRecalls([recall({ fromAccount: "me", toAccount: "me", unreadMsgNum: 1 })]);
    expect(users).toEqual([expect.objectContaining({ userId: "me", sent: 1, received: 1, lastUnreadMsgNum: 1 })]);
  });
});
