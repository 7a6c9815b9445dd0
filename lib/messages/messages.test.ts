import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/config";
import { decryptContent, encryptContent } from "@/lib/messages/content-crypto";
import { parseContentKey } from "@/lib/messages/content-key";
import { timeToRecall } from "@/lib/messages/recall-message";
import { sendTimeFromMsgKey } from "@/lib/messages/send-body";

const env = (extra: Record<string, string>) => ({
  IM_SDKAPPID: "1400000001",
  AUTH_SECRET: "a-long-random-test-secret-0123456789abcdef",
  ...extra,
});
const identity = { sdkAppId: "1400000001", fromAccount: "a", toAccount: "b", msgKey: "1_2_1700000000" };

describe("capture configuration", () => {
  it("refuses IM_CAPTURE_MESSAGES=1 without a key and says how to generate one", () => {
    expect(() => parseConfig(env({ IM_CAPTURE_MESSAGES: "1" }))).toThrow(ConfigError);
    expect(() => parseConfig(env({ IM_CAPTURE_MESSAGES: "1" }))).toThrow(/MESSAGE_CONTENT_KEY.*openssl rand -base64 32/);
  });
  it("refuses a key that is not 32 bytes of base64", () => {
    expect(() => parseConfig(env({ IM_CAPTURE_MESSAGES: "1", MESSAGE_CONTENT_KEY: randomBytes(16).toString("base64") }))).toThrow(
      /MESSAGE_CONTENT_KEY: expected 32 bytes in base64, got 16 bytes/,
    );
  });
  it("is off by default, and counts messages anyway", () => {
    const c = parseConfig(env({}));
    expect(c.im.capture).toBeUndefined();
    expect(c.messages).toMatchObject({ captureEnabled: false, retentionHours: 72, recallRateMinMessages: 20 });
  });
});

describe("content encryption", () => {
  const key = parseContentKey(randomBytes(32).toString("base64"));
  const old = parseContentKey(randomBytes(32).toString("base64"));
  it("round-trips under the row's key id, with an old key still configured", () => {
    const sealed = encryptContent("你好 hello", old, identity);
    expect(Buffer.from(sealed).includes("hello")).toBe(false);
    expect(decryptContent(sealed, old.id, [key, old], identity)).toBe("你好 hello");
  });
  it("fails for a ciphertext moved to another message's row", () => {
    const sealed = encryptContent("x", key, identity);
    expect(() => decryptContent(sealed, key.id, [key], { ...identity, msgKey: "other" })).toThrow();
  });
});

describe("time to recall", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  it("reads a plausible send time from a MsgKey shaped <seq>_<random>_<seconds>", () => {
    expect(sendTimeFromMsgKey("48374_2837546_1764590390", now)?.toISOString()).toBe("2025-12-01T11:59:50.000Z");
    expect(sendTimeFromMsgKey("opaque-key", now)).toBeNull();
    expect(sendTimeFromMsgKey("1_2_9999999999", now)).toBeNull();
  });
  it("prefers the captured MsgTime and marks a MsgKey estimate", () => {
    const recall = { ...identity, msgKey: "1_2_1764590390", eventTime: null, receivedAt: now };
    expect(timeToRecall(recall, new Date("2026-12-01T11:59:00Z"))).toEqual({
      sentAt: "2026-12-01T11:59:00.000Z",
      estimated: false,
      timeToRecallMs: 60_000,
    });
    expect(timeToRecall(recall, null)?.estimated).toBe(true);
  });
});
