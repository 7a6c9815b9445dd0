// Crash safety: under sustained callback load the server is killed with SIGKILL at random moments
// and restarted; every recall answered OK must be stored exactly once and every aggregate must
// equal a recount from the stored recalls.
import { afterEach, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase } from "../support/databases";
import { callbackLoad, expectAggregatesMatchRecount, expectAllAcknowledgedStored, scale, seededRng, sleep } from "./support";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const KILLS = scale(5, 25);

describe.each(["sqlite", "postgresql"] as const)("SIGKILL under callback load (%s)", (dialect) => {
  it(`keeps every recall answered OK exactly once across ${KILLS} kills, aggregates equal to a recount`, async () => {
    const { rng } = seededRng(`crash-safety ${dialect}`);
    const a = await startApp({ database: await createTestDatabase(dialect) });
    app = a;
    const load = callbackLoad({ url: () => a.url, concurrency: 16, prefix: `crash_${dialect}`, rng, users: 60 });
    let acknowledgedBefore = 0;
    for (let kill = 1; kill <= KILLS; kill++) {
      // A random moment: 0.3 to 2.3 s of load after the server came (back) up.
      await sleep(300 + Math.floor(rng() * 2_000));
      await a.kill();
      await sleep(Math.floor(rng() * 300));
      await a.restart();
      // The server must take callbacks again after each restart.
      acknowledgedBefore = load.acknowledged.length;
      const deadline = Date.now() + 10_000;
      while (load.acknowledged.length === acknowledgedBefore && Date.now() < deadline) await sleep(50);
      expect(load.acknowledged.length, `no callback answered OK after restart ${kill}:\n${a.logs().slice(-2_000)}`).toBeGreaterThan(
        acknowledgedBefore,
      );
    }
    await sleep(500);
    await load.stop();
    console.log(`[crash-safety ${dialect}] ${load.sent()} sent, outcomes ${JSON.stringify(Object.fromEntries(load.outcomes))}`);

    const db = await a.db();
    await expectAllAcknowledgedStored(db, load.acknowledged);
    await expectAggregatesMatchRecount(db);
  });
});
