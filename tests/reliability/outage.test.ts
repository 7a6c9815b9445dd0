// Outage: under callback load the database stops taking writes, then comes back. While it is
// away every callback must be answered 503 with ActionStatus FAIL (so IM retries), never OK;
// /api/health must say so; when it returns, callbacks are stored again without a restart, and
// every recall answered OK at any time is stored.
//
// How the database is made unavailable:
// - SQLite read-only: `chattr +i` (immutable) on the database file and its -wal. The tests run as
//   root, which ignores file modes, but not the immutable flag: every write, through descriptors
//   the server already holds too, fails with EPERM (SQLITE_IOERR_WRITE) until `chattr -i`.
// - SQLite locked: another process holds `BEGIN EXCLUSIVE` on the file.
// - PostgreSQL unreachable: the server connects through a TCP proxy the test controls; cutting it
//   resets every connection and refuses new ones. Then the database refuses connections
//   (ALLOW_CONNECTIONS false) and its backends are terminated (pg_terminate_backend).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase, postgresAdminUrl } from "../support/databases";
import { callbackLoad, expectAggregatesMatchRecount, expectAllAcknowledgedStored, scale, seededRng, sleep, watchHealth } from "./support";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

let app: TestApp | undefined;
let proxy: TcpProxy | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  cleanup?.();
  cleanup = undefined;
  await app?.stop();
  app = undefined;
  await proxy?.close();
  proxy = undefined;
});

/** How long each outage lasts. */
const OUTAGE_MS = scale(4_000, 30_000);
/** After the database returns, callbacks must be answered OK again within this. */
const RECOVERY_MS = 15_000;
/**
 * Callbacks sent this soon after the outage began may have been taken into a commit that started
 * before it; only those sent later are required to be refused.
 */
const IN_FLIGHT_MS = 200;

/** A health probe unanswered after this counts as neither 200 nor 503. */
const HEALTH_WITHIN_MS = 2_000;

type Load = ReturnType<typeof callbackLoad>;

/** Runs `outage` (which returns the function that ends it) under `load`, and checks the answers around it. */
async function throughOutage(
  name: string,
  app: TestApp,
  load: Load,
  health: ReturnType<typeof watchHealth>,
  outage: () => Promise<() => Promise<void>>,
) {
  await sleep(1_000);
  const before = load.history.length;
  const began = Date.now();
  const end = await outage();
  await sleep(OUTAGE_MS);
  const ended = Date.now();
  await end();

  // Sent (answered minus its time) while the database was away, and answered before it returned.
  const during = load.history.slice(before).filter((d) => d.at - d.ms > began + IN_FLIGHT_MS && d.at < ended);
  const okDuring = during.filter((d) => d.ok);
  const notFail = during.filter((d) => !d.ok && !(d.status === 503 && d.actionStatus === "FAIL"));
  expect(during.length, `${name}: no callback was answered during the outage`).toBeGreaterThan(0);
  expect(okDuring.length, `${name}: callbacks answered OK while the database was away`).toBe(0);
  expect(
    notFail.slice(0, 10).map((d) => `${d.status} ${d.actionStatus ?? d.error ?? ""}`),
    `${name}: answers during the outage other than 503 FAIL; the server logged:\n${app
      .logs()
      .split("\n")
      .filter((l) => l.includes("store_failed"))
      .slice(-5)
      .join("\n")}`,
  ).toEqual([]);
  const sawUnavailable = health.statuses.some((s) => s.status === 503 && s.at > began && s.at < ended + 500);
  expect(
    sawUnavailable,
    `${name}: /api/health never answered 503 during the outage (statuses ${JSON.stringify(health.statuses)}, ${health.probes()} probes, failures ${JSON.stringify(health.failures.slice(0, 5))})`,
  ).toBe(true);

  // Ingest resumes by itself.
  const deadline = Date.now() + RECOVERY_MS;
  while (!load.history.some((d) => d.ok && d.at > ended) && Date.now() < deadline) await sleep(100);
  expect(
    load.history.some((d) => d.ok && d.at > ended),
    `${name}: no callback answered OK within ${RECOVERY_MS / 1000} s of the database's return`,
  ).toBe(true);
  const healthy = Date.now() + RECOVERY_MS;
  while (health.statuses.at(-1)?.status !== 200 && Date.now() < healthy) await sleep(100);
  expect(health.statuses.at(-1)?.status, `${name}: /api/health did not answer 200 again`).toBe(200);
  const summary = new Map<string, number>();
  for (const d of during) summary.set(`${d.status} ${d.actionStatus ?? ""}`, (summary.get(`${d.status} ${d.actionStatus ?? ""}`) ?? 0) + 1);
  console.log(
    `[outage] ${name}: during the outage ${JSON.stringify(Object.fromEntries(summary))}; health ${JSON.stringify(health.statuses.map((s) => s.status))}`,
  );
}

describe("SQLite outage", () => {
  it("answers 503 FAIL while the file is read-only and while another process holds it locked, then resumes without a restart", async () => {
    const { rng } = seededRng("outage sqlite");
    const database = await createTestDatabase("sqlite");
    const file = database.database.dialect === "sqlite" ? database.database.file : "";
    const a = await startApp({ database });
    app = a;
    const immutable = (on: boolean) => {
      for (const f of [file, `${file}-wal`]) execFileSync("chattr", [on ? "+i" : "-i", f]);
    };
    let locker: ChildProcess | undefined;
    cleanup = () => {
      try {
        immutable(false);
      } catch {}
      locker?.kill("SIGKILL");
    };
    const health = watchHealth(a.url, { everyMs: 100, withinMs: HEALTH_WITHIN_MS, expect: [200, 503] });
    const load = callbackLoad({ url: () => a.url, concurrency: 8, prefix: "outage_sqlite", rng, users: 40 });

    await throughOutage("read-only file (chattr +i)", a, load, health, async () => {
      immutable(true);
      return async () => immutable(false);
    });

    await throughOutage("locked by another process (BEGIN EXCLUSIVE)", a, load, health, async () => {
      locker = spawn(
        process.execPath,
        [
          "-e",
          `const db = new (require("better-sqlite3"))(${JSON.stringify(file)}); db.exec("BEGIN EXCLUSIVE"); console.log("locked"); setInterval(() => {}, 1000);`,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      await new Promise<void>((resolve, reject) => {
        locker?.stdout?.once("data", () => resolve());
        locker?.once("exit", (code) => reject(new Error(`the locking process exited with ${code}`)));
      });
      return async () => {
        const proc = locker;
        await new Promise<void>((resolve) => {
          proc?.once("exit", () => resolve());
          proc?.kill("SIGKILL");
        });
      };
    });

    await sleep(1_000);
    await load.stop();
    await health.stop();
    // Late probes are reported, not failed: how fast health answers is not this test's bound.
    if (health.failures.length > 0)
      console.log(`[outage] ${health.failures.length} of ${health.probes()} health probes: ${health.failures.slice(0, 3).join("; ")}`);
    console.log(`[outage sqlite] ${load.sent()} sent, outcomes ${JSON.stringify(Object.fromEntries(load.outcomes))}`);
    const db = await a.db();
    await expectAllAcknowledgedStored(db, load.acknowledged);
    await expectAggregatesMatchRecount(db);
  });
});

describe("PostgreSQL outage", () => {
  it("answers 503 FAIL while the database is unreachable and while its backends are terminated, then resumes without a restart", async () => {
    const { rng } = seededRng("outage postgresql");
    const database = await createTestDatabase("postgresql");
    const direct = new URL(database.database.url);
    const p = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    proxy = p;
    const proxied = new URL(direct);
    proxied.host = `127.0.0.1:${p.port}`;
    const dbName = direct.pathname.slice(1);
    const a = await startApp({ database: { ...database, database: { ...database.database, url: proxied.toString() } } });
    app = a;
    const health = watchHealth(a.url, { everyMs: 100, withinMs: HEALTH_WITHIN_MS, expect: [200, 503] });
    const load = callbackLoad({ url: () => a.url, concurrency: 8, prefix: "outage_pg", rng, users: 40 });

    await throughOutage("unreachable (TCP proxy cut)", a, load, health, async () => {
      p.cut();
      return async () => p.restore();
    });

    await throughOutage("backends terminated, connections refused (pg_terminate_backend)", a, load, health, async () => {
      // As an administrator taking the database away: no new connections, every open one ended.
      const admin = new pg.Client({ connectionString: postgresAdminUrl() });
      await admin.connect();
      await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [dbName]);
      return async () => {
        await admin.query(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
        await admin.end();
      };
    });

    await sleep(1_000);
    await load.stop();
    await health.stop();
    // Late probes are reported, not failed: how fast health answers is not this test's bound.
    if (health.failures.length > 0)
      console.log(`[outage] ${health.failures.length} of ${health.probes()} health probes: ${health.failures.slice(0, 3).join("; ")}`);
    console.log(`[outage postgresql] ${load.sent()} sent, outcomes ${JSON.stringify(Object.fromEntries(load.outcomes))}`);
    const db = await a.db();
    await expectAllAcknowledgedStored(db, load.acknowledged);
    await expectAggregatesMatchRecount(db);
  });
});
