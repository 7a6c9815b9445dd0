// The same recalls stored in SQLite and in PostgreSQL export to the same CSV bytes: one file
// format whichever database a deployment runs (times, nulls, platforms, quoting, non-ASCII IDs,
// row order with equal times). Lives with the PostgreSQL-only tests because it needs both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase } from "../support/databases";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";

const T0 = Date.UTC(2026, 10, 30, 23, 59, 59, 999);

// Fixed values only (newRecall's MsgKey is random): both databases get exactly these.
const RECALLS: NewRecall[] = [
  newRecall({ msgKey: "k1", receivedAt: new Date(T0), eventTime: new Date(T0 - 1_234) }),
  // Same received time as k1: the order must be the same tie-break on both.
  newRecall({ msgKey: "k2", fromAccount: "bob", toAccount: "alice", receivedAt: new Date(T0), unreadMsgNum: null }),
  newRecall({
    msgKey: 'k3,"quoted"\r\nline',
    fromAccount: "用户一",
    toAccount: "Zoë 😀",
    receivedAt: new Date(T0 + 1),
    optPlatformRaw: null,
    optPlatform: null,
    clientIp: null,
    eventTime: null,
  }),
  newRecall({ msgKey: "k4", receivedAt: new Date(T0 + 3_600_000), optPlatformRaw: "Windows", optPlatform: "Windows", unreadMsgNum: 0 }),
  newRecall({
    msgKey: "k5",
    receivedAt: new Date(Date.UTC(2026, 0, 1)),
    optPlatformRaw: "weird-raw",
    optPlatform: null,
    clientIp: "2001:db8::1",
  }),
  newRecall({ msgKey: "=cmd|' /C calc'!A0", fromAccount: "+1", toAccount: "@x", receivedAt: new Date(T0 + 2) }),
];

let sqlite: TestApp;
let postgres: TestApp;
beforeAll(async () => {
  [sqlite, postgres] = await Promise.all([
    startApp({ database: await createTestDatabase("sqlite") }),
    startApp({ database: await createTestDatabase("postgresql") }),
  ]);
  for (const app of [sqlite, postgres]) await storeTestRecalls(await appDb(app), RECALLS);
});
afterAll(async () => {
  await sqlite?.stop();
  await postgres?.stop();
});

async function exportBytes(app: TestApp, query: string): Promise<Buffer> {
  const res = await fetch(`${app.url}/api/recalls/export${query}`, { headers: await app.headersFor("auditor") });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe("CSV export of the same data on SQLite and PostgreSQL", () => {
  it.each(["", "?bom=1", "?user=alice", "?platform=Windows", "?since=2026-11-30T00:00:00Z&until=2026-12-01T00:30:00Z"])(
    "is byte for byte the same (%s)",
    async (query) => {
      const [a, b] = await Promise.all([exportBytes(sqlite, query), exportBytes(postgres, query)]);
      expect(a.length).toBeGreaterThan(0);
      expect(b.toString("utf8")).toBe(a.toString("utf8"));
      expect(b.equals(a)).toBe(true);
    },
  );
});
