// The CSV export with several writers on one PostgreSQL database: it holds exactly the rows that
// were visible when it started, even when a row with a lower id commits after the start.
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectDb, type Db } from "@/lib/db/client";
import { startRecallsExport } from "@/lib/export/recalls-export";
import { parseCsvObjects } from "../support/csv";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { newRecall, storeTestRecalls } from "../support/recalls";

let testDb: TestDatabase;
let db: Db;
beforeAll(async () => {
  testDb = await createTestDatabase("postgresql");
  db = await connectDb(testDb.database);
});
afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

it("exports the rows present at its start, not a lower id committed after it, nor anything later", async () => {
  await storeTestRecalls(db, [newRecall({ toAccount: "snap", msgKey: "before" })]);
  // Another instance's transaction inserts first (lower id) and is still open when the export starts.
  const other = new pg.Client({ connectionString: testDb.database.url });
  await other.connect();
  try {
    await other.query("BEGIN");
    await other.query(
      "INSERT INTO recalls (sdk_app_id, from_account, to_account, msg_key, received_at) VALUES ('1400000001', 'w2', 'snap', 'in-flight', now())",
    );
    await storeTestRecalls(db, [newRecall({ toAccount: "snap", msgKey: "committed-before-start" })]);

    const started = await startRecallsExport(db, { filters: { to: "snap" }, bom: false, requestedBy: "test" }, testDb.database);
    await other.query("COMMIT");
    await storeTestRecalls(db, [newRecall({ toAccount: "snap", msgKey: "after-start" })]);

    const csv = await new Response(started.stream).text();
    const keys = parseCsvObjects(csv).rows.map((r) => r.msg_key);
    expect(keys.sort()).toEqual(["before", "committed-before-start"]);
    // Every row is there now, so the export left them out because of when it started.
    const now = await db.recall.findMany({ where: { toAccount: "snap" }, select: { msgKey: true } });
    expect(now.map((r) => r.msgKey).sort()).toEqual(["after-start", "before", "committed-before-start", "in-flight"]);
  } finally {
    await other.end();
  }
});
