// One wrapper maps every error of a dashboard API to the JSON envelope, so route handlers stay
// four lines (parse -> authorize -> call -> respond) without their own try/catch.
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { jsonError } from "@/lib/api/response";
import { unavailableFor } from "@/lib/db/query-budget";
import { errorId, log } from "@/lib/log";

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (request: Request, params: P) => Promise<Response>;

export function apiRoute<P = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      return await handler(request, await context.params);
    } catch (error) {
      return errorResponse(error, request);
    }
  };
}

export function errorResponse(caught: unknown, request: Request): Response {
  // A query over its time budget (or refused for load) is a 503, not a bug.
  const error = unavailableFor(caught) ?? caught;
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const parameter = issue?.path.length ? String(issue.path[0]) : undefined;
    return jsonError(400, {
      code: "invalid_parameter",
      message: parameter ? `${parameter}: ${issue?.message}` : (issue?.message ?? "invalid request"),
      ...(parameter ? { parameter } : {}),
    });
  }
  if (error instanceof ApiError) {
    return jsonError(error.status, {
      code: error.code,
      message: error.message,
      ...(error.parameter ? { parameter: error.parameter } : {}),
    });
  }
  const id = errorId();
  const url = new URL(request.url);
  log("error", "api_error", {
    errorId: id,
    path: url.pathname,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return jsonError(500, { code: "internal_error", message: `internal error (log id ${id})`, errorId: id });
}
