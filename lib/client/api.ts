// Fetching the dashboard's JSON API from the browser: one fetcher for SWR, errors carried with the
// API's machine-readable code so that views can say what went wrong.

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    /** The query or body field an invalid_parameter refers to, when the API names one. */
    readonly parameter?: string,
  ) {
    super(message);
  }
}

type Envelope = { error?: { code?: string; message?: string; parameter?: string } | string; code?: string; message?: string };

function errorOf(body: Envelope | undefined, status: number): { message: string; code?: string; parameter?: string } {
  if (body && typeof body.error === "object" && body.error) {
    return { message: body.error.message ?? `HTTP ${status}`, code: body.error.code, parameter: body.error.parameter };
  }
  if (body && typeof body.error === "string") return { message: body.message ?? body.error, code: body.code ?? body.error };
  return { message: body?.message ?? `The server answered HTTP ${status}`, code: body?.code };
}

export async function fetchJson<T>(url: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "application/json" } });
  } catch {
    throw new ApiError("Cannot reach the server. Check your connection; the view retries by itself.", 0, "network");
  }
  if (res.status === 401 && typeof window !== "undefined") {
    // The session ended (idle, signed out elsewhere, or ended by an admin): sign in again and come back.
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!res.ok) {
    let body: Envelope | undefined;
    try {
      body = (await res.json()) as Envelope;
    } catch {}
    const { message, code, parameter } = errorOf(body, res.status);
    throw new ApiError(message, res.status, code, parameter);
  }
  return (await res.json()) as T;
}

/** A query string from the set values only, in a stable order (so SWR keys and links are stable). */
export function queryString(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Sends a JSON change to the dashboard's API; throws ApiError with the server's message when refused. */
export async function sendJson<T>(url: string, method: "POST" | "PATCH" | "DELETE", body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError("Cannot reach the server. Check your connection and try again.", 0, "network");
  }
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {}
  if (!res.ok) {
    const { message, code, parameter } = errorOf(parsed as Envelope | undefined, res.status);
    throw new ApiError(message, res.status, code, parameter);
  }
  return parsed as T;
}
