// The request's path exactly as the client sent it, set by the custom server (scripts/serve.ts).
// Next.js hands a page's dynamic segment over decoded on a full page load but still
// percent-encoded on a client-side navigation, so `params` alone cannot tell user "%41" from user
// "A". Decoding the raw path once ourselves gives the same answer on both.
import { PRIVATE_HEADER_PREFIX } from "@/lib/http/client-address";

/** Set by the custom server on every request; a client's copy is removed with the other private headers. */
export const REQUEST_PATH_HEADER = `${PRIVATE_HEADER_PREFIX}path`;

/**
 * The path segment after `prefix` (e.g. "/users/"), decoded exactly once, or null when the raw
 * path is not of that shape or is not valid percent-encoding (the server answers those itself).
 */
export function segmentAfter(rawPath: string | null, prefix: string): string | null {
  if (!rawPath?.startsWith(prefix)) return null;
  const segment = rawPath.slice(prefix.length).split("?")[0]?.replace(/\/$/, "") ?? "";
  if (!segment || segment.includes("/")) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
