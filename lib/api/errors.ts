// Errors the dashboard's data functions throw on purpose. `apiRoute` turns each into its HTTP
// status and a machine-readable code; anything else is an unexpected 500.

export type ApiErrorCode = "invalid_parameter" | "not_found" | "unavailable" | "internal_error" | "too_many_requests";

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
  constructor(message: string) {
    super(503, "unavailable", message);
  }
}
