import { createHmac } from "node:crypto";
import { expect, it } from "vitest";
import { renderMessage } from "@/lib/alerts/messages";
import { decryptSecret, deriveKey, encryptSecret } from "@/lib/alerts/secrets";
import { dingtalkSign, feishuSign, truncateBytes } from "@/lib/alerts/senders";

it("signs DingTalk and Feishu requests as their documentation's examples compute them", () => {
  const secret = "SEC000000";
  expect(dingtalkSign(secret, 1_700_000_000_000)).toBe(createHmac("sha256", secret).update(`1700000000000\n${secret}`).digest("base64"));
  expect(feishuSign("abc", 1_700_000_000)).toBe(createHmac("sha256", "1700000000\nabc").update(Buffer.alloc(0)).digest("base64"));
});

it("cuts text to a byte limit without splitting a character", () => {
  const cut = truncateBytes("撤回".repeat(2_000), 4_096);
  expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(4_096);
  expect(cut.endsWith("…")).toBe(true);
  expect(cut).not.toContain("\uFFFD");
});

it("encrypts channel secrets with AES-256-GCM: fresh IV each time, tampering detected, wrong key refused", () => {
  const key = deriveKey("x".repeat(40));
  const a = encryptSecret({ url: "https://example.com/?key=1" }, key);
  expect(a).not.toContain("example");
  expect(encryptSecret({ url: "https://example.com/?key=1" }, key)).not.toBe(a);
  expect(decryptSecret(a, key)).toEqual({ url: "https://example.com/?key=1" });
  expect(() => decryptSecret(a, deriveKey("y".repeat(40)))).toThrow(/cannot be decrypted/);
  const raw = Buffer.from(a.slice(3), "base64");
  raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
  expect(() => decryptSecret(`v1:${raw.toString("base64")}`, key)).toThrow(/cannot be decrypted/);
});

it("renders alerts in the channel's language with a link to the subject's dashboard view", () => {
  const item = {
    notificationId: 1,
    event: "firing" as const,
    alertId: 7,
    ruleName: "Burst",
    kind: "burst" as const,
    subject: "app=1400000001&from=alice",
    detail: { count: 12, threshold: 10, windowMinutes: 10 },
    firedAt: "2026-12-01T00:00:00.000Z",
    resolvedAt: null,
  };
  const zh = renderMessage([item], "zh-CN", "https://recalls.example.com");
  expect(zh.text).toContain("撤回了 12 条消息");
  expect(zh.text).toContain("https://recalls.example.com/recalls?from=alice&sdkAppId=1400000001");
  expect(renderMessage([item], "en", undefined).text).toContain("alice recalled 12 messages in 10 min");
});
