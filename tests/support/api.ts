// The one way new tests call the dashboard's APIs and pages, so that credentials (once sign-in
// exists) are added in one place rather than in every test.
import type { TestApp } from "./app";

/** `path` is relative to the app, e.g. `/api/users?sort=userId`. */
export function apiFetch(app: Pick<TestApp, "url">, path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${app.url}${path}`, init);
}

/** Status and parsed JSON body; fails with the body's start when the answer is not JSON. */
export async function apiJson<T = unknown>(
  app: Pick<TestApp, "url">,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: T }> {
  const res = await apiFetch(app, path, init);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as T };
  } catch {
    throw new Error(`${path} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
}
