// Alert channels against real local receivers that verify each service's signature as documented
// (tests/support/alert-receivers.ts): Send test on every kind, secrets never shown again and not
// stored in clear, retries with backoff after failures, a rate-limited channel batching alerts, and
// every change to channels and rules recorded in the access log. The rate-limit window and the retry
// backoff are shortened (ALERTS_RATE_WINDOW_MS, ALERTS_RETRY_BASE_MS) so both are seen in seconds.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Receiver, type SmtpReceiver, startRobotReceiver, startSmtpReceiver } from "../support/alert-receivers";
import { apiFetch, apiJson, renderedMarkup } from "../support/api";
import { startApp, type TestApp } from "../support/app";
import { eventually } from "../support/im";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";

const DINGTALK_SECRET = "SECdingtalk-secret-0123456789abcdef";
const FEISHU_SECRET = "feishu-secret-0123456789";
const WEBHOOK_SECRET = `whsec_${Buffer.from("standard-webhooks-test-secret-32b").toString("base64")}`;
const RATE_WINDOW_MS = 6_000;
const RETRY_BASE_MS = 300;

let app: TestApp;
const receivers: Record<string, Receiver> = {};
let smtp: SmtpReceiver;

beforeAll(async () => {
  [app, receivers.dingtalk, receivers.feishu, receivers.wecom, receivers.webhook, receivers.batch, smtp] = await Promise.all([
    startApp({
      env: {
        ALERTS_ALLOW_PRIVATE_TARGETS: "1",
        ALERTS_EVALUATE_MS: "300",
        ALERTS_RATE_WINDOW_MS: String(RATE_WINDOW_MS),
        ALERTS_RETRY_BASE_MS: String(RETRY_BASE_MS),
        PUBLIC_URL: "https://recalls.example.com",
      },
    }),
    startRobotReceiver("dingtalk", DINGTALK_SECRET),
    startRobotReceiver("feishu", FEISHU_SECRET),
    startRobotReceiver("wecom", ""),
    startRobotReceiver("webhook", WEBHOOK_SECRET),
    startRobotReceiver("webhook", WEBHOOK_SECRET),
    startSmtpReceiver(),
  ]);
});
afterAll(async () => {
  await Promise.all([app?.stop(), ...Object.values(receivers).map((r) => r.close()), smtp?.close()]);
});

const post = (path: string, body: unknown) =>
  apiJson<Record<string, unknown>>(app, path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });

async function createChannel(body: Record<string, unknown>): Promise<number> {
  const res = await post("/api/admin/channels", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return Number(res.body.id);
}

it("sends a test message to every kind of channel, each verified by its receiver, in the channel's language", async () => {
  const ids = {
    dingtalk: await createChannel({
      kind: "dingtalk",
      name: "DingTalk",
      language: "zh-CN",
      url: receivers.dingtalk?.url,
      secret: DINGTALK_SECRET,
    }),
    feishu: await createChannel({ kind: "feishu", name: "Feishu", language: "zh-CN", url: receivers.feishu?.url, secret: FEISHU_SECRET }),
    wecom: await createChannel({ kind: "wecom", name: "WeCom", language: "en", url: receivers.wecom?.url }),
    webhook: await createChannel({ kind: "webhook", name: "Webhook", url: receivers.webhook?.url, secret: WEBHOOK_SECRET }),
    email: await createChannel({
      kind: "email",
      name: "Email",
      host: "127.0.0.1",
      port: smtp.port,
      security: "none",
      from: "alerts@example.com",
      to: ["oncall@example.com", "lead@example.com"],
    }),
  };
  for (const [kind, id] of Object.entries(ids)) {
    const res = await post(`/api/admin/channels/${id}/test`, {});
    expect(res.status, kind).toBe(200);
    expect(res.body, kind).toMatchObject({ status: "sent", error: null });
  }
  for (const kind of ["dingtalk", "feishu", "wecom", "webhook"]) {
    expect(receivers[kind]?.rejected, kind).toEqual([]);
    expect(receivers[kind]?.accepted.length, kind).toBe(1);
  }
  expect(receivers.dingtalk?.accepted[0]?.json.markdown).toMatchObject({ text: expect.stringContaining("测试消息") });
  expect(receivers.feishu?.accepted[0]?.json.content).toMatchObject({ text: expect.stringContaining("测试消息") });
  expect(receivers.wecom?.accepted[0]?.json.markdown).toMatchObject({ content: expect.stringContaining("this channel works") });
  expect(JSON.parse(receivers.webhook?.accepted[0]?.body ?? "{}")).toMatchObject({ type: "alert.test" });
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.messages[0]?.to).toEqual(["oncall@example.com", "lead@example.com"]);
  expect(smtp.messages[0]?.raw).toContain("this channel works");
  expect(smtp.messages[0]?.raw).toMatch(/Content-Type: text\/html/i);

  // A channel with the wrong signing secret is refused by the receiver, and the admin is told why.
  const wrong = await createChannel({ kind: "dingtalk", name: "Wrong secret", url: receivers.dingtalk?.url, secret: "SECwrong" });
  const failed = await post(`/api/admin/channels/${wrong}/test`, {});
  expect(failed.body).toMatchObject({ status: "failed" });
  expect(String(failed.body.error)).toContain("sign not match");
  const log = await apiJson<{ deliveries: { status: string; error: string | null }[] }>(app, `/api/admin/channels/${wrong}`);
  expect(log.body.deliveries.map((d) => d.status)).toEqual(["failed"]);
  // Feishu answers HTTP 200 to a bad signature: only its code (not 0) says it was refused.
  const wrongFeishu = await createChannel({ kind: "feishu", name: "Wrong Feishu", url: receivers.feishu?.url, secret: "wrong" });
  const refused = await post(`/api/admin/channels/${wrongFeishu}/test`, {});
  expect(refused.body).toMatchObject({ status: "failed", responseCode: 200 });
  expect(String(refused.body.error)).toContain("code 19021");

  // Secrets are never shown again, nor stored in clear.
  const list = await apiJson(app, "/api/admin/channels");
  const listed = JSON.stringify(list.body);
  for (const secret of [DINGTALK_SECRET, FEISHU_SECRET, WEBHOOK_SECRET, "access_token", "test-key", "test-hook"])
    expect(listed).not.toContain(secret);
  const stored = JSON.stringify(await (await appDb(app)).alertChannel.findMany());
  for (const secret of [DINGTALK_SECRET, FEISHU_SECRET, WEBHOOK_SECRET, "test-key"]) expect(stored).not.toContain(secret);
});

it("sends alerts in each channel's language with a link to the subject, and WeCom falls back to text past 4,096 bytes", async () => {
  const zh = await createChannel({
    kind: "dingtalk",
    name: "钉钉",
    language: "zh-CN",
    url: receivers.dingtalk?.url,
    secret: DINGTALK_SECRET,
  });
  const en = await createChannel({ kind: "wecom", name: "WeCom en", language: "en", url: receivers.wecom?.url });
  const before = { dingtalk: receivers.dingtalk?.accepted.length ?? 0, wecom: receivers.wecom?.accepted.length ?? 0 };
  const rule = await post("/api/admin/alerts/rules", {
    name: "Linked burst",
    kind: "burst",
    params: { count: 3, windowMinutes: 10 },
    apps: ["1400000014"],
    channelIds: [zh, en],
  });
  expect(rule.status).toBe(201);
  const db = await appDb(app);
  await storeTestRecalls(
    db,
    [1, 2, 3].map(() => newRecall({ sdkAppId: "1400000014", fromAccount: "linked-sender" })),
  );
  const link = "https://recalls.example.com/recalls?from=linked-sender&sdkAppId=1400000014";
  const [dingtalk] = await eventually(
    async () => receivers.dingtalk?.accepted.slice(before.dingtalk) ?? [],
    (r) => r.length > 0,
    15_000,
  );
  const dingtalkText = String((dingtalk?.json.markdown as { text?: string } | undefined)?.text);
  expect(dingtalkText).toContain("用户 linked-sender 在 10 分钟内撤回了 3 条消息");
  expect(dingtalkText).toContain(`(${link})`);
  const [wecom] = await eventually(
    async () => receivers.wecom?.accepted.slice(before.wecom) ?? [],
    (r) => r.length > 0,
    15_000,
  );
  const wecomText = String((wecom?.json.markdown as { content?: string } | undefined)?.content);
  expect(wecomText).toContain("linked-sender recalled 3 messages in 10 min");
  expect(wecomText).toContain(`(${link})`);

  // Fifteen bursts that fire in the same round go as one message; in Chinese, under a long rule
  // name, its markdown passes WeCom's 4,096 bytes, so it goes as text (at most 2,048 bytes).
  const long = await createChannel({ kind: "wecom", name: "WeCom zh", language: "zh-CN", url: receivers.wecom?.url });
  const start = receivers.wecom?.accepted.length ?? 0;
  await storeTestRecalls(
    db,
    Array.from({ length: 15 }, (_, i) => [1, 2, 3].map(() => newRecall({ sdkAppId: "1400000015", fromAccount: `sender-${i}` }))).flat(),
  );
  await post("/api/admin/alerts/rules", {
    name: "大量撤回".repeat(25),
    kind: "burst",
    params: { count: 3, windowMinutes: 10 },
    apps: ["1400000015"],
    channelIds: [long],
  });
  const [fallback] = await eventually(
    async () => receivers.wecom?.accepted.slice(start) ?? [],
    (r) => r.length > 0,
    15_000,
  );
  expect(receivers.wecom?.rejected).toEqual([]);
  expect(fallback?.json.msgtype).toBe("text");
  const text = String((fallback?.json.text as { content?: string } | undefined)?.content);
  expect(text).toContain("Recall Monitor：15 条告警更新（15 条告警中）");
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2_048);
});

it("does not follow a redirect from a channel's URL (it could point anywhere, our own network included)", async () => {
  const { createServer } = await import("node:http");
  const redirector = createServer((_req, res) => res.writeHead(302, { location: receivers.wecom?.url ?? "/" }).end());
  await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
  const address = redirector.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    const before = receivers.wecom?.accepted.length;
    const id = await createChannel({ kind: "wecom", name: "Redirects", url: `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=x` });
    const res = await post(`/api/admin/channels/${id}/test`, {});
    expect(res.body).toMatchObject({ status: "failed", responseCode: 302 });
    expect(String(res.body.error)).toContain("redirect, not followed");
    expect(receivers.wecom?.accepted.length).toBe(before);
  } finally {
    redirector.close();
  }
});

it("refuses a channel or rule that is not valid with a 400 naming the field", async () => {
  const rulesBefore = await (await appDb(app)).alertRule.count();
  const noSecret = await post("/api/admin/channels", { kind: "dingtalk", name: "x", url: receivers.dingtalk?.url });
  expect(noSecret.status).toBe(400);
  expect(noSecret.body).toMatchObject({ error: { code: "invalid_parameter", parameter: "secret" } });
  const badRule = await post("/api/admin/alerts/rules", { name: "x", kind: "burst", params: { count: 0 } });
  expect(badRule.status).toBe(400);
  const badChannel = await post("/api/admin/alerts/rules", { name: "x", kind: "burst", channelIds: [999] });
  expect(badChannel.body).toMatchObject({ error: { parameter: "channelIds" } });
  expect(await (await appDb(app)).alertRule.count()).toBe(rulesBefore);
});

it("retries a failing channel with backoff until it accepts, logging every attempt", async () => {
  const channel = await createChannel({ kind: "webhook", name: "Flaky", url: receivers.webhook?.url, secret: WEBHOOK_SECRET });
  const rule = await post("/api/admin/alerts/rules", {
    name: "Retry burst",
    kind: "burst",
    params: { count: 3, windowMinutes: 10 },
    apps: ["1400000011"],
    channelIds: [channel],
  });
  expect(rule.status).toBe(201);
  receivers.webhook?.failNext(2);
  const before = receivers.webhook?.accepted.length ?? 0;
  await storeTestRecalls(
    await appDb(app),
    [1, 2, 3].map(() => newRecall({ sdkAppId: "1400000011", fromAccount: "flaky-sender" })),
  );
  await eventually(
    async () => receivers.webhook?.accepted.length ?? 0,
    (n) => n > before,
    30_000,
  );
  const event = JSON.parse(receivers.webhook?.accepted.at(-1)?.body ?? "{}");
  expect(event).toMatchObject({
    type: "alert.firing",
    data: { alerts: [{ event: "firing", subject: { app: "1400000011", from: "flaky-sender" } }] },
  });
  const log = await apiJson<{ deliveries: { status: string; responseCode: number | null; at: string }[] }>(
    app,
    `/api/admin/channels/${channel}`,
  );
  const attempts = log.body.deliveries.reverse();
  expect(attempts.map((d) => [d.status, d.responseCode])).toEqual([
    ["failed", 500],
    ["failed", 500],
    ["sent", 200],
  ]);
  // Backoff: each retry waited at least its doubling delay (300 ms, then 600 ms) after the failure.
  const at = attempts.map((d) => Date.parse(d.at));
  expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(RETRY_BASE_MS);
  expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS);
});

it("batches alerts into one message when the channel's rate limit is reached, dropping none", async () => {
  const channel = await createChannel({
    kind: "webhook",
    name: "One per window",
    url: receivers.batch?.url,
    secret: WEBHOOK_SECRET,
    ratePerMinute: 1,
  });
  await post("/api/admin/alerts/rules", {
    name: "Batch burst",
    kind: "burst",
    params: { count: 3, windowMinutes: 10 },
    apps: ["1400000012"],
    channelIds: [channel],
    cooldownMinutes: 0,
  });
  const db = await appDb(app);
  const burst = (from: string) =>
    storeTestRecalls(
      db,
      [1, 2, 3].map(() => newRecall({ sdkAppId: "1400000012", fromAccount: from })),
    );
  await burst("first");
  await eventually(
    async () => receivers.batch?.accepted.length ?? 0,
    (n) => n === 1,
    15_000,
  );
  await burst("second");
  await burst("third");
  // Both wait for the window to pass, then go together.
  await eventually(
    async () => receivers.batch?.accepted.length ?? 0,
    (n) => n >= 2,
    RATE_WINDOW_MS + 20_000,
  );
  await new Promise((r) => setTimeout(r, 1_500));
  expect(receivers.batch?.accepted).toHaveLength(2);
  // The limit held: the second message went once the first had left the window, carrying both alerts.
  const log = await apiJson<{ deliveries: { at: string; notifications: number; status: string }[] }>(app, `/api/admin/channels/${channel}`);
  const [later, earlier] = log.body.deliveries;
  expect(log.body.deliveries.map((d) => [d.status, d.notifications])).toEqual([
    ["sent", 2],
    ["sent", 1],
  ]);
  expect(Date.parse(later?.at ?? "") - Date.parse(earlier?.at ?? "")).toBeGreaterThanOrEqual(RATE_WINDOW_MS);
  const second = JSON.parse(receivers.batch?.accepted[1]?.body ?? "{}") as {
    type: string;
    data: { alerts: { subject: { from: string } }[] };
  };
  expect(second.type).toBe("alert.batch");
  expect(second.data.alerts.map((a) => a.subject.from).sort()).toEqual(["second", "third"]);
});

type Entry = { action: string; actorEmail: string | null; target: string | null; detail: string | null };

it("records every change to channels and rules (create, edit, enable/disable, delete) and every Send test in the access log, shown on /audit", async () => {
  const channel = await createChannel({ kind: "webhook", name: "Audited hook", url: receivers.webhook?.url, secret: WEBHOOK_SECRET });
  expect((await post(`/api/admin/channels/${channel}/test`, {})).body).toMatchObject({ status: "sent" });
  const patch = (path: string, body: unknown) =>
    apiJson(app, path, { method: "PATCH", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  const edited = await patch(`/api/admin/channels/${channel}`, { name: "Audited hook (on-call)", ratePerMinute: 10 });
  expect(edited.body).toMatchObject({ name: "Audited hook (on-call)", ratePerMinute: 10, language: "en" });
  // Where it sends is not editable (it is a secret, never shown again): refused, naming the field.
  expect((await patch(`/api/admin/channels/${channel}`, { url: "https://elsewhere.example.com/" })).status).toBe(400);
  expect((await patch(`/api/admin/channels/${channel}`, { enabled: false })).status).toBe(200);
  expect((await patch(`/api/admin/channels/${channel}`, { enabled: true })).status).toBe(200);
  const rule = {
    name: "Audited rule",
    kind: "burst",
    params: { count: 50, windowMinutes: 10 },
    apps: ["1400000013"],
    channelIds: [channel],
    cooldownMinutes: 5,
    enabled: true,
  };
  const created = await post("/api/admin/alerts/rules", rule);
  expect(created.status).toBe(201);
  const ruleId = Number(created.body.id);
  expect((await patch(`/api/admin/alerts/rules/${ruleId}`, { ...rule, cooldownMinutes: 15 })).status).toBe(200);
  expect((await patch(`/api/admin/alerts/rules/${ruleId}`, { ...rule, cooldownMinutes: 15, enabled: false })).status).toBe(200);
  expect((await patch(`/api/admin/alerts/rules/${ruleId}`, { ...rule, cooldownMinutes: 15, enabled: true })).status).toBe(200);
  expect((await apiJson(app, `/api/admin/alerts/rules/${ruleId}`, { method: "DELETE" })).status).toBe(200);
  expect((await apiJson(app, `/api/admin/channels/${channel}`, { method: "DELETE" })).status).toBe(200);

  const entries = (await apiJson<{ items: Entry[] }>(app, "/api/audit?limit=200")).body.items
    .filter((e) => e.target === `channel:${channel}` || e.target === `rule:${ruleId}`)
    .reverse();
  expect(entries.map((e) => `${e.action} ${e.target}`)).toEqual([
    `alert_channel_created channel:${channel}`,
    `alert_channel_tested channel:${channel}`,
    `alert_channel_updated channel:${channel}`,
    `alert_channel_disabled channel:${channel}`,
    `alert_channel_enabled channel:${channel}`,
    `alert_rule_created rule:${ruleId}`,
    `alert_rule_updated rule:${ruleId}`,
    `alert_rule_disabled rule:${ruleId}`,
    `alert_rule_enabled rule:${ruleId}`,
    `alert_rule_deleted rule:${ruleId}`,
    `alert_channel_deleted channel:${channel}`,
  ]);
  expect(entries.every((e) => e.actorEmail?.includes("@"))).toBe(true);
  expect(JSON.parse(entries[2]?.detail ?? "{}")).toMatchObject({
    changed: { name: ["Audited hook", "Audited hook (on-call)"], ratePerMinute: [20, 10] },
  });
  expect(JSON.parse(entries[6]?.detail ?? "{}")).toEqual({ name: "Audited rule", changed: ["cooldownMinutes"] });
  // Nothing secret in the log: the channel is named by its host only.
  expect(JSON.stringify(entries)).not.toContain(WEBHOOK_SECRET);

  const audit = renderedMarkup(await (await apiFetch(app, "/audit?action=alert_channel_tested")).text());
  expect(audit).toContain("Sent a test message to an alert channel");
  expect(audit).toContain(`channel:${channel}`);
});
