// Alert rules end to end against the production build: each kind fires on stored data, once per
// episode, and resolves with a notice when its condition clears; cooldown; acknowledgement and
// the header badge's summary, acknowledgement recorded in the access log; the 7-day preview. Notifications go to a Standard Webhooks receiver.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Receiver, startRobotReceiver } from "../support/alert-receivers";
import { apiJson } from "../support/api";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { callbackUrl, eventually, post as postCallback, recallBody } from "../support/im";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";

const SECRET = `whsec_${Buffer.from("rules-test-secret-0123456789abcdef").toString("base64")}`;
const MINUTE = 60_000;
const DAY = 86_400_000;

let app: TestApp;
let hook: Receiver;
let channel: number;

type Alert = {
  id: number;
  ruleId: number;
  status: string;
  subject: Record<string, string>;
  detail: Record<string, unknown>;
  acknowledgedBy: string | null;
};
type Event = { type: string; data: { alerts: { event: string; alertId: number; subject: Record<string, string>; rule: string }[] } };

beforeAll(async () => {
  [app, hook] = await Promise.all([
    startApp({ env: { ALERTS_ALLOW_PRIVATE_TARGETS: "1", ALERTS_EVALUATE_MS: "300", PUBLIC_URL: "https://recalls.example.com" } }),
    startRobotReceiver("webhook", SECRET),
  ]);
  const res = await send("/api/admin/channels", { kind: "webhook", name: "Hook", url: hook.url, secret: SECRET });
  channel = Number(res.body.id);
});
afterAll(async () => {
  await Promise.all([app?.stop(), hook?.close()]);
});

function send(path: string, body: unknown, method = "POST") {
  return apiJson<Record<string, unknown>>(app, path, {
    method,
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
}

async function rule(body: Record<string, unknown>): Promise<number> {
  const res = await send("/api/admin/alerts/rules", { channelIds: [channel], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return Number(res.body.id);
}

const alertsOf = async (ruleId: number) => (await apiJson<{ items: Alert[] }>(app, `/api/alerts?ruleId=${ruleId}`)).body.items;
const eventsFor = (ruleName: string) =>
  hook.accepted.flatMap((r) =>
    (JSON.parse(r.body) as Event).data.alerts.filter((a) => a.rule === ruleName).map((a) => ({ ...a, type: a.event })),
  );

it("a burst fires once, resolves with a notice when it leaves the window, and the cooldown holds the sender back", async () => {
  const id = await rule({
    name: "Burst",
    kind: "burst",
    params: { count: 3, windowMinutes: 1 },
    apps: ["1400000021"],
    cooldownMinutes: 60,
  });
  const db = await appDb(app);
  // Four recalls that leave the 1-minute window about 5 s from now.
  const at = new Date(Date.now() - MINUTE + 5_000);
  await storeTestRecalls(
    db,
    [1, 2, 3, 4].map((i) => newRecall({ sdkAppId: "1400000021", fromAccount: "mallory", receivedAt: new Date(at.getTime() + i) })),
  );
  const fired = await eventually(
    () => alertsOf(id),
    (a) => a.length === 1,
    10_000,
  );
  expect(fired[0]).toMatchObject({ status: "firing", subject: { app: "1400000021", from: "mallory" }, detail: { count: 4, threshold: 3 } });
  const resolved = await eventually(
    () => alertsOf(id),
    (a) => a[0]?.status === "resolved",
    20_000,
  );
  expect(resolved).toHaveLength(1);
  await eventually(
    async () => eventsFor("Burst"),
    (e) => e.length === 2,
    10_000,
  );
  expect(eventsFor("Burst").map((e) => e.type)).toEqual(["firing", "resolved"]);

  // Within the cooldown the same sender does not fire again; another sender does.
  await storeTestRecalls(
    db,
    [1, 2, 3].map(() => newRecall({ sdkAppId: "1400000021", fromAccount: "mallory" })),
  );
  await storeTestRecalls(
    db,
    [1, 2, 3].map(() => newRecall({ sdkAppId: "1400000021", fromAccount: "trent" })),
  );
  const after = await eventually(
    () => alertsOf(id),
    (a) => a.length === 2,
    10_000,
  );
  await new Promise((r) => setTimeout(r, 1_500));
  expect((await alertsOf(id)).map((a) => a.subject.from)).toEqual(["trent", "mallory"]);
  expect(after[0]?.status).toBe("firing");
  // Exactly one notification per episode: firing+resolved for mallory, firing for trent.
  expect(eventsFor("Burst").map((e) => `${e.type}:${e.subject.from}`)).toEqual(["firing:mallory", "resolved:mallory", "firing:trent"]);
}, 60_000);

it("a burst counted per recipient fires for the pair that crossed the threshold, not for the sender's total", async () => {
  const id = await rule({
    name: "Per recipient",
    kind: "burst",
    params: { count: 3, windowMinutes: 10, perRecipient: true },
    apps: ["1400000028"],
  });
  const db = await appDb(app);
  const recall = (to: string) => newRecall({ sdkAppId: "1400000028", fromAccount: "pair-sender", toAccount: to });
  // Four recalls by one sender, two to each recipient: no pair reaches 3.
  await storeTestRecalls(db, [recall("bob"), recall("bob"), recall("carol"), recall("carol")]);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(await alertsOf(id)).toEqual([]);
  await storeTestRecalls(db, [recall("carol")]);
  const fired = await eventually(
    () => alertsOf(id),
    (a) => a.length === 1,
    10_000,
  );
  expect(fired[0]).toMatchObject({ subject: { app: "1400000028", from: "pair-sender", to: "carol" }, detail: { count: 3 } });
});

it("a spike fires against the median of the same window on the previous 7 days, not on a busy baseline", async () => {
  const id = await rule({
    name: "Spike",
    kind: "spike",
    params: { windowMinutes: 15, factor: 3, minCount: 5 },
    apps: ["1400000022", "1400000023"],
  });
  const db = await appDb(app);
  const now = Date.now();
  const recalls = [];
  for (let d = 1; d <= 7; d++) {
    for (let i = 0; i < 2; i++)
      recalls.push(newRecall({ sdkAppId: "1400000022", fromAccount: `u${d}${i}`, receivedAt: new Date(now - d * DAY - 5 * MINUTE + i) }));
    for (let i = 0; i < 4; i++)
      recalls.push(newRecall({ sdkAppId: "1400000023", fromAccount: `u${d}${i}`, receivedAt: new Date(now - d * DAY - 5 * MINUTE + i) }));
  }
  for (let i = 0; i < 10; i++) {
    recalls.push(newRecall({ sdkAppId: "1400000022", fromAccount: `now${i}`, receivedAt: new Date(now - MINUTE + i) }));
    recalls.push(newRecall({ sdkAppId: "1400000023", fromAccount: `now${i}`, receivedAt: new Date(now - MINUTE + i) }));
  }
  await storeTestRecalls(db, recalls);
  const fired = await eventually(
    () => alertsOf(id),
    (a) => a.length >= 1,
    10_000,
  );
  await new Promise((r) => setTimeout(r, 1_000));
  expect(await alertsOf(id)).toHaveLength(1);
  // 10 > 3 × 2 fires; 10 < 3 × 4 does not.
  expect(fired[0]).toMatchObject({ subject: { app: "1400000022" }, detail: { count: 10, baseline: 2 } });
});

it("silence fires for an app that stopped calling back and resolves when a callback arrives", async () => {
  const db = await appDb(app);
  const twentyMinutesAgo = new Date(Date.now() - 20 * MINUTE);
  await db.callbackCount.create({
    data: { sdkAppId: TEST_APP_ID, command: "State.StateChange", count: 5n, lastReceivedAt: twentyMinutesAgo },
  });
  // An app silent for three days is retired, not silent.
  await db.callbackCount.create({
    data: { sdkAppId: "1400000024", command: "State.StateChange", count: 5n, lastReceivedAt: new Date(Date.now() - 3 * DAY) },
  });
  const id = await rule({ name: "Silence", kind: "silence", params: { minutes: 15 } });
  const fired = await eventually(
    () => alertsOf(id),
    (a) => a.length === 1,
    10_000,
  );
  expect(fired[0]).toMatchObject({ status: "firing", subject: { app: TEST_APP_ID }, detail: { minutes: 15 } });
  const answer = await postCallback(callbackUrl(app.url), recallBody({ From_Account: "silence-breaker" }));
  expect(answer.status).toBe(200);
  await eventually(
    () => alertsOf(id),
    (a) => a[0]?.status === "resolved",
    15_000,
  );
  expect(await alertsOf(id)).toHaveLength(1);
  await eventually(
    async () => eventsFor("Silence").map((e) => e.type),
    (e) => e.join() === "firing,resolved",
    10_000,
  );
});

it("receiver failing fires when too many recall callbacks were answered 503; callbacks are counted per minute", async () => {
  const db = await appDb(app);
  // The source: every instance adds its answers to alert_callback_minutes every few seconds.
  for (let i = 0; i < 3; i++) expect((await postCallback(callbackUrl(app.url), recallBody())).status).toBe(200);
  const counted = await eventually(
    () => db.alertCallbackMinute.findMany({ where: { sdkAppId: TEST_APP_ID } }),
    (rows) => rows.reduce((n, r) => n + r.recalls, 0) >= 4,
    15_000,
  );
  expect(counted.reduce((n, r) => n + r.recalls503, 0)).toBe(0);
  const minute = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
  await db.alertCallbackMinute.create({
    data: { sdkAppId: "1400000025", minuteStart: minute, callbacks: 40, recalls: 40, recalls503: 10 },
  });
  await db.alertCallbackMinute.create({ data: { sdkAppId: "1400000026", minuteStart: minute, callbacks: 40, recalls: 40, recalls503: 2 } });
  const id = await rule({ name: "Failing", kind: "receiver_failing", params: { percent: 10, minCallbacks: 20 } });
  const fired = await eventually(
    () => alertsOf(id),
    (a) => a.length >= 1,
    10_000,
  );
  await new Promise((r) => setTimeout(r, 1_000));
  expect(await alertsOf(id)).toHaveLength(1);
  expect(fired[0]).toMatchObject({ subject: { app: "1400000025" }, detail: { failed: 10, total: 40 } });
});

it("staff acknowledge a firing alert (recorded), and the badge's summary counts what is firing", async () => {
  const firing = (await apiJson<{ items: Alert[] }>(app, "/api/alerts?status=firing")).body.items;
  expect(firing.length).toBeGreaterThan(0);
  const summary = await apiJson<{ firing: number; unacknowledged: number }>(app, "/api/alerts/summary");
  expect(summary.body).toEqual({ firing: firing.length, unacknowledged: firing.length });
  const target = firing[0] as Alert;
  const viewer = await app.headersFor("viewer");
  const ack = await fetch(`${app.url}/api/alerts/${target.id}/acknowledge`, { method: "POST", headers: viewer });
  expect(ack.status).toBe(200);
  const acknowledgedBy = ((await ack.json()) as Alert).acknowledgedBy;
  expect(acknowledgedBy).toMatch(/@/);
  // Recorded in the access log too, where auditors look for who did what.
  const log = await apiJson<{ items: { actorEmail: string; target: string; detail: string }[] }>(
    app,
    "/api/audit?action=alert_acknowledged",
  );
  expect(log.body.items.map((e) => [e.actorEmail, e.target])).toEqual([[acknowledgedBy, `alert:${target.id}`]]);
  expect(JSON.parse(log.body.items[0]?.detail ?? "{}")).toMatchObject({ status: "firing" });
  const again = await fetch(`${app.url}/api/alerts/${target.id}/acknowledge`, { method: "POST", headers: viewer });
  expect(again.status).toBe(409);
  expect((await apiJson<{ unacknowledged: number }>(app, "/api/alerts/summary")).body.unacknowledged).toBe(firing.length - 1);
  // The second attempt was refused, and is not in the log.
  expect((await apiJson<{ items: unknown[] }>(app, "/api/audit?action=alert_acknowledged")).body.items).toHaveLength(1);
  // Viewers may not manage rules.
  expect((await fetch(`${app.url}/api/admin/alerts/rules`, { headers: viewer })).status).toBe(403);
});

it("previews how often a rule would have fired over the last 7 days, before it is saved", async () => {
  const db = await appDb(app);
  const now = Date.now();
  const recalls = [];
  // Three separate bursts by one sender, on three days, and noise below the threshold.
  // Each in the middle of a clock-aligned 10-minute window (the preview counts fixed windows).
  const mid = (t: number) => Math.floor(t / (10 * MINUTE)) * 10 * MINUTE + 5 * MINUTE;
  for (const d of [1, 3, 5])
    for (let i = 0; i < 5; i++)
      recalls.push(newRecall({ sdkAppId: "1400000027", fromAccount: "previewed", receivedAt: new Date(mid(now - d * DAY) + i * 1_000) }));
  for (let i = 0; i < 2; i++)
    recalls.push(newRecall({ sdkAppId: "1400000027", fromAccount: "quiet", receivedAt: new Date(now - 2 * DAY + i) }));
  recalls.push(newRecall({ sdkAppId: "1400000027", fromAccount: "previewed", receivedAt: new Date(now - 9 * DAY) }));
  await storeTestRecalls(db, recalls);
  const rulesBefore = await db.alertRule.count();
  const res = await send("/api/admin/alerts/preview", {
    kind: "burst",
    params: { count: 5, windowMinutes: 10 },
    apps: ["1400000027"],
    cooldownMinutes: 0,
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ fires: 3 });
  expect((res.body.samples as { subject: Record<string, string> }[]).every((s) => s.subject.from === "previewed")).toBe(true);
  const stricter = await send("/api/admin/alerts/preview", {
    kind: "burst",
    params: { count: 6, windowMinutes: 10 },
    apps: ["1400000027"],
  });
  expect(stricter.body).toMatchObject({ fires: 0 });
  expect(await db.alertRule.count()).toBe(rulesBefore);
});
