// Every dashboard API request a test makes goes through here, so that signing in (once the
// dashboard requires it) is added in one place.
import type { TestApp } from "./app";

export function apiFetch(app: Pick<TestApp, "url">, path: string, init?: RequestInit): Promise<Response> {
  return fetch(new URL(path, app.url), init);
}
