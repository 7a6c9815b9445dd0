// GET /api/metrics as Prometheus scrapes it: text format, counts that follow the receiver and the
// export, bounded labels with no user IDs, and never readable anonymously from outside
// METRICS_ALLOWED_CIDRS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { testDialect } from "../support/databases";
import { callbackUrl, post, RECALL, recallBody } from "../support/im";

/** The value of one sample line, e.g. `recall_monitor_exports_total{event="started"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(app: TestApp, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${app.url}/api/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}

describe("with an API token", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("refuses anonymous scrapes (no METRICS_ALLOWED_CIDRS) and unknown tokens", async () => {
    const anonymous = await fetch(`${app.url}/api/metrics`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    const forged = await fetch(`${app.url}/api/metrics`, { headers: { authorization: "Bearer rm_not_a_real_token" } });
    expect(forged.status).toBe(401);
  });

  it("counts callbacks by command and outcome, with unknown commands as other and no user IDs", async () => {
    const auth = await app.headersFor("viewer");
    const before = await scrape(app, auth);
    const stored = `recall_monitor_callbacks_total{command="${RECALL}",outcome="stored"}`;
    const storedBefore = sample(before, stored) ?? 0;

    const body = recallBody({ From_Account: "metrics-user-sender-7f3a", To_Account: "metrics-user-recipient-9c1d" });
    expect((await post(callbackUrl(app.url), body)).status).toBe(200);
    expect((await post(callbackUrl(app.url), body)).status).toBe(200); // redelivery
    expect((await post(callbackUrl(app.url, { command: "Invented.metrics-user-sender-7f3a" }), {})).status).toBe(200);
    expect((await post(callbackUrl(app.url, { sdkAppId: "4242424242" }), body)).status).toBe(403);

    const text = await scrape(app, auth);
    expect(sample(text, stored)).toBe(storedBefore + 1);
    expect(sample(text, `recall_monitor_callbacks_total{command="${RECALL}",outcome="duplicate"}`)).toBe(1);
    expect(sample(text, `recall_monitor_callbacks_total{command="other",outcome="ignored"}`)).toBe(1);
    expect(sample(text, `recall_monitor_callbacks_total{command="${RECALL}",outcome="refused:app"}`)).toBe(1);
    // Commits: at least the batch holding the stored recall.
    expect(sample(text, "recall_monitor_commit_batch_size_count")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "recall_monitor_commit_duration_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "recall_monitor_commit_queue_depth")).toBe(0);
    expect(sample(text, "recall_monitor_live_streams")).toBe(0);
    expect(text).toContain("# TYPE recall_monitor_commit_duration_seconds histogram");
    expect(text).not.toContain("metrics-user");
    expect(text).not.toContain("4242424242");
  });

  it("counts exports started and finished, and reports the database pool", async () => {
    const auditor = await app.headersFor("auditor");
    const before = await scrape(app, auditor);
    const started = 'recall_monitor_exports_total{event="started"}';
    const finished = 'recall_monitor_exports_total{event="finished"}';
    const res = await fetch(`${app.url}/api/recalls/export`, { headers: auditor });
    expect(res.status).toBe(200);
    await res.text();
    const text = await scrape(app, auditor);
    expect(sample(text, started)).toBe((sample(before, started) ?? 0) + 1);
    expect(sample(text, finished)).toBe((sample(before, finished) ?? 0) + 1);
    expect(sample(text, 'recall_monitor_exports_total{event="aborted"}')).toBe(0);
    if (testDialect() === "postgresql") {
      expect(sample(text, 'recall_monitor_db_pool{pool="receiver",state="total"}')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'recall_monitor_db_pool{pool="dashboard",state="waiting"}')).toBe(0);
    } else {
      expect(sample(text, 'recall_monitor_db_pool{pool="sqlite-read",state="queued"}')).toBe(0);
    }
  });

  it("answers a signed-in viewer's session too", async () => {
    const res = await fetch(`${app.url}/api/metrics`, { headers: await app.cookieFor("viewer") });
    expect(res.status).toBe(200);
  });
});

describe("METRICS_ALLOWED_CIDRS", () => {
  let allowed: TestApp;
  let elsewhere: TestApp;
  beforeAll(async () => {
    allowed = await startApp({ env: { METRICS_ALLOWED_CIDRS: "127.0.0.0/8,::1" } });
    elsewhere = await startApp({ env: { METRICS_ALLOWED_CIDRS: "10.0.0.0/8" } });
  });
  afterAll(async () => {
    await allowed?.stop();
    await elsewhere?.stop();
  });

  it("lets a listed address scrape without credentials", async () => {
    const text = await scrape(allowed);
    expect(text).toContain("# TYPE recall_monitor_callbacks_total counter");
  });

  it("still refuses an anonymous scraper from an address not listed, even with a forged X-Forwarded-For", async () => {
    const res = await fetch(`${elsewhere.url}/api/metrics`, { headers: { "x-forwarded-for": "10.1.2.3" } });
    expect(res.status).toBe(401);
    expect((await fetch(`${elsewhere.url}/api/metrics`, { headers: await elsewhere.headersFor("viewer") })).status).toBe(200);
  });
});
