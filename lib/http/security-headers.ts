// Response headers every page, API answer and asset carries, set by the custom server before
// Next.js sees the request (Next's docs: headers set before `handle` are kept).
import { randomBytes } from "node:crypto";

/** A fresh, unguessable nonce for one response's scripts. */
export function newNonce(): string {
  return randomBytes(18).toString("base64");
}

/**
 * The Content-Security-Policy of one response. Next.js reads the nonce from this header on the
 * request (as its CSP guide's proxy does) and puts it on every script it renders, so only those
 * scripts run; 'strict-dynamic' lets them load the app's chunks. No 'unsafe-eval': React and
 * Next do not need it in production. Styles keep 'unsafe-inline' because server-rendered style
 * attributes (charts, bars) would otherwise be dropped; style injection cannot run code.
 */
export function contentSecurityPolicy(nonce: string, options: { https: boolean; dev?: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // Over plain HTTP (a local test, a private network) upgrading would break every asset.
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** Two years, as the HSTS preload list asks; without includeSubDomains, other hosts of the domain are not affected. */
export const HSTS = "max-age=63072000";

export const PERMISSIONS_POLICY =
  "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), xr-spatial-tracking=()";

/** The headers of one response; HSTS only over HTTPS, where a browser honours it. */
export function securityHeaders(nonce: string, options: { https: boolean; dev?: boolean }): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(nonce, options),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": PERMISSIONS_POLICY,
    "cross-origin-opener-policy": "same-origin",
    ...(options.https ? { "strict-transport-security": HSTS } : {}),
  };
}
