import { describe, expect, it } from "vitest";
import { normalisePlatform, PLATFORMS } from "@/lib/im/platform";
import { parseRecallBody, RECALL_COMMAND } from "@/lib/im/recall-body";
import { verifyCallbackSign } from "@/lib/im/sign";
import { signedCallbackUrl } from "@/lib/simulator/send";
import { createRng, type PlannedCallback, TrafficGenerator, userId } from "@/lib/simulator/traffic";

const NOW = Date.UTC(2026, 10, 26, 10, 0, 0);

function generate(count: number, options: Partial<ConstructorParameters<typeof TrafficGenerator>[0]> = {}): PlannedCallback[] {
  const traffic = new TrafficGenerator({ sdkAppId: "1400000001", users: 200, seed: 42, ...options });
  return Array.from({ length: count }, (_, i) => traffic.next(NOW + i * 50));
}

const recallsOf = (callbacks: PlannedCallback[]) => callbacks.filter((c) => c.kind === "recall");

describe("traffic generator", () => {
  it("replays the same traffic for the same seed and different traffic for another", () => {
    expect(generate(200)).toEqual(generate(200));
    expect(generate(200, { seed: 43 })).not.toEqual(generate(200));
    const rng = createRng(7);
    const values = Array.from({ length: 1000 }, rng);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it("sends recall bodies the receiver accepts, with OptPlatform from the real value list", () => {
    const recalls = recallsOf(generate(2000));
    expect(recalls.length).toBeGreaterThan(1000);
    const raw = new Set<string>();
    for (const r of recalls) {
      const body = parseRecallBody(JSON.stringify(r.body));
      expect(body.From_Account).not.toBe(body.To_Account);
      expect(r.query).toMatchObject({ SdkAppid: "1400000001", CallbackCommand: RECALL_COMMAND, contenttype: "json" });
      expect(r.query.ClientIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      raw.add(r.query.OptPlatform ?? "");
    }
    // Raw spellings as IM sends them, all of which normalise to a known platform.
    expect(raw).toEqual(new Set(["Android", "iOS", "IOS", "Web", "Windows", "Mac", "macOS", "iPad", "IPad", "RESTAPI", "Unknown"]));
    for (const p of raw) expect(PLATFORMS).toContain(normalisePlatform(p));
  });

  it("makes a few users the heavy recallers", () => {
    const senders = new Map<string, number>();
    const recalls = recallsOf(generate(5000));
    for (const r of recalls) senders.set(String(r.body.From_Account), (senders.get(String(r.body.From_Account)) ?? 0) + 1);
    const counts = [...senders.values()].sort((a, b) => b - a);
    const topFive = counts.slice(0, 5).reduce((a, b) => a + b, 0);
    expect(topFive / recalls.length).toBeGreaterThan(0.25);
    expect(senders.get(userId(0))).toBe(counts[0]);
    expect(senders.size).toBeGreaterThan(100);
  });

  it("keeps each recipient's unread count non-negative and drifting by small steps", () => {
    // Per recipient: [unread, recalls received since the previous value] (some bodies carry none).
    const last = new Map<string, { unread: number; steps: number }>();
    let checked = 0;
    for (const r of recallsOf(generate(5000))) {
      const to = String(r.body.To_Account);
      const prev = last.get(to);
      if (r.body.UnreadMsgNum === undefined) {
        if (prev) prev.steps += 1;
        continue;
      }
      const n = Number(r.body.UnreadMsgNum);
      expect(Number.isInteger(n) && n >= 0).toBe(true);
      if (prev) {
        expect(Math.abs(n - prev.unread)).toBeLessThanOrEqual(4 * (prev.steps + 1));
        checked++;
      }
      last.set(to, { unread: n, steps: 0 });
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("sometimes omits UnreadMsgNum and sometimes sends EventTime, as a number or a string", () => {
    const bodies = recallsOf(generate(3000)).map((r) => r.body);
    expect(bodies.some((b) => b.UnreadMsgNum === undefined)).toBe(true);
    expect(bodies.some((b) => typeof b.EventTime === "number")).toBe(true);
    expect(bodies.some((b) => typeof b.EventTime === "string")).toBe(true);
    expect(bodies.some((b) => b.EventTime === undefined)).toBe(true);
  });

  it("redelivers recalls it already sent, unchanged", () => {
    const callbacks = generate(3000);
    const sent = new Map<string, PlannedCallback>();
    let duplicates = 0;
    for (const c of callbacks) {
      if (c.kind === "recall") {
        expect(sent.has(c.recall.identity)).toBe(false);
        sent.set(c.recall.identity, c);
      }
      if (c.kind === "duplicate") {
        duplicates++;
        const original = sent.get(c.recall.identity);
        expect(original?.body).toEqual(c.body);
        expect(original?.query).toEqual(c.query);
      }
    }
    expect(duplicates / callbacks.length).toBeGreaterThan(0.02);
    expect(duplicates / callbacks.length).toBeLessThan(0.1);
  });

  it("mixes in other commands, Push.OfflinePush without ClientIP and OptPlatform", () => {
    const others = generate(3000).filter((c) => c.kind === "other");
    const commands = new Set(others.map((c) => c.command));
    expect(commands).toContain("C2C.CallbackBeforeSendMsg");
    expect(commands).toContain("State.StateChange");
    expect(commands).toContain("Push.OfflinePush");
    for (const c of others) {
      expect(c.body.CallbackCommand).toBe(c.command);
      if (c.command === "Push.OfflinePush") {
        expect(c.query.ClientIP).toBeUndefined();
        expect(c.query.OptPlatform).toBeUndefined();
      }
    }
  });
});

describe("signedCallbackUrl", () => {
  it("adds a RequestTime and a Sign the receiver verifies", () => {
    const url = new URL(
      signedCallbackUrl("http://localhost:3000/api/im/callback", { SdkAppid: "1", CallbackCommand: RECALL_COMMAND }, "xxxxyyyy", NOW),
    );
    expect(url.pathname).toBe("/api/im/callback");
    expect(url.searchParams.get("RequestTime")).toBe(String(NOW / 1000));
    const check = verifyCallbackSign({
      token: "xxxxyyyy",
      sign: url.searchParams.get("Sign") ?? undefined,
      requestTime: url.searchParams.get("RequestTime") ?? undefined,
      maxSkewSeconds: 60,
      nowMs: NOW,
    });
    expect(check).toEqual({ ok: true });
  });

  it("sends no Sign without a token", () => {
    const url = new URL(signedCallbackUrl("http://localhost:3000/api/im/callback", { SdkAppid: "1" }, undefined, NOW));
    expect(url.searchParams.has("Sign")).toBe(false);
    expect(url.searchParams.has("RequestTime")).toBe(false);
  });
});

describe("sent messages", () => {
  it("sends valid C2C.CallbackAfterSendMsg bodies in Chinese and English with emoji, images and custom elements", async () => {
    const { parseSendBody } = await import("@/lib/messages/send-body");
    const sends = generate(6000, { otherShare: 0.6 }).filter((c) => c.command === "C2C.CallbackAfterSendMsg");
    expect(sends.length).toBeGreaterThan(500);
    const types = new Set<string>();
    let chinese = false;
    let english = false;
    let emoji = false;
    for (const s of sends) {
      const body = parseSendBody(JSON.stringify(s.body));
      for (const e of body.MsgBody ?? []) {
        types.add(e.MsgType);
        const text = typeof e.MsgContent.Text === "string" ? e.MsgContent.Text : "";
        chinese ||= /\p{Script=Han}/u.test(text);
        english ||= /[A-Za-z]{4}/.test(text);
        emoji ||= /\p{Extended_Pictographic}/u.test(text);
      }
    }
    expect([...types].sort()).toEqual(["TIMCustomElem", "TIMFaceElem", "TIMFileElem", "TIMImageElem", "TIMLocationElem", "TIMTextElem"]);
    expect([chinese, english, emoji]).toEqual([true, true, true]);
  });

  it("recalls some sent messages with their real MsgKeys, 5 s to 3 min after sending", () => {
    const traffic = new TrafficGenerator({ sdkAppId: "1400000001", users: 200, seed: 9, otherShare: 0.6 });
    const sentAt = new Map<string, number>();
    const delays: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const now = NOW + i * 50;
      const c = traffic.next(now);
      if (c.command === "C2C.CallbackAfterSendMsg") sentAt.set(String(c.body.MsgKey), now);
      if (c.kind === "recall" && sentAt.has(c.recall.msgKey)) {
        const sent = sentAt.get(c.recall.msgKey) ?? 0;
        delays.push(now - sent);
      }
    }
    expect(delays.length).toBeGreaterThan(100);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(5_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(180_000 + 50);
  });
});
