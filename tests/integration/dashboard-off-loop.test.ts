// Dashboard reads must not hold up the receiver (issue 8, defect 4). While heavy dashboard
// queries run, a callback is answered before any of them: on SQLite that holds only if the reads
// run off the event loop that answers callbacks, and on PostgreSQL only if the receiver does not
// wait behind the dashboard for a connection. An order of answers, not a time limit.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_POOLS, SQLITE_READ_POOL } from "@/lib/db/client";
import { dialectOf } from "@/lib/db/dialect";
import { apiFetch } from "../support/api";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { testDialect } from "../support/databases";
import { callbackUrl, eventually, post, recallBody } from "../support/im";
import { appDb } from "../support/recalls";

// Users with a recall in one hour: a ranged users list groups and sorts all of them. Fewer on
// PostgreSQL, where the same query is slower but never blocks the event loop: there the test
// shows that the receiver does not queue behind the dashboard's queries. Enough that each query
// outlasts a callback's commit on a busy 2-core machine (100,000 did not, once, in a full run
// beside a benchmark).
const USERS = testDialect() === "sqlite" ? 400_000 : 200_000;
// One heavy read per dashboard connection (the app runs on this machine, so it has as many), and
// the dashboard gate lets that many run at once: a read queued behind another waits out its time
// budget on a busy machine and is answered 503, a deliberate answer but not what this test is about.
const READS = testDialect() === "sqlite" ? SQLITE_READ_POOL.size : POSTGRES_POOLS.dashboard.max;
const SORTS = ["recallsSent", "recallsReceived", "userId", "lastRecallAt"] as const;
const HOUR = "2026-06-01T10:00:00.000Z";
let app: TestApp;

beforeAll(async () => {
  app = await startApp({ env: { DASHBOARD_CONCURRENCY: String(READS) } });
  const db = await appDb(app);
  // Aggregate rows written directly (no recalls are needed for a ranged users list).
  if (dialectOf(db) === "sqlite") {
    const at = HOUR.replace("Z", "+00:00");
    await db.$executeRawUnsafe(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${USERS})
      INSERT INTO user_hourly_counts (sdk_app_id, user_id, hour_start, sent, received)
      SELECT '${TEST_APP_ID}', 'load-' || i, '${at}', i % 97, i % 89 FROM n`);
    // The day's rollup, which a ranged list of whole days reads instead of the hours.
    await db.$executeRawUnsafe(`INSERT INTO user_daily_counts (sdk_app_id, user_id, day_start, sent, received)
      SELECT sdk_app_id, user_id, substr(hour_start, 1, 10) || 'T00:00:00.000+00:00', sent, received FROM user_hourly_counts`);
    await db.$executeRawUnsafe(`INSERT INTO user_stats (sdk_app_id, user_id, recalls_sent, recalls_received, last_recall_at)
      SELECT sdk_app_id, user_id, sent, received, hour_start FROM user_hourly_counts`);
  } else if (app.database.dialect === "postgresql") {
    // A plain connection: the test client's pool has the receiver's short statement timeout.
    const client = new pg.Client({ connectionString: app.database.url });
    await client.connect();
    try {
      const at = HOUR.replace("T", " ").replace("Z", "");
      await client.query(`INSERT INTO user_hourly_counts (sdk_app_id, user_id, hour_start, sent, received)
        SELECT '${TEST_APP_ID}', 'load-' || i, TIMESTAMP '${at}', i % 97, i % 89 FROM generate_series(1, ${USERS}) AS i`);
      await client.query(`INSERT INTO user_daily_counts (sdk_app_id, user_id, day_start, sent, received)
        SELECT sdk_app_id, user_id, date_trunc('day', hour_start), sent, received FROM user_hourly_counts`);
      await client.query(`INSERT INTO user_stats (sdk_app_id, user_id, recalls_sent, recalls_received, last_recall_at)
        SELECT sdk_app_id, user_id, sent, received, hour_start FROM user_hourly_counts`);
    } finally {
      await client.end();
    }
  }
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

/**
 * Resolves once the dashboard's queries are running: on PostgreSQL, once every dashboard
 * connection is executing a statement; on SQLite, where they run on worker threads out of
 * sight, after a pause long enough for the requests to reach them.
 */
async function dashboardQueriesRunning(): Promise<void> {
  if (app.database.dialect !== "postgresql") return new Promise((r) => setTimeout(r, 150));
  const client = new pg.Client({ connectionString: app.database.url });
  await client.connect();
  try {
    // Every 10 ms: a query may finish within a few hundred.
    const active = await eventually(
      async () =>
        (
          await client.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'recall-monitor-dashboard' AND state = 'active'",
          )
        ).rows[0]?.n ?? 0,
      (n) => n >= READS,
      10_000,
      10,
    );
    if (active < READS) throw new Error("the dashboard's queries did not start within 10 s");
  } finally {
    await client.end();
  }
}

const heavy = (sort: string) => `/api/users?since=2026-06-01T00:00:00Z&until=2026-06-02T00:00:00Z&sort=${sort}&limit=50`;

describe("a callback during heavy dashboard reads", () => {
  it("is answered OK before any of the dashboard answers", async () => {
    // The client's pooled connection from start-up has timed out during the long set-up: the
    // first request may meet a closed socket.
    await apiFetch(app, "/api/health").catch(() => undefined);
    // Warm both routes so neither pays for loading its code during the race.
    expect((await apiFetch(app, "/api/users?q=zzz&since=2026-06-01T00:00:00Z")).status).toBe(200);
    expect((await post(callbackUrl(app.url), recallBody({ From_Account: "warm", To_Account: "up" }))).json?.ErrorCode).toBe(0);

    const order: string[] = [];
    const dashboard = Array.from({ length: READS }, (_, i) => SORTS[i % SORTS.length]).map((sort) =>
      apiFetch(app, heavy(sort)).then(async (res) => {
        order.push(`dashboard ${res.status}`);
        return (await res.json()) as { items: { userId: string; recallsSent: number }[] };
      }),
    );
    // Let the dashboard requests reach the server and start their queries.
    await dashboardQueriesRunning();
    const callback = post(callbackUrl(app.url), recallBody({ From_Account: "during", To_Account: "load" })).then((res) => {
      order.push(`callback ${res.json?.ErrorCode === 0 ? "OK" : res.status}`);
    });
    const pages = await Promise.all(dashboard);
    await callback;

    expect(order[0]).toBe("callback OK");
    expect(order.slice(1)).toEqual(Array.from({ length: READS }, () => "dashboard 200"));
    // The dashboard answers are whole: 50 users each, the busiest sender first.
    for (const page of pages) expect(page.items).toHaveLength(50);
    expect(pages[0]?.items[0]?.recallsSent).toBe(96);
  });
});
