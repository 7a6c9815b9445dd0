// The outbox with several instances on one database: each runs its own redelivery loop, and the
// backend must still get every recall once per successful delivery, in order of receipt, never two
// at once. Two "instances" here are two database clients with their own lease owners.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDb, type Db } from "@/lib/db/client";
import { deliverOldest, enqueueRecallForward } from "@/lib/im/forward-outbox";
import { createTestDatabase, type TestDatabase } from "../support/databases";

let database: TestDatabase;
let first: Db;
let second: Db;
let server: Server;
let url: string;
const bodies: string[] = [];
let inFlight = 0;
let maxInFlight = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  first = await connectDb(database.database);
  second = await connectDb(database.database);
  server = createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      // Long enough for the other instance to try the same row meanwhile.
      setTimeout(() => {
        bodies.push(Buffer.concat(chunks).toString("utf8"));
        inFlight -= 1;
        res.end("{}");
      }, 20);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await first?.$disconnect();
  await second?.$disconnect();
  await database?.drop();
});

describe("two instances draining one outbox", () => {
  it("deliver every row exactly once, oldest first, one at a time", async () => {
    const sent = Array.from({ length: 12 }, (_, i) => `{"MsgKey":"lease_${i}"}`);
    for (const body of sent) {
      await enqueueRecallForward(
        first,
        { search: "?CallbackCommand=C2C.CallbackAfterMsgWithDraw", body: Buffer.from(body), contentType: null, clientAddress: "192.0.2.1" },
        new Date(),
        "test",
      );
    }
    // Due now rather than after the first backoff.
    await first.forwardOutbox.updateMany({ data: { nextAttemptMs: BigInt(0) } });
    const forward = { url, timeoutMs: 1000, onFailure: "allow" as const };

    const drain = async (db: Db, owner: string) => {
      for (let idle = 0; idle < 50; ) {
        if (await deliverOldest(db, forward, owner)) idle = 0;
        else {
          if ((await db.forwardOutbox.count()) === 0) return;
          idle += 1;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    };
    await Promise.all([drain(first, "instance-a"), drain(second, "instance-b")]);

    expect(bodies).toEqual(sent);
    expect(maxInFlight).toBe(1);
    expect(await first.forwardOutbox.count()).toBe(0);
  });
});
