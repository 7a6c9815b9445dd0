// Where to go after signing in: only a path on this site. An absolute URL (https://evil.example),
// a protocol-relative one (//evil.example) or a backslash trick (/\evil.example) falls back to "/".
// Client-safe.
const hasControlCharacter = (text: string) => [...text].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20);

export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || hasControlCharacter(next)) return "/";
  try {
    const base = "http://same.invalid";
    const url = new URL(next, base);
    if (url.origin !== base || url.pathname.startsWith("/login")) return "/";
    return url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
}

/** A page's own path with its query string, for `/login?next=`. */
export function pathWithQuery(pathname: string, searchParams?: Record<string, string | string[] | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(searchParams ?? {})) {
    for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) q.append(k, one);
  }
  const s = q.toString();
  return s ? `${pathname}?${s}` : pathname;
}
