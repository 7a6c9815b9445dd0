// Dashboard reads pass one gate per instance (lib/api/dashboard-gate.ts): with
// DASHBOARD_CONCURRENCY=1, a burst of dashboard requests is answered in full, one at a time, and
// the gate's use is visible in /api/metrics, which does not wait behind it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { DASHBOARD_CONCURRENCY: "1" } });
});
afterAll(async () => {
  await app?.stop();
});

describe("the dashboard gate", () => {
  it("answers every one of a burst of dashboard reads, one at a time, and reports it in /api/metrics", async () => {
    const headers = await app.headersFor("viewer");
    const scrape = async () => (await fetch(`${app.url}/api/metrics`, { headers })).text();
    const before = await scrape();
    expect(sample(before, 'recall_monitor_db_pool{pool="dashboard-gate",state="limit"}')).toBe(1);

    // Thirty at once: each handler awaits the database, so the others arrive while it runs and
    // must wait their turn; none may be lost or refused (the queue holds 256 for 10 s).
    const paths = ["/api/overview", "/api/recalls", "/api/users"];
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const res = await fetch(`${app.url}${paths[i % paths.length]}`, { headers });
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(answers).toEqual(Array.from({ length: 30 }, () => 200));

    const after = await scrape();
    const count = (text: string, admitted: string) => sample(text, `recall_monitor_dashboard_reads_total{admitted="${admitted}"}`) ?? 0;
    expect(count(after, "at_once") + count(after, "after_wait") - count(before, "at_once") - count(before, "after_wait")).toBe(30);
    expect(count(after, "after_wait")).toBeGreaterThan(count(before, "after_wait"));
    expect(count(after, "refused")).toBe(0);
    // The scrape itself did not pass the gate: nothing is running or waiting as it reads (and with
    // no callbacks, no finished read keeps its place).
    expect(sample(after, 'recall_monitor_db_pool{pool="dashboard-gate",state="running"}')).toBe(0);
    expect(sample(after, 'recall_monitor_db_pool{pool="dashboard-gate",state="queued"}')).toBe(0);
  });
});
