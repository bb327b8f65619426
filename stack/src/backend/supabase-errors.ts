import type { AuthError, PostgrestError } from "@supabase/supabase-js";
import { ApiError, internalError, unauthorized, upstreamUnavailable } from "./errors.ts";

/** The parts of a Supabase error worth logging. */
function summary(error: { name?: string; code?: string; message: string }, status?: number) {
  return { name: error.name, code: error.code, message: error.message, status };
}

/** Supabase answered 5xx, or could not be reached at all (status 0 / undefined). */
function isUpstreamFailure(status: number | undefined): boolean {
  return status === undefined || status === 0 || status >= 500;
}

/** Maps a Supabase Auth error from sign-up or sign-in to the API's error. */
export function fromAuthError(error: AuthError): ApiError {
  if (isUpstreamFailure(error.status)) return upstreamUnavailable(summary(error, error.status));
  switch (error.code) {
    case "user_already_exists":
    case "email_exists":
      return new ApiError(409, "email_taken", "That email is already registered", "email");
    case "invalid_credentials":
      return new ApiError(401, "invalid_credentials", "Wrong email or password");
    case "email_not_confirmed":
      return new ApiError(401, "invalid_credentials", "The email address is not confirmed yet");
    case "weak_password":
      return new ApiError(400, "invalid_input", error.message, "password");
    case "over_email_send_rate_limit":
      // Auth's own code passes through: the caller can tell a mail quota from an outage.
      return new ApiError(
        429,
        "over_email_send_rate_limit",
        "Too many emails sent, try again later",
      );
    case "email_address_invalid":
      return new ApiError(400, "invalid_input", error.message, "email");
    case "validation_failed":
      return new ApiError(
        400,
        "invalid_input",
        error.message,
        /password/i.test(error.message) ? "password" : "email",
      );
  }
  if (error.status === 429) {
    return new ApiError(429, "rate_limited", "Too many attempts, try again later");
  }
  return internalError(summary(error, error.status));
}

/** Maps an error from validating an access token with auth.getUser. */
export function fromTokenError(error: AuthError): ApiError {
  if (isUpstreamFailure(error.status)) return upstreamUnavailable(summary(error, error.status));
  return unauthorized("The access token is invalid or expired");
}

/** Maps a Data API (PostgREST) error; a missing table or column is our fault, so `internal`. */
export function fromDataError(error: PostgrestError, status: number): ApiError {
  if (isUpstreamFailure(status)) return upstreamUnavailable(summary(error, status));
  if (status === 401) return unauthorized("The access token is invalid or expired");
  return internalError(summary(error, status));
}
