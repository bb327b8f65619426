/** The stable error codes of the backend's API. */
export type ErrorCode =
  | "invalid_input"
  | "invalid_json"
  | "email_taken"
  | "invalid_credentials"
  | "unauthorized"
  | "not_found"
  | "payload_too_large"
  | "rate_limited"
  | "over_email_send_rate_limit"
  | "upstream_unavailable"
  | "internal";

/** An error the API answers with as `{ error: { code, message, field? } }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    field?: string,
    /** What went wrong upstream, for the log only; never sent to the client. */
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
  }

  toBody(): { error: { code: ErrorCode; message: string; field?: string } } {
    const error = { code: this.code, message: this.message };
    return { error: this.field === undefined ? error : { ...error, field: this.field } };
  }
}

export const internalError = (cause?: unknown) =>
  new ApiError(500, "internal", "Something went wrong on our side", undefined, cause);

export const upstreamUnavailable = (cause?: unknown) =>
  new ApiError(
    503,
    "upstream_unavailable",
    "A service we depend on is unavailable, try again",
    undefined,
    cause,
  );

export const unauthorized = (message = "A valid access token is required") =>
  new ApiError(401, "unauthorized", message);

/**
 * Turns whatever was thrown (Fastify's own errors included) into an ApiError.
 * Only ApiErrors carry their message out; anything unexpected is `internal`.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return new ApiError(413, "payload_too_large", "The request body is too large");
  }
  if (typeof code === "string" && code.startsWith("FST_ERR_CTP_")) {
    return new ApiError(400, "invalid_json", "The request body must be a JSON object");
  }
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    return new ApiError(400, "invalid_input", "The request is malformed");
  }
  return internalError(error);
}
