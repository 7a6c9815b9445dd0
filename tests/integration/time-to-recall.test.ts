// Time to recall over many recalls (the overview's histogram, a user's median) is computed in SQL,
// including the MsgKey shape check that sendTimeFromMsgKey does with a regex. Every figure must be
// what timeToRecall (lib/messages/recall-message.ts), the per-recall answer the recall log shows,
// gives for the same recalls, on both databases: keys of every near-miss shape, captured MsgTimes,
// implausible times, recalls without EventTime, and the newest-N sample.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDb, type Db } from "@/lib/db/client";
import { timeToRecall } from "@/lib/messages/recall-message";
import { TIME_TO_RECALL_BUCKETS, timeToRecallStats } from "@/lib/messages/time-to-recall";
import type { RecallFilters } from "@/lib/recalls/filters";
import { TEST_APP_ID } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { newRecall, storeTestRecalls } from "../support/recalls";

const RECALLED = Date.parse("2026-11-30T12:00:00.000Z");
const S = Math.floor(RECALLED / 1000);

/** MsgKeys around the shape `<1-20 digits>_<1-20 digits>_<9-11 digits>`, each a different edge. */
const KEYS = [
  `12_345_${S - 5}`, // 5 s
  `1_2_${S - 25}`, // 25 s
  `${"9".repeat(20)}_${"8".repeat(20)}_${S - 90}`, // longest parts
  `1_2_${S - 3600}`, // an hour
  `1_2_${S + 86_000}`, // a day ahead, within the slack: 0 ms
  `1_2_${S + 87_000}`, // past the slack: no time
  "1_2_1262303999", // before 2010: no time
  "1_2_1262304000", // 2010 exactly: years
  `1_2_${"1".repeat(12)}`, // 12 trailing digits
  "1_2_12345678", // 8 trailing digits
  `${"9".repeat(21)}_2_${S - 5}`, // seq too long
  `1_${"8".repeat(21)}_${S - 5}`, // random too long
  `_2_${S - 5}`, // no seq
  `1__${S - 5}`, // no random
  `1_2__${S - 5}`, // two underscores
  `a1_2_${S - 5}`, // a letter
  `1_2x_${S - 5}`,
  `1_2_3_${S - 5}`, // four parts
  `${S - 5}`, // seconds alone
  "opaque",
  "",
  `١_٢_${S - 5}`, // Arabic-Indic digits are not \d
  `1_2_${S - 5} `, // trailing space
  `1_2_${S - 5}\n`, // trailing line break (a regex $ may match before it)
  `1_2_0${S - 5}`, // 11 digits with a leading zero
  `1_2_00${S - 5}`, // 12 digits, a plausible time: still not the shape
  `${"0".repeat(21)}_2_${S - 5}`, // 21 digits of seq, all zeros
];

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await connectDb(testDb.database);
  const recalls = KEYS.flatMap((msgKey, i) => [
    // EventTime given; then the same key without EventTime (received 1.5 s later), to another user.
    newRecall({
      fromAccount: "ttr-a",
      toAccount: "ttr-b",
      msgKey,
      eventTime: new Date(RECALLED + i),
      receivedAt: new Date(RECALLED + 500 + i),
    }),
    newRecall({ fromAccount: "ttr-c", toAccount: "ttr-b", msgKey, eventTime: null, receivedAt: new Date(RECALLED + 1_500 + i * 7_000) }),
  ]);
  // Captured sends: a MsgTime that beats the key's own time, one for a key that has none.
  await storeTestRecalls(db, recalls);
  await db.message.createMany({
    data: [
      {
        sdkAppId: TEST_APP_ID,
        fromAccount: "ttr-a",
        toAccount: "ttr-b",
        msgKey: KEYS[0] ?? "",
        msgTime: new Date(RECALLED - 700_000),
        receivedAt: new Date(RECALLED),
      },
      {
        sdkAppId: TEST_APP_ID,
        fromAccount: "ttr-a",
        toAccount: "ttr-b",
        msgKey: "opaque",
        msgTime: new Date(RECALLED - 45_000),
        receivedAt: new Date(RECALLED),
      },
      // A send seen without a MsgTime: the key's time is the estimate, as for a recall without one.
      {
        sdkAppId: TEST_APP_ID,
        fromAccount: "ttr-c",
        toAccount: "ttr-b",
        msgKey: KEYS[1] ?? "",
        msgTime: null,
        receivedAt: new Date(RECALLED),
      },
    ],
  });
});

afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

/** The figures from timeToRecall over the newest `max` recalls matching `where`, in JavaScript. */
async function expected(where: { fromAccount?: string }, max: number) {
  const rows = await db.recall.findMany({
    where: { sdkAppId: TEST_APP_ID, ...where },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: max + 1,
  });
  const messages = await db.message.findMany({ where: { sdkAppId: TEST_APP_ID } });
  const msgTime = (r: (typeof rows)[number]) =>
    messages.find((m) => m.fromAccount === r.fromAccount && m.toAccount === r.toAccount && m.msgKey === r.msgKey)?.msgTime ?? null;
  const times = rows.slice(0, max).flatMap((r) => {
    const t = timeToRecall(r, msgTime(r));
    return t ? [t] : [];
  });
  const sorted = times.map((t) => t.timeToRecallMs).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length === 0 ? null : sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  let lower = 0;
  const buckets = TIME_TO_RECALL_BUCKETS.map((b) => {
    const inside = times.filter((t) => t.timeToRecallMs >= lower && t.timeToRecallMs < b.upToMs);
    lower = b.upToMs;
    return { bucket: b.bucket, recalls: inside.length, estimated: inside.filter((t) => t.estimated).length };
  });
  return {
    recalls: Math.min(rows.length, max),
    known: times.length,
    estimated: times.filter((t) => t.estimated).length,
    medianMs: median,
    buckets,
    sampled: rows.length > max,
  };
}

describe("time to recall in SQL", () => {
  const cases: [string, RecallFilters, { fromAccount?: string }, number][] = [
    ["every recall", { sdkAppId: TEST_APP_ID }, {}, 1_000],
    ["one sender, with EventTime", { sdkAppId: TEST_APP_ID, from: "ttr-a" }, { fromAccount: "ttr-a" }, 1_000],
    ["one sender, received times only", { sdkAppId: TEST_APP_ID, from: "ttr-c" }, { fromAccount: "ttr-c" }, 1_000],
    ["the newest 17 (sampled, odd)", { sdkAppId: TEST_APP_ID }, {}, 17],
    ["the newest 10 (sampled, even)", { sdkAppId: TEST_APP_ID }, {}, 10],
    ["nobody", { sdkAppId: TEST_APP_ID, from: "nobody" }, { fromAccount: "nobody" }, 1_000],
  ];
  it.each(cases)("%s: every figure is timeToRecall's", async (_name, filters, where, max) => {
    const want = await expected(where, max);
    expect(await timeToRecallStats(db, filters, max)).toEqual(want);
  });

  it("the edge keys are not all alike (the comparison above would prove little otherwise)", async () => {
    const all = await expected({}, 1_000);
    expect(all.known).toBeGreaterThan(10);
    expect(all.known).toBeLessThan(all.recalls - 20);
    expect(all.buckets.filter((b) => b.recalls > 0).length).toBeGreaterThanOrEqual(4);
    expect(all.estimated).toBeLessThan(all.known);
  });
});
