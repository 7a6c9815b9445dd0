// The one way tests call the dashboard's APIs and pages signed in, so that credentials are added in
// one place rather than in every test. Tests of the data, not of roles: they act as an admin (roles
// themselves are tested in auth.test.ts and route-inventory.test.ts).
import type { TestApp } from "./app";

type SignedInApp = Pick<TestApp, "url" | "headersFor" | "cookieFor">;

/** `path` is relative to the app, e.g. `/api/users?sort=userId`: APIs get a Bearer token, pages a session cookie. */
export async function apiFetch(app: SignedInApp, path: string, init?: RequestInit): Promise<Response> {
  const credentials = path.startsWith("/api/") ? await app.headersFor("admin") : await app.cookieFor("admin");
  const headers = new Headers(init?.headers);
  for (const [name, value] of Object.entries(credentials)) if (!headers.has(name)) headers.set(name, value);
  return fetch(`${app.url}${path}`, { ...init, headers });
}

/** Status and parsed JSON body; fails with the body's start when the answer is not JSON. */
export async function apiJson<T = unknown>(app: SignedInApp, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await apiFetch(app, path, init);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as T };
  } catch {
    throw new Error(`${path} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
}

/**
 * A page's markup without its scripts: what the browser renders. The scripts carry the client's
 * message catalogue (next-intl hands every message to the client provider), so a string in the raw
 * HTML is not necessarily a string on the page.
 */
export function renderedMarkup(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "");
}
