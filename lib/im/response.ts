// Tencent IM reads only this shape; a non-200 status or a non-JSON body is a failed callback.
export type ImAnswer = { ActionStatus: "OK" | "FAIL"; ErrorInfo: string; ErrorCode: 0 | 1 };

export const OK_ANSWER: ImAnswer = { ActionStatus: "OK", ErrorInfo: "", ErrorCode: 0 };

export function imResponse(status: number, errorInfo?: string): Response {
  const body: ImAnswer = errorInfo === undefined ? OK_ANSWER : { ActionStatus: "FAIL", ErrorInfo: errorInfo, ErrorCode: 1 };
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}
