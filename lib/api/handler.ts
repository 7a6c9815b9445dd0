// The one wrapper of every dashboard API: refuse cross-site browser requests -> authenticate
// (session cookie or Bearer token) -> authorise (the route's declared minimum role, viewer unless
// it says otherwise) -> for a read, wait its turn at the dashboard gate (lib/api/dashboard-gate.ts)
// -> call -> respond, mapping every error to the JSON envelope. A route cannot skip the check:
// there is no way to call apiRoute without one. The public endpoints (IM callback, health, the
// sign-in API) do not use it; tests/integration/route-inventory.test.ts lists them.
import { z } from "zod";
import { dashboardGate } from "@/lib/api/dashboard-gate";
import { ApiError, ForbiddenError, UnauthenticatedError, UnavailableError } from "@/lib/api/errors";
import { jsonError } from "@/lib/api/response";
import { authenticate } from "@/lib/auth/authenticate";
import type { Principal } from "@/lib/auth/principal";
import { type Role, roleAtLeast } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { unavailableFor } from "@/lib/db/query-budget";
import { crossSiteReason } from "@/lib/http/same-origin";
import { errorId, log } from "@/lib/log";

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (request: Request, params: P, principal: Principal) => Promise<Response>;
export type RouteOptions = {
  role: Role;
  /**
   * false: this GET skips the dashboard gate (lib/api/dashboard-gate.ts). Only for what must answer
   * while the dashboard is saturated (metrics, opening a live stream); the route inventory test
   * lists them.
   */
  gated?: boolean;
};

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function apiRoute<P = Record<string, never>>(handler: Handler<P>): (request: Request, context: RouteContext<P>) => Promise<Response>;
export function apiRoute<P = Record<string, never>>(
  options: RouteOptions,
  handler: Handler<P>,
): (request: Request, context: RouteContext<P>) => Promise<Response>;
export function apiRoute<P = Record<string, never>>(first: Handler<P> | RouteOptions, second?: Handler<P>) {
  const options: RouteOptions = typeof first === "function" ? { role: "viewer" } : first;
  const handler = typeof first === "function" ? first : second;
  if (!handler) throw new Error("apiRoute needs a handler");
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const principal = await authorize(request, options.role);
      const params = await context.params;
      // Reads yield to the receiver (lib/api/dashboard-gate.ts); changes are few and not held up.
      if (!SAFE_METHODS.has(request.method) || options.gated === false) return await handler(request, params, principal);
      return await dashboardGate().run(() => handler(request, params, principal), request.signal);
    } catch (error) {
      return errorResponse(error, request);
    }
  };
}

/** Throws the 403/401 the request deserves, or returns who is asking. */
export async function authorize(request: Request, minimum: Role): Promise<Principal> {
  // Before anything else, so that a forged cross-site request (a link to the export URL, a form
  // posted from another site) does nothing at all, not even a log entry.
  const crossSite = crossSiteReason(request.headers, request.url);
  if (crossSite) throw new ForbiddenError(`Cross-site request refused (${crossSite})`, "cross_site");
  if (!SAFE_METHODS.has(request.method) && request.headers.has("cookie") && !request.headers.has("authorization")) {
    // Every browser sends one of these on a POST; a cookie-carrying change without either is not
    // from our pages.
    if (!request.headers.has("origin") && !request.headers.has("sec-fetch-site")) {
      throw new ForbiddenError("Cross-site request refused (no Origin header)", "cross_site");
    }
  }
  if (!request.headers.has("cookie") && !request.headers.has("authorization")) throw new UnauthenticatedError();
  const principal = await authenticate(await getDb(), request);
  if (!principal) throw new UnauthenticatedError();
  if (!roleAtLeast(principal.role, minimum)) {
    throw new ForbiddenError(`This needs the ${minimum} role or higher; ${principal.email} is signed in as ${principal.role}`);
  }
  return principal;
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
    return jsonError(
      error.status,
      { code: error.code, message: error.message, ...(error.parameter ? { parameter: error.parameter } : {}) },
      { retryAfterSeconds: error instanceof UnavailableError ? error.retryAfterSeconds : undefined },
    );
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
