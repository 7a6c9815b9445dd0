import { createHmac } from "node:crypto";
import { expect, it } from "vitest";
import { deliveryBackoffMs } from "@/lib/alerts/delivery";
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

it("sends WeCom markdown up to 4,096 bytes and falls back to text (at most 2,048 bytes) beyond", async () => {
  const { createServer } = await import("node:http");
  const { sendMessage } = await import("@/lib/alerts/senders");
  const bodies: { msgtype: string; markdown?: { content: string }; text?: { content: string } }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      bodies.push(JSON.parse(body));
      res.writeHead(200, { "content-type": "application/json" }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/cgi-bin/webhook/send?key=k`;
  const item = (i: number) => ({
    notificationId: i,
    event: "firing" as const,
    alertId: i,
    ruleName: "突发撤回".repeat(20),
    kind: "burst" as const,
    subject: `app=1400000001&from=user-${i}`,
    detail: { count: 12, threshold: 10, windowMinutes: 10 },
    firedAt: "2026-12-01T00:00:00.000Z",
    resolvedAt: null,
  });
  const target = { kind: "wecom" as const, settings: {}, secret: { kind: "wecom" as const, url }, allowPrivate: true };
  const meta = { messageId: "m", publicUrl: "https://recalls.example.com" };
  try {
    const small = [item(1)];
    await sendMessage(target, small, renderMessage(small, "zh-CN", meta.publicUrl), meta);
    const large = Array.from({ length: 20 }, (_, i) => item(i));
    const rendered = renderMessage(large, "zh-CN", meta.publicUrl);
    expect(Buffer.byteLength(rendered.markdown)).toBeGreaterThan(4_096);
    await sendMessage(target, large, rendered, meta);
  } finally {
    server.close();
  }
  expect(bodies[0]?.msgtype).toBe("markdown");
  expect(bodies[1]?.msgtype).toBe("text");
  expect(Buffer.byteLength(bodies[1]?.text?.content ?? "")).toBeLessThanOrEqual(2_048);
});

it("backs off failed deliveries by doubling from the base, up to the maximum", () => {
  const retry = { baseMs: 2_000, maxMs: 300_000 };
  expect([1, 2, 3, 4].map((n) => deliveryBackoffMs(n, retry))).toEqual([2_000, 4_000, 8_000, 16_000]);
  expect(deliveryBackoffMs(12, retry)).toBe(300_000);
});
