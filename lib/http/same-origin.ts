// Cross-site request refusal for everything a signed-in browser can be tricked into sending.
// SameSite=Lax keeps the session cookie off cross-site POSTs from other sites, but not off
// top-level GET navigations (a link to the export URL) nor off requests from sibling subdomains
// (same-site); these checks close both.

/** The origin this request was addressed to, as the browser saw it. */
export function requestOrigin(headers: Headers, url: string): string {
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || new URL(url).protocol.replace(":", "");
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host") || new URL(url).host;
  return `${proto}://${host}`;
}

/**
 * Why a browser request must be refused as cross-site, or null when it is same-origin (or not
 * from a browser at all: scripts send neither header, and a cross-site page cannot forge them).
 */
export function crossSiteReason(headers: Headers, url: string): string | null {
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `Sec-Fetch-Site is ${site}`;
  const origin = headers.get("origin");
  if (origin && origin !== requestOrigin(headers, url)) return `Origin ${origin} is not this site`;
  return null;
}

/** Served over HTTPS, directly or behind a proxy that says so (X-Forwarded-Proto). */
export function isHttps(headers: Headers, url: string): boolean {
  return requestOrigin(headers, url).startsWith("https://");
}
