import { describe, expect, it } from "vitest";
import { callbackSign, isConfiguredApp, verifyCallbackSign } from "./sign";

const token = "xxxxyyyy";
const requestTime = "1669872112";
const nowMs = Number(requestTime) * 1000;

describe("callbackSign", () => {
  it("matches Tencent's documented example", () => {
    expect(callbackSign(token, requestTime)).toBe("17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061");
  });
});

describe("verifyCallbackSign", () => {
  const sign = callbackSign(token, requestTime);
  const check = (over: Partial<Parameters<typeof verifyCallbackSign>[0]>) =>
    verifyCallbackSign({ token, sign, requestTime, maxSkewSeconds: 60, nowMs, ...over });

  it("accepts the right Sign within the allowed skew, either side", () => {
    expect(check({})).toEqual({ ok: true });
    expect(check({ nowMs: nowMs + 60_000 })).toEqual({ ok: true });
    expect(check({ nowMs: nowMs - 60_000 })).toEqual({ ok: true });
  });

  it("rejects a stale or future RequestTime even with a correct Sign", () => {
    expect(check({ nowMs: nowMs + 61_000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/61 s from server time/) });
    expect(check({ nowMs: nowMs - 3_600_000 })).toMatchObject({ ok: false });
  });

  it("rejects a forged, truncated, uppercase or missing Sign", () => {
    expect(check({ sign: callbackSign("other-token", requestTime) })).toEqual({ ok: false, reason: "Sign does not match" });
    expect(check({ sign: sign.slice(0, 10) })).toEqual({ ok: false, reason: "Sign does not match" });
    expect(check({ sign: sign.toUpperCase() })).toEqual({ ok: false, reason: "Sign does not match" });
    expect(check({ sign: undefined })).toMatchObject({ ok: false, reason: expect.stringMatching(/required/) });
    expect(check({ requestTime: undefined })).toMatchObject({ ok: false, reason: expect.stringMatching(/required/) });
  });

  it("rejects a RequestTime that is not unix seconds", () => {
    expect(check({ requestTime: "2022-12-01T00:00:00Z" })).toEqual({ ok: false, reason: "RequestTime must be unix seconds" });
  });
});

describe("isConfiguredApp", () => {
  it("finds an app among several and nothing else", () => {
    expect(isConfiguredApp("1400000002", ["1400000001", "1400000002"])).toBe(true);
    expect(isConfiguredApp("140000000", ["1400000001"])).toBe(false);
    expect(isConfiguredApp("", ["1400000001"])).toBe(false);
    expect(isConfiguredApp("1400000001", [])).toBe(false);
  });
});
