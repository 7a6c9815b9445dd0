// The client address recorded in the access log and used for rate limits.
// TEMPORARY body: the hardening branch owns this file (TRUST_PROXY, the socket address) and its
// version replaces this one at merge. Same signature.
export function clientAddress(request: Request): string {
  const hops = request.headers
    .get("x-forwarded-for")
    ?.split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const last = hops?.at(-1);
  return last && /^[0-9a-fA-F:.]{2,45}$/.test(last) ? last : "unknown";
}
