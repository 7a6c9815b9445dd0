// Next.js answers a path with invalid percent-encoding (`/api/users/%FF/trend`, a lone `%`) with
// a plain-text 500 before any of our code runs. The custom server checks the path first.

/** Whether the path part of a request target (`/a/b?c`) is not valid percent-encoded UTF-8. */
export function isMalformedPath(url: string): boolean {
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

export const MALFORMED_PATH_MESSAGE = "the path is not valid percent-encoded UTF-8 (encode a literal % as %25)";

/** A path no route matches, so Next.js renders the app's not-found page for a malformed page path. */
export const NOT_FOUND_PATH = "/_recall-monitor-malformed-path";
