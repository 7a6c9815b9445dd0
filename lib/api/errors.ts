// Errors the dashboard's data functions throw on purpose. `apiRoute` turns each into its HTTP
// status and a machine-readable code; anything else is an unexpected 500.

export type ApiErrorCode =
  | "invalid_parameter"
  | "not_found"
  | "unavailable"
  | "internal_error"
  | "unauthenticated"
  | "forbidden"
  | "cross_site"
  | "conflict"
  | "too_many_requests"
  | "rate_limited"
  | "method_not_allowed";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/** A query or path parameter the caller can fix. */
export class InvalidParameterError extends ApiError {
  override name = "InvalidParameterError";
  constructor(parameter: string, message: string) {
    super(400, "invalid_parameter", message, parameter);
  }
}

export class NotFoundError extends ApiError {
  override name = "NotFoundError";
  constructor(message: string) {
    super(404, "not_found", message);
  }
}

/** The dashboard cannot answer now (its reads are saturated or over their time budget); retry later. */
export class UnavailableError extends ApiError {
  override name = "UnavailableError";
  constructor(
    message: string,
    /** Sent as Retry-After when the wait is known to be short. */
    readonly retryAfterSeconds?: number,
  ) {
    super(503, "unavailable", message);
  }
}

/** The request carries no valid session or token. */
export class UnauthenticatedError extends ApiError {
  override name = "UnauthenticatedError";
  constructor(message = "Sign in first, or send Authorization: Bearer <token>") {
    super(401, "unauthenticated", message);
  }
}

/** Signed in, but the role is too low, or the request came from another site. */
export class ForbiddenError extends ApiError {
  override name = "ForbiddenError";
  constructor(message: string, code: "forbidden" | "cross_site" = "forbidden") {
    super(403, code, message);
  }
}

/** The change would break a rule about the current state (e.g. removing the last admin). */
export class ConflictError extends ApiError {
  override name = "ConflictError";
  constructor(message: string) {
    super(409, "conflict", message);
  }
}
