// Legal holds over HTTP against the production build: an admin places and lifts holds, both in the
// access log; a held user's recalls, sent or received, survive retention until the hold is lifted;
// only admins may see or change holds.
import { afterAll, beforeAll, expect, it } from "vitest";
import { runRetention } from "@/lib/recalls/retention";
import { startApp, type TestApp } from "../support/app";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";

const DAY = 86_400_000;
let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

async function send(path: string, method: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

it("keeps a held user's sent and received recalls through retention until the hold is lifted, logging both actions", async () => {
  const admin = await app.headersFor("admin");
  const db = await appDb(app);
  const old = new Date(Date.now() - 90 * DAY);
  const sent = newRecall({ fromAccount: "suspect-1", toAccount: "someone", receivedAt: old });
  const received = newRecall({ fromAccount: "someone", toAccount: "suspect-1", receivedAt: new Date(old.getTime() + 1000) });
  const other = newRecall({ fromAccount: "someone", toAccount: "bystander", receivedAt: new Date(old.getTime() + 2000) });
  await storeTestRecalls(db, [sent, received, other]);

  const placed = await send("/api/admin/holds", "POST", admin, { userId: "suspect-1", reason: "Case 2026-117 (legal)" });
  expect(placed.status).toBe(201);
  expect(placed.body).toMatchObject({ userId: "suspect-1", reason: "Case 2026-117 (legal)", liftedAt: null });
  const again = await send("/api/admin/holds", "POST", admin, { userId: "suspect-1", reason: "twice" });
  expect(again.status).toBe(409);

  const list = await send("/api/admin/holds", "GET", admin);
  expect((list.body.items as { userId: string }[]).map((h) => h.userId)).toEqual(["suspect-1"]);

  expect(await runRetention(db, app.database, 30)).toMatchObject({ deleted: 1 });
  expect((await db.recall.findMany({ orderBy: { id: "asc" } })).map((r) => r.msgKey)).toEqual([sent.msgKey, received.msgKey]);

  const lifted = await send(`/api/admin/holds/${String(placed.body.id)}`, "DELETE", admin);
  expect(lifted.status).toBe(200);
  expect(lifted.body.liftedAt).not.toBeNull();
  expect((await send(`/api/admin/holds/${String(placed.body.id)}`, "DELETE", admin)).status).toBe(409);
  expect(await runRetention(db, app.database, 30)).toMatchObject({ deleted: 2 });
  expect(await db.recall.count()).toBe(0);

  const log = await db.accessLog.findMany({ where: { action: { in: ["hold_placed", "hold_lifted"] } }, orderBy: { id: "asc" } });
  expect(log.map((e) => [e.action, e.target])).toEqual([
    ["hold_placed", "suspect-1"],
    ["hold_lifted", "suspect-1"],
  ]);
  expect(JSON.parse(log[0]?.detail ?? "{}")).toMatchObject({ reason: "Case 2026-117 (legal)" });
  expect(log[0]?.actorEmail).toBe(log[1]?.actorEmail);
});

it("refuses a hold without a reason or with a malformed user ID, naming the field", async () => {
  const admin = await app.headersFor("admin");
  const noReason = await send("/api/admin/holds", "POST", admin, { userId: "x", reason: " " });
  expect(noReason.status).toBe(400);
  expect(noReason.body.error?.message).toMatch(/^reason:/);
  const padded = await send("/api/admin/holds", "POST", admin, { userId: " x", reason: "Case 1" });
  expect(padded.status).toBe(400);
  expect(padded.body.error?.message).toMatch(/^userId:/);
  expect(await (await appDb(app)).legalHold.count({ where: { userId: { in: ["x", " x"] } } })).toBe(0);
});

it("lets only admins see or change holds", async () => {
  for (const role of ["viewer", "auditor"] as const) {
    const headers = await app.headersFor(role);
    expect((await send("/api/admin/holds", "GET", headers)).status).toBe(403);
    expect((await send("/api/admin/holds", "POST", headers, { userId: "y", reason: "Case 2" })).status).toBe(403);
  }
  const page = await fetch(`${app.url}/admin/holds`, { headers: await app.cookieFor("admin") });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("Legal holds");
  expect(html).toContain("suspect-1");
});
