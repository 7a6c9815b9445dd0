import { createHash, timingSafeEqual } from "node:crypto";

/** Tencent's callback signature: lowercase hex SHA-256 of token + RequestTime (not an HMAC). */
export function callbackSign(token: string, requestTime: string): string {
  return createHash("sha256")
    .update(token + requestTime)
    .digest("hex");
}

export type SignCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks Sign and RequestTime from the callback URL. The Sign covers neither the body nor the
 * other parameters, so the freshness window is what limits replaying a captured URL.
 */
export function verifyCallbackSign(args: {
  token: string;
  sign: string | undefined;
  requestTime: string | undefined;
  maxSkewSeconds: number;
  nowMs: number;
}): SignCheck {
  const { token, sign, requestTime, maxSkewSeconds, nowMs } = args;
  if (!sign || !requestTime) return { ok: false, reason: "Sign and RequestTime are required (callback authentication is on)" };
  if (!/^\d{1,12}$/.test(requestTime)) return { ok: false, reason: "RequestTime must be unix seconds" };
  const skew = Math.abs(nowMs / 1000 - Number(requestTime));
  if (skew > maxSkewSeconds) {
    return { ok: false, reason: `RequestTime is ${Math.round(skew)} s from server time (allowed ${maxSkewSeconds} s)` };
  }
  const expected = Buffer.from(callbackSign(token, requestTime), "utf8");
  const given = Buffer.from(sign, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "Sign does not match" };
  }
  return { ok: true };
}

/** Constant-time membership test, so response timing does not reveal a configured SDKAppID. */
export function isConfiguredApp(sdkAppId: string, configured: readonly string[]): boolean {
  const given = createHash("sha256").update(sdkAppId).digest();
  let found = false;
  for (const id of configured) {
    // No early exit: every configured app is compared.
    if (timingSafeEqual(given, createHash("sha256").update(id).digest())) found = true;
  }
  return found;
}
