// The client's address and protocol as the custom server (scripts/serve.ts) resolved them from the
// socket and, per TRUST_PROXY, the trusted X-Forwarded-* chain. The server removes any copy of these
// private headers that a client sends, so only the server's own values arrive here. X-Forwarded-For
// itself is never read by the app: `next start` keeps a client's forged copy.

/** Set by the custom server on every request; never accepted from a client. */
export const CLIENT_ADDRESS_HEADER = "x-recall-monitor-client-ip";
export const CLIENT_PROTOCOL_HEADER = "x-recall-monitor-proto";
/** Every request header with this prefix is removed before the server sets its own. */
export const PRIVATE_HEADER_PREFIX = "x-recall-monitor-";

/**
 * The address of the client that sent `request`: an IP address, or "unknown" when the app runs
 * without the custom server (`next dev`), where no trustworthy address exists.
 */
export function clientAddress(request: Request): string {
  return request.headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
}

/** Whether the client reached us over HTTPS (directly, or per a trusted proxy's X-Forwarded-Proto). */
export function isHttpsRequest(request: Request): boolean {
  return request.headers.get(CLIENT_PROTOCOL_HEADER) === "https";
}
