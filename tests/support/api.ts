// The one way tests call the dashboard's JSON APIs, so credentials (once the APIs need them) are
// added in one place.
import type { TestApp } from "./app";

export function apiFetch(app: TestApp, path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${app.url}${path}`, init);
}
