import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/** GoTrue's HTTPError: a status, a machine-readable error code and a message. */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { reasons?: string[]; cause?: unknown } = {},
  ) {
    super(message);
  }
}

/** GoTrue's OAuthError, used by the token endpoint for malformed grants. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

export const badRequest = (code: string, message: string) => new AuthError(400, code, message);
export const forbidden = (code: string, message: string) => new AuthError(403, code, message);
export const notFound = (code: string, message: string) => new AuthError(404, code, message);
export const unprocessable = (code: string, message: string) => new AuthError(422, code, message);
export const internalError = (message: string, cause?: unknown) =>
  new AuthError(500, "unexpected_failure", message, { cause });
export const weakPassword = (message: string, reasons: string[]) =>
  new AuthError(422, "weak_password", message, { reasons });

const API_VERSION_HEADER = "X-Supabase-Api-Version";
const API_VERSION_2024 = "2024-01-01";

/**
 * Whether the client asked for the 2024-01-01 error format. GoTrue parses the
 * header as a date and uses the newest version not after it; anything
 * unparsable falls back to the initial format.
 */
function wantsVersion2024(request: FastifyRequest): boolean {
  const raw = request.headers[API_VERSION_HEADER.toLowerCase()];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(date) && date >= Date.parse(`${API_VERSION_2024}T00:00:00Z`);
}

/** Postgres errors a trigger or constraint raised, which GoTrue's legacy format passes on. */
function publicPostgresError(cause: unknown) {
  if (!cause || typeof cause !== "object") return undefined;
  const { code, message, hint, detail } = cause as Record<string, unknown>;
  if (typeof code !== "string" || code.length !== 5 || typeof message !== "string") {
    return undefined;
  }
  const status = /^(P0001|23000|23001|23502|23503|23505|23514|23P01)$/.test(code)
    ? 500
    : code.startsWith("PT") && /^\d+$/.test(code.slice(2))
      ? Number(code.slice(2))
      : 0;
  if (status === 0) return undefined;
  const body: Record<string, unknown> = { code, message };
  if (typeof hint === "string" && hint) body.hint = hint;
  if (typeof detail === "string" && detail) body.detail = detail;
  return { status, body };
}

/** Writes an error the way GoTrue's HandleResponseError does. */
export function sendAuthError(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const v2024 = wantsVersion2024(request);
  if (v2024) reply.header(API_VERSION_HEADER, API_VERSION_2024);

  if (error instanceof OAuthError) {
    reply.code(400).send({ error: error.error, error_description: error.description });
    return;
  }

  const known =
    error instanceof AuthError
      ? error
      : new AuthError(
          500,
          "unexpected_failure",
          "Unexpected failure, please check server logs for more information",
          { cause: error },
        );
  reply.header("x-sb-error-code", known.code);
  const reasons = known.extra.reasons;

  if (v2024) {
    const body: Record<string, unknown> = { code: known.code, message: known.message };
    if (reasons) body.weak_password = { reasons };
    reply.code(known.status).send(body);
    return;
  }

  const pgError = reasons ? undefined : publicPostgresError(known.extra.cause);
  if (pgError) {
    reply.code(pgError.status).send(pgError.body);
    return;
  }
  const body: Record<string, unknown> = {
    code: known.status,
    error_code: known.code,
    msg: known.message,
  };
  if (known.status >= 500) body.error_id = randomUUID();
  if (reasons) body.weak_password = { reasons };
  reply.code(known.status).send(body);
}
