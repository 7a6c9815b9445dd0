// The simulator against the production build: what it reports as acknowledged is what is stored,
// and its redeliveries do not inflate the per-user aggregates.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSimulation } from "@/lib/simulator/send";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { callbackUrl, eventually, post, recallBody } from "../support/im";

const TOKEN = "simulator-token";
// A second app takes the warm-up recall, so the simulated app's data is only the simulator's.
const WARM_UP_APP_ID = "1400000002";

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { IM_CALLBACK_TOKEN: TOKEN, IM_SDKAPPID: `${TEST_APP_ID},${WARM_UP_APP_ID}` } });
  // The first commit on a fresh server (PostgreSQL especially: connecting, first transaction) can
  // outlast the receiver's 1.5 s commit deadline; the simulator's run should measure steady state.
  await eventually(
    () => post(callbackUrl(app.url, { sdkAppId: WARM_UP_APP_ID, token: TOKEN }), recallBody()),
    (res) => res.status === 200,
    20_000,
  );
});
afterAll(async () => {
  await app?.stop();
});

describe("simulator", () => {
  it("stores exactly the recalls it was told were stored, and counts duplicates once", async () => {
    const report = await runSimulation({
      url: `${app.url}/api/im/callback`,
      sdkAppId: TEST_APP_ID,
      token: TOKEN,
      rate: 80,
      durationSeconds: 3,
      users: 30,
      seed: 1,
    });
    expect(report.errors).toBe(0);
    // A commit slower than the receiver's deadline is answered 503 and redelivered, as IM does;
    // every recall ends up acknowledged.
    for (const answer of report.byAnswer.keys()) expect(["200 OK", "503 FAIL"]).toContain(answer);
    expect(report.acknowledged.size).toBe(report.distinctRecalls);
    expect(report.duplicatesSent).toBeGreaterThan(0);
    expect(report.byCommand.size).toBeGreaterThan(2);

    const db = await app.db();
    const rows = await db.recall.findMany({
      where: { sdkAppId: TEST_APP_ID },
      select: { fromAccount: true, toAccount: true, msgKey: true },
    });
    const stored = new Set(rows.map((r) => `${r.fromAccount} ${r.toAccount} ${r.msgKey}`));
    const acknowledged = new Set([...report.acknowledged.values()].map((r) => `${r.fromAccount} ${r.toAccount} ${r.msgKey}`));
    expect(stored).toEqual(acknowledged);

    // Each user's totals match the distinct recalls, so redeliveries were not counted again.
    const expected = new Map<string, { sent: number; received: number }>();
    for (const r of report.acknowledged.values()) {
      for (const [user, role] of [
        [r.fromAccount, "sent"],
        [r.toAccount, "received"],
      ] as const) {
        const e = expected.get(user) ?? { sent: 0, received: 0 };
        e[role] += 1;
        expected.set(user, e);
      }
    }
    const stats = await db.userStats.findMany({ where: { sdkAppId: TEST_APP_ID } });
    expect(new Map(stats.map((s) => [s.userId, { sent: s.recallsSent, received: s.recallsReceived }]))).toEqual(expected);
  });

  it("runs from the command line and ends with a summary line", () => {
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/simulate.ts",
        "--url",
        `${app.url}/api/im/callback`,
        "--sdkappid",
        TEST_APP_ID,
        "--token",
        TOKEN,
        "--rate",
        "20",
        "--duration",
        "1",
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^Summary: sent \d+ callbacks in .* answered OK, .* 0 errors; (\d+) of \1 distinct recalls acknowledged/);
    expect(run.stdout).toMatch(/200 OK\s+\d+/);
  });

  it("explains a bad flag instead of sending anything", () => {
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", "scripts/simulate.ts", "--url", `${app.url}/api/im/callback`, "--sdkappid", TEST_APP_ID, "--rate", "fast"],
      {
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--rate must be a number above 0 and at most 10000, got "fast"');
  });
});
