import type pg from "pg";
import { EXPOSED_SCHEMA } from "./catalog.ts";
import { fromPgError, isPgError, RestError } from "./errors.ts";
import type { RequestAuth } from "./jwt.ts";

/** The roles the stand-in's authenticator may switch to (its grants in shape.sql). */
const API_ROLES = new Set(["anon", "authenticated", "service_role"]);

/** Supabase's per-role statement timeouts; service_role has none. */
const STATEMENT_TIMEOUTS: Readonly<Record<string, string>> = { anon: "3s", authenticated: "8s" };

export interface RequestContext {
  readonly auth: RequestAuth;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** GET and HEAD run read-only, as in PostgREST. */
  readonly readOnly: boolean;
}

/** Thrown inside a transaction to roll it back and answer with this error. */
export class Rollback extends Error {
  constructor(readonly error: RestError) {
    super(error.message);
  }
}

/**
 * Runs `work` in one transaction on a pooled connection that has become the
 * request's role, with `request.jwt.claims` and friends set for RLS policies
 * and auth.uid(). Postgres errors come out as PostgREST errors.
 */
export async function inRequestTransaction<T>(
  pool: pg.Pool,
  context: RequestContext,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  await checkRole(pool, context.auth.role);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch {
    throw new RestError(503, "PGRST000", "Database connection error. Retrying the connection.");
  }
  let broken: Error | undefined;
  try {
    await client.query(context.readOnly ? "BEGIN READ ONLY" : "BEGIN");
    await client.query(SETTINGS_SQL, settingsValues(context));
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    if (error instanceof Rollback) throw error.error;
    if (error instanceof RestError) throw error;
    if (isPgError(error)) throw fromPgError(error, context.auth.role !== "anon");
    // The connection failed under us (the rollback failed too): PostgREST's 503.
    // Anything else is a bug here and goes on to the plugin's 500 handler.
    if (broken)
      throw new RestError(503, "PGRST001", "Database client error. Retrying the connection.");
    throw error;
  } finally {
    client.release(broken);
  }
}

const SETTINGS_SQL = `select set_config('search_path', $1, true),
  set_config('role', $2, true),
  set_config('request.jwt.claims', $3, true),
  set_config('request.method', $4, true),
  set_config('request.path', $5, true),
  set_config('request.headers', $6, true),
  set_config('request.cookies', $7, true),
  set_config('statement_timeout', $8, true)`;

function settingsValues(context: RequestContext): string[] {
  const { role, claims } = context.auth;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(context.headers)) {
    if (value === undefined || name === "cookie") continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return [
    `"${EXPOSED_SCHEMA}", "extensions"`,
    role,
    // PostgREST puts the role it switched to into the claims as well.
    JSON.stringify({ ...claims, role }),
    context.method,
    context.path,
    JSON.stringify(headers),
    JSON.stringify(parseCookies(context.headers.cookie)),
    STATEMENT_TIMEOUTS[role] ?? "0",
  ];
}

function parseCookies(header: string | string[] | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  const text = Array.isArray(header) ? header.join("; ") : (header ?? "");
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}

/**
 * The pool is a superuser, so only the API roles may be assumed. Anything
 * else fails the way Postgres fails PostgREST's authenticator.
 */
async function checkRole(pool: pg.Pool, role: string): Promise<void> {
  if (API_ROLES.has(role)) return;
  const exists = await pool
    .query("select 1 from pg_roles where rolname = $1", [role])
    .then((result) => (result.rowCount ?? 0) > 0)
    .catch(() => false);
  if (exists) {
    throw new RestError(403, "42501", `permission denied to set role "${role}"`);
  }
  throw new RestError(401, "22023", `role "${role}" does not exist`, null, null, {
    "WWW-Authenticate": "Bearer",
  });
}
