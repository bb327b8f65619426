// Which failures mean "the database is not there" (so a cycle waits in the
// spool) and how a database is named in messages: host:port/db, never the password.

/** The history database could not be reached; `cause` is the driver's error. */
export class HistoryUnavailableError extends Error {
  override readonly name = "HistoryUnavailableError";
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

// SQLSTATE: class 08 is connection exceptions; 57P01-57P03 a server shutting
// down or starting up; 53300 too many connections.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

const DRIVER_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|connection timeout|client has encountered a connection error|query read timeout|not queryable/i;

/** True when `error` says the server is unreachable, down or refusing sessions. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof HistoryUnavailableError) return true;
  if (error instanceof AggregateError && error.errors.some(isConnectionError)) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) {
    return true;
  }
  return DRIVER_MESSAGES.test(error.message);
}

/** Postgres refused the data itself (SQLSTATE class 22 data exception, 23 integrity violation). */
export function isRefusedData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^2[23]/.test(code);
}

/** "host:port/database" of a connection URL: what messages may say about it. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres";
    return `${parsed.hostname}:${parsed.port || "5432"}/${database}`;
  } catch {
    return "an unparsable database URL";
  }
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(messageOf).join("; ");
  }
  return error instanceof Error ? error.message : String(error);
}
