// The one JSON error envelope of the dashboard's APIs (the IM callback endpoint keeps Tencent's
// own shape). Clients branch on `code`; `message` is for people; `parameter` names the query or
// path parameter to fix when code is invalid_parameter.
import type { ApiErrorCode } from "@/lib/api/errors";

export type ApiErrorBody = {
  error: { code: ApiErrorCode; message: string; parameter?: string; errorId?: string };
};

const NO_STORE = { "cache-control": "no-store" };

export function jsonOk<T>(data: T, init: { status?: number } = {}): Response {
  return Response.json(data, { status: init.status ?? 200, headers: NO_STORE });
}

export function jsonError(status: number, error: ApiErrorBody["error"], init: { retryAfterSeconds?: number } = {}): Response {
  const body: ApiErrorBody = { error };
  const headers: Record<string, string> = { ...NO_STORE };
  if (init.retryAfterSeconds !== undefined) headers["retry-after"] = String(init.retryAfterSeconds);
  return Response.json(body, { status, headers });
}
