import { createHash, randomBytes } from "node:crypto";
import { SignJWT } from "jose";

/** The API keys of one stand-in project, as a Supabase dashboard would show them. */
export interface ProjectKeys {
  readonly jwtSecret: string;
  /** Legacy `anon` key: an HS256 JWT with role anon. */
  readonly anonKey: string;
  /** Legacy `service_role` key: an HS256 JWT with role service_role. */
  readonly serviceRoleKey: string;
  /** New-style opaque keys, mapped by the gateway to the JWTs above. */
  readonly publishableKey: string;
  readonly secretKey: string;
}

const TEN_YEARS_S = 10 * 365 * 24 * 3600;

export function newJwtSecret(): string {
  return randomBytes(32).toString("base64url");
}

export async function makeProjectKeys(jwtSecret: string): Promise<ProjectKeys> {
  const key = secretBytes(jwtSecret);
  const now = Math.floor(Date.now() / 1000);
  const sign = (role: string) =>
    new SignJWT({ role })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer("supabase")
      .setIssuedAt(now)
      .setExpirationTime(now + TEN_YEARS_S)
      .sign(key);
  // Opaque keys are derived, so the same secret always yields the same keys.
  const derive = (label: string) =>
    createHash("sha256").update(`${label}:${jwtSecret}`).digest("base64url").slice(0, 32);
  return {
    jwtSecret,
    anonKey: await sign("anon"),
    serviceRoleKey: await sign("service_role"),
    publishableKey: `sb_publishable_${derive("publishable")}`,
    secretKey: `sb_secret_${derive("secret")}`,
  };
}

export function secretBytes(jwtSecret: string): Uint8Array {
  return new TextEncoder().encode(jwtSecret);
}

export type JwtClaims = Record<string, unknown> & { role?: string; sub?: string; exp?: number };

/**
 * The Supabase gateway's key mapping: an `Authorization` header that is present
 * and not `Bearer sb_…` is kept; otherwise a secret key (in `apikey` or the
 * bearer) becomes the service_role JWT and a publishable one the anon JWT.
 * A legacy JWT `apikey` is not copied into `Authorization` (the gateway hides
 * it), so the API then sees no bearer at all. Returns the bearer the API sees.
 */
export function gatewayBearer(
  keys: ProjectKeys,
  headers: { apikey?: string | string[]; authorization?: string | string[] },
): string | undefined {
  const authorization = first(headers.authorization);
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer && !bearer.startsWith("sb_")) return bearer;
  const candidate = bearer ?? first(headers.apikey);
  if (candidate === keys.secretKey) return keys.serviceRoleKey;
  if (candidate === keys.publishableKey) return keys.anonKey;
  return undefined;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
