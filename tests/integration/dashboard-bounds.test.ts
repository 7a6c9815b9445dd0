// Sizes a request decides (ranges, buckets, points, users) are checked arithmetically before
// anything is allocated or queried, and no input reaches a database limit (issue 8, defects 3, 5
// and 6). The server runs with a small heap, so a request that builds a huge structure before
// checking it crashes the server here instead of passing unnoticed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECEIVER_STATUS_COMMANDS } from "@/lib/receiver-status";
import type { UnreadSparklines } from "@/lib/users/sparklines";
import type { UserCounterparts } from "@/lib/users/trend";
import { apiFetch, apiJson } from "../support/api";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { type ApiErrorJson, appDb, newRecall, storeTestRecalls } from "../support/recalls";

let app: TestApp;
const HOUR = 3_600_000;
const D = Date.parse("2026-05-01T00:00:00.000Z");

beforeAll(async () => {
  app = await startApp({ env: { NODE_OPTIONS: "--max-old-space-size=320" } });
});
afterAll(async () => {
  await app?.stop();
});

async function expectStillUp() {
  const health = await apiFetch(app, "/api/health");
  expect(health.status).toBe(200);
}

describe("absurd ranges", () => {
  it("answer 400 for a trend from year 0001 to 9999, naming bucket in hours and since in days, and the server stays up", async () => {
    for (const [bucket, parameter] of [
      ["hour", "bucket"],
      ["day", "since"],
    ]) {
      const res = await apiJson<ApiErrorJson>(app, `/api/users/alice/trend?since=0001-01-01&until=9999-12-31&bucket=${bucket}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_parameter", parameter });
      expect(res.body.error.message).toContain("5,000");
    }
    await expectStillUp();
  });

  it("answer 400 naming since for year 0000, which PostgreSQL cannot hold", async () => {
    for (const path of ["/api/users/alice/trend?since=0000-01-01&until=9999-12-31", "/api/recalls?since=0000-01-01"]) {
      const res = await apiJson<ApiErrorJson>(app, path);
      expect(res.status, path).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_parameter", parameter: "since" });
    }
  });

  it("answer 400 naming bucket when the range fits as days but not as hours", async () => {
    const res = await apiJson<ApiErrorJson>(app, "/api/users/alice/trend?since=2025-01-01&until=2026-01-01&bucket=hour");
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_parameter", parameter: "bucket" });
    const days = await apiJson<{ buckets: unknown[] }>(app, "/api/users/alice/trend?since=2025-01-01&until=2026-01-01&bucket=day");
    expect(days.status).toBe(200);
    expect(days.body.buckets).toHaveLength(365);
  });

  it("answer 400 naming since on the overview", async () => {
    const res = await apiJson<ApiErrorJson>(app, "/api/overview?since=0001-01-01&until=9999-12-31&bucket=day");
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_parameter", parameter: "since" });
    await expectStillUp();
  });

  it("are answered normally where the answer's size does not follow the range", async () => {
    const range = "since=0001-01-01&until=9999-12-31";
    for (const path of [
      `/api/recalls?${range}`,
      `/api/users?${range}`,
      `/api/users/alice/counterparts?${range}`,
      `/api/unread-sparklines?user=alice&points=200&${range}`,
      `/api/recalls/export/count?${range}`,
    ]) {
      const res = await apiFetch(app, path);
      expect(res.status, path).toBe(200);
    }
    await expectStillUp();
  });
});

describe("GET /api/unread-sparklines at its limits", () => {
  it("answers 100 users x 200 points (60,000 values to bind) with every series, the stored counts in place", async () => {
    const db = await appDb(app);
    // One recall per user in the first hour of a 200-hour range: slice 0 of 200.
    const users = Array.from({ length: 100 }, (_, i) => `spark-${String(i).padStart(3, "0")}`);
    await storeTestRecalls(
      db,
      users.map((to, i) =>
        newRecall({ fromAccount: "spark-sender", toAccount: to, unreadMsgNum: i + 1, receivedAt: new Date(D + 60_000) }),
      ),
    );
    const query = new URLSearchParams(users.map((u) => ["user", u]));
    query.set("points", "200");
    query.set("since", new Date(D).toISOString());
    query.set("until", new Date(D + 200 * HOUR).toISOString());
    const res = await apiJson<UnreadSparklines>(app, `/api/unread-sparklines?${query}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(100);
    res.body.items.forEach((item, i) => {
      expect(item.userId).toBe(users[i]);
      expect(item.values).toHaveLength(200);
      expect(item.values[0]).toBe(i + 1);
      expect(item.values.slice(1).every((v) => v === null)).toBe(true);
    });
  });

  it("answers 400 naming user past 100 users, and points past 200", async () => {
    const many = new URLSearchParams(Array.from({ length: 101 }, (_, i) => ["user", `u${i}`]));
    const users = await apiJson<ApiErrorJson>(app, `/api/unread-sparklines?${many}`);
    expect(users.status).toBe(400);
    expect(users.body.error.parameter).toBe("user");
    const points = await apiJson<ApiErrorJson>(app, "/api/unread-sparklines?user=a&points=201");
    expect(points.status).toBe(400);
    expect(points.body.error.parameter).toBe("points");
  });

  it("keeps counterparts exact for the same data", async () => {
    const res = await apiJson<UserCounterparts>(app, "/api/users/spark-sender/counterparts?limit=2");
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { userId: "spark-000", sent: 1, received: 0, total: 1 },
      { userId: "spark-001", sent: 1, received: 0, total: 1 },
    ]);
  });
});

describe("the overview page with many callback commands", () => {
  it("lists the busiest commands and sums the rest in one row", async () => {
    const db = await appDb(app);
    const total = RECEIVER_STATUS_COMMANDS + 40;
    await db.callbackCount.createMany({
      data: Array.from({ length: total }, (_, i) => ({
        sdkAppId: TEST_APP_ID,
        command: `Test.Command${String(i).padStart(3, "0")}`,
        count: BigInt(i + 1),
        lastReceivedAt: new Date(D + i * 1_000),
      })),
    });
    const html = await (await apiFetch(app, "/")).text();
    const table = html.slice(html.indexOf("Callbacks answered OK, by command"));
    const body = table.slice(table.indexOf("<tbody"), table.indexOf("</tbody>"));
    const rows = body.split("<tr").slice(1);
    // The busiest first, then one row for the rest.
    expect(rows).toHaveLength(RECEIVER_STATUS_COMMANDS + 1);
    expect(rows[0]).toContain(`Test.Command${String(total - 1).padStart(3, "0")}`);
    const rest = rows.at(-1) ?? "";
    const others = total - RECEIVER_STATUS_COMMANDS;
    // Counts 1..others are the least busy.
    const otherCalls = (others * (others + 1)) / 2;
    expect(rest).toContain(`${others} other commands`);
    expect(rest).toContain(otherCalls.toLocaleString("en-US"));
  });
});
