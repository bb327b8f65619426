/**
 * PostgREST's error shape `{code, details, hint, message}` and its mapping of
 * Postgres SQLSTATEs to HTTP statuses (PostgREST.Error in PostgREST's source).
 */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "RestError";
  }

  body(): { code: string; details: string | null; hint: string | null; message: string } {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/** PGRST100: a query parameter that does not parse. */
export function queryParamError(message: string, details: string): RestError {
  return new RestError(400, "PGRST100", message, details);
}

export function invalidBody(message: string): RestError {
  return new RestError(400, "PGRST102", message);
}

export function rangeError(details: string): RestError {
  return new RestError(416, "PGRST103", "Requested range not satisfiable", details);
}

export function notImplemented(details: string): RestError {
  return new RestError(400, "PGRST127", "Feature not implemented", details);
}

export function jsonPathsUnsupported(): RestError {
  return notImplemented("JSON paths (->, ->>) are not supported by this stand-in");
}

/** PGRST116: one object was asked for (vnd.pgrst.object+json) but not exactly one row came. */
export function singularityError(rows: number): RestError {
  return new RestError(
    406,
    "PGRST116",
    "Cannot coerce the result to a single JSON object",
    `The result contains ${rows} rows`,
  );
}

export function columnNotInSchema(table: string, column: string): RestError {
  return new RestError(
    400,
    "PGRST204",
    `Could not find the '${column}' column of '${table}' in the schema cache`,
  );
}

/** The error Postgres itself raises for `"schema"."table"."column"` when the column is missing. */
export function undefinedColumn(table: string, column: string, suggestion?: string): RestError {
  const hint = suggestion
    ? `Perhaps you meant to reference the column "${table}.${suggestion}".`
    : null;
  return new RestError(400, "42703", `column ${table}.${column} does not exist`, null, hint);
}

export function tableNotFound(schema: string, table: string, suggestion?: string): RestError {
  return new RestError(
    404,
    "PGRST205",
    `Could not find the table '${schema}.${table}' in the schema cache`,
    null,
    suggestion ? `Perhaps you meant the table '${schema}.${suggestion}'` : null,
  );
}

/** The subset of pg's DatabaseError this module reads. */
export interface PgErrorLike {
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
}

export function isPgError(error: unknown): error is PgErrorLike & Error {
  if (!(error instanceof Error) || !("severity" in error)) return false;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);
}

/** A Postgres error as PostgREST answers it; `authenticated` is "the role is not anon". */
export function fromPgError(error: PgErrorLike, authenticated: boolean): RestError {
  const code = error.code ?? "XX000";
  const status = pgErrorStatus(code, error.message, authenticated);
  const headers: Record<string, string> = status === 401 ? { "WWW-Authenticate": "Bearer" } : {};
  return new RestError(
    status,
    code,
    error.message,
    error.detail ?? null,
    error.hint ?? null,
    headers,
  );
}

function pgErrorStatus(code: string, message: string, authenticated: boolean): number {
  const exact: Record<string, number> = {
    "23503": 409,
    "23505": 409,
    "25006": 405,
    "53400": 500,
    "57P01": 503,
    P0001: 400,
    "42P01": 404,
    "42P17": 500,
  };
  if (exact[code] !== undefined) return exact[code];
  if (code === "21000") return message.endsWith("requires a WHERE clause") ? 400 : 500;
  if (code === "22023") return /^role .* does not exist$/.test(message) ? 401 : 400;
  if (code === "42501") return authenticated ? 403 : 401;
  if (code === "42883") return message.startsWith("function xmlagg(") ? 406 : 404;
  if (code.startsWith("PT")) {
    const custom = Number(code.slice(2));
    return Number.isInteger(custom) && custom >= 100 && custom <= 599 ? custom : 500;
  }
  const byClass: Record<string, number> = {
    "08": 503,
    "09": 500,
    "0L": 403,
    "0P": 403,
    "25": 500,
    "28": 403,
    "2D": 500,
    "38": 500,
    "39": 500,
    "3B": 500,
    "40": 500,
    "53": 503,
    "54": 500,
    "55": 500,
    "57": 500,
    "58": 500,
    F0: 500,
    HV: 500,
    P0: 500,
    XX: 500,
  };
  // Every other SQLSTATE (constraint, syntax, data errors) is the client's fault.
  return byClass[code.slice(0, 2)] ?? 400;
}
