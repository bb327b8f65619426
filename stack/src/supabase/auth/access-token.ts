import { SignJWT } from "jose";
import type { SupabaseContext } from "../context.ts";
import { type JwtClaims, secretBytes, verifyJwt } from "../keys.ts";
import { AUTH } from "./config.ts";
import { forbidden } from "./errors.ts";
import type { AmrEntry } from "./sessions.ts";
import type { UserRow } from "./users.ts";

/** The issuer GoTrue puts in access tokens: the Auth API's external URL. */
export const issuer = (context: SupabaseContext) => `${context.publicUrl}/auth/v1`;

/** Signs an access token with GoTrue's claims, in GoTrue's order; HS256 without `kid`. */
export async function signAccessToken(
  context: SupabaseContext,
  user: UserRow,
  session: { id: string; aal: string | null; amr: AmrEntry[] },
): Promise<{ token: string; expiresAt: number }> {
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + AUTH.jwtExpirySeconds;
  const claims = {
    iss: issuer(context),
    sub: user.id,
    aud: user.aud ?? AUTH.aud,
    exp: expiresAt,
    iat: issuedAt,
    email: user.email ?? "",
    phone: user.phone ?? "",
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role ?? "",
    aal: session.aal ?? "aal1",
    amr: session.amr,
    session_id: session.id,
    is_anonymous: user.is_anonymous,
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(secretBytes(context.keys.jwtSecret));
  return { token, expiresAt };
}

/** Verifies a bearer token as GoTrue's parseJWTClaims does (bad_jwt, 403). */
export async function verifyBearer(context: SupabaseContext, token: string): Promise<JwtClaims> {
  const result = await verifyJwt(token, context.keys.jwtSecret);
  if (result.ok) return result.claims;
  const detail =
    result.reason === "expired"
      ? "token has invalid claims: token is expired"
      : "token signature is invalid: signature is invalid";
  throw forbidden("bad_jwt", `invalid JWT: unable to parse or verify signature, ${detail}`);
}
