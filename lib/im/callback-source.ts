// IM_CALLBACK_ALLOWED_CIDRS: without a callback token anyone who knows the (public) SDKAppID can
// post recalls; limiting the senders to IM's egress ranges (or to the proxy in front) closes that.
import { isIP } from "node:net";
import { compileTrust, type TrustFunction } from "@/lib/http/trust-proxy";

const compiled = new WeakMap<readonly string[], TrustFunction>();

/** Whether a callback from `address` (the resolved client address) may be accepted. */
export function isAllowedCallbackSource(address: string, allowedCidrs: readonly string[]): boolean {
  if (allowedCidrs.length === 0) return true;
  if (!isIP(address)) return false;
  let match = compiled.get(allowedCidrs);
  if (!match) {
    match = compileTrust({ kind: "addresses", entries: [...allowedCidrs] });
    compiled.set(allowedCidrs, match);
  }
  return match(address, 0);
}
