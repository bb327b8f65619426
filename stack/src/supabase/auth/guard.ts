import type { FastifyRequest } from "fastify";
import type { SupabaseContext } from "../context.ts";
import type { JwtClaims } from "../keys.ts";
import { verifyBearer } from "./access-token.ts";
import { AUTH } from "./config.ts";
import { AuthError, badRequest, forbidden } from "./errors.ts";
import { findSession, type SessionRow } from "./sessions.ts";
import { findUserById, type UserRow } from "./users.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

export function isBanned(user: UserRow): boolean {
  return user.banned_until !== null && user.banned_until.getTime() > Date.now();
}

/** The bearer token after the gateway's key mapping; 401 no_authorization without one. */
async function bearerClaims(request: FastifyRequest, context: SupabaseContext) {
  const token = request.supabaseBearer;
  if (!token) {
    throw new AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token");
  }
  return verifyBearer(context, token);
}

export interface Caller {
  claims: JwtClaims;
  user: UserRow;
  session: SessionRow | undefined;
}

/** GoTrue's maybeLoadUserOrSession: the token's user and, if named, its live session. */
async function loadCaller(context: SupabaseContext, claims: JwtClaims): Promise<Caller> {
  const sub = typeof claims.sub === "string" ? claims.sub : "";
  if (!sub) throw forbidden("bad_jwt", "invalid claim: missing sub claim");
  if (!isUuid(sub)) throw badRequest("bad_jwt", "invalid claim: sub claim must be a UUID");
  const user = await findUserById(context.pool, sub);
  if (!user) throw forbidden("user_not_found", "User from sub claim in JWT does not exist");
  const sessionId = typeof claims.session_id === "string" ? claims.session_id : "";
  let session: SessionRow | undefined;
  if (sessionId && sessionId !== AUTH.nilUuid) {
    if (!isUuid(sessionId)) {
      throw forbidden("bad_jwt", "invalid claim: session_id claim must be a UUID");
    }
    session = await findSession(context.pool, sessionId);
    if (!session) {
      throw forbidden("session_not_found", "Session from session_id claim in JWT does not exist");
    }
  }
  return { claims, user, session };
}

/** GoTrue's requireAuthentication: a user's access token with a live session. */
export async function requireUser(
  request: FastifyRequest,
  context: SupabaseContext,
): Promise<Caller> {
  const caller = await loadCaller(context, await bearerClaims(request, context));
  if (isBanned(caller.user)) throw forbidden("user_banned", "User is banned");
  return caller;
}

/** GoTrue's requireAdminCredentials: a token whose role is an admin role. */
export async function requireAdmin(
  request: FastifyRequest,
  context: SupabaseContext,
): Promise<JwtClaims> {
  const claims = await bearerClaims(request, context);
  if (typeof claims.session_id === "string" && claims.session_id !== AUTH.nilUuid) {
    await loadCaller(context, claims);
  }
  if (!(AUTH.adminRoles as readonly string[]).includes(String(claims.role ?? ""))) {
    throw forbidden("not_admin", "User not allowed");
  }
  return claims;
}

/** GoTrue's requestAud: the X-JWT-AUD header, else a user token's aud, else the default. */
export function requestAud(request: FastifyRequest, claims?: JwtClaims): string {
  const header = request.headers["x-jwt-aud"];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  if (claims && !(AUTH.adminRoles as readonly string[]).includes(String(claims.role ?? ""))) {
    const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    if (typeof aud === "string" && aud) return aud;
  }
  return AUTH.aud;
}
