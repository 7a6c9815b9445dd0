// Forwarding mode's part of the recall batch (lib/recalls/forward-copy.ts, written by the ingest SQL
// in lib/recalls/ingest-sql.ts): every way of running it (storeRecalls: the `copies` CTE on
// PostgreSQL, the SQLite plan through Prisma; the SQLite worker thread) must commit a new recall's
// copy for the backend with it, byte for byte and in the batch's order, and none for a duplicate.
// storeRecalls runs on the project's database, the worker always on a SQLite file.
import { afterAll, describe, expect, it } from "vitest";
import { connectDb, type Db } from "@/lib/db/client";
import type { ForwardCopy } from "@/lib/recalls/forward-copy";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { sqliteBatchWriter } from "@/lib/recalls/sqlite-writer";
import { storeRecalls } from "@/lib/recalls/store";
import { createTestDatabase, type TestDatabase, testDialect } from "../support/databases";

const T0 = Date.UTC(2026, 11, 1, 23, 0, 0);

function recall(i: number, copy: boolean): NewRecall {
  // Bytes as received, whatever they are: a NUL, a byte that is not UTF-8, and the characters an
  // array literal escapes (PostgreSQL receives the bodies as one bytea[] parameter).
  const body = Buffer.concat([Buffer.from(`{"MsgKey":"copy_${i}","Text":"h\u00e9 \u{1F600} \\ \\"}\r\n`), Buffer.from([0x00, 0xff, i])]);
  const forward: ForwardCopy = {
    search: `?SdkAppid=1400000001&CallbackCommand=C2C.CallbackAfterMsgWithDraw&Sign=s%2F${i}&RequestTime=1700000000`,
    body,
    contentType: i % 2 ? "application/json; charset=UTF-8" : null,
    clientAddress: `192.0.2.${i}`,
    receivedAtMs: T0 + i,
    leaseOwner: i % 2 ? `owner:${i}` : null,
    leaseUntilMs: i % 2 ? T0 + 5_000 : 0,
    nextAttemptMs: i % 2 ? T0 + 5_000 : T0 + i,
  };
  return {
    sdkAppId: "1400000001",
    fromAccount: "alice",
    toAccount: "bob",
    msgKey: `copy_${i}`,
    unreadMsgNum: 1,
    eventTime: null,
    receivedAt: new Date(T0 + i),
    optPlatformRaw: null,
    optPlatform: null,
    clientIp: null,
    ...(copy ? { forward } : {}),
  };
}

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

async function fresh(dialect: "sqlite" | "postgresql"): Promise<{ test: TestDatabase; db: Db }> {
  const test = await createTestDatabase(dialect);
  const db = await connectDb(test.database);
  cleanup.push(async () => {
    await db.$disconnect();
    await test.drop();
  });
  return { test, db };
}

async function outbox(db: Db) {
  const rows = await db.forwardOutbox.findMany({ orderBy: { id: "asc" } });
  return rows.map((r) => ({ ...r, id: undefined, body: Buffer.from(r.body).toString("hex") }));
}

const expected = (items: NewRecall[]) =>
  items
    .flatMap((r) => (r.forward ? [r.forward] : []))
    .map((f) => ({
      id: undefined,
      search: f.search,
      body: Buffer.from(f.body).toString("hex"),
      contentType: f.contentType,
      clientAddress: f.clientAddress,
      receivedAtMs: BigInt(f.receivedAtMs),
      attempts: 0,
      nextAttemptMs: BigInt(f.nextAttemptMs),
      leaseOwner: f.leaseOwner,
      leaseUntilMs: BigInt(f.leaseUntilMs),
      lastError: null,
    }));

type Write = (recalls: NewRecall[]) => Promise<unknown>;

async function checkWritePath(db: Db, write: Write) {
  const first = [recall(1, true), recall(2, true), recall(3, false), recall(4, true)];
  await write(first);
  expect(await outbox(db)).toEqual(expected(first));

  // IM retrying stored recalls (with copies of their own) in a batch with a new one: only the new one's copy is added.
  const retry = [recall(2, true), recall(5, true), recall(4, true)];
  await write(retry);
  expect(await outbox(db)).toEqual(expected([...first, recall(5, true)]));
  expect(await db.recall.count()).toBe(5);
}

describe("a recall's copy for the backend, written with the recall", () => {
  it(`storeRecalls (${testDialect()}) commits one row per new recall, in order, and none for a duplicate`, async () => {
    const { db } = await fresh(testDialect());
    await checkWritePath(db, (recalls) => storeRecalls(db, recalls));
  });

  it("the SQLite worker thread (on a SQLite file, whatever the project) does exactly the same", async () => {
    const { test, db } = await fresh("sqlite");
    if (test.database.dialect !== "sqlite") throw new Error("not SQLite");
    const write = sqliteBatchWriter(test.database.file);
    await checkWritePath(db, (recalls) => write(recalls, []));
  });
});
