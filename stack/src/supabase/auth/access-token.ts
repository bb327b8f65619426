import {
  type CryptoKey,
  decodeProtectedHeader,
  errors,
  type JWTHeaderParameters,
  jwtVerify,
} from "jose";
import type { SupabaseContext } from "../context.ts";
import type { JwtClaims } from "../keys.ts";
import type { SigningKey } from "../signing-key.ts";
import { AUTH } from "./config.ts";
import { forbidden } from "./errors.ts";
import type { AmrEntry } from "./sessions.ts";
import type { UserRow } from "./users.ts";

/** The issuer GoTrue puts in access tokens: the Auth API's external URL. */
export const issuer = (context: SupabaseContext) => `${context.publicUrl}/auth/v1`;

/** Signs an access token with GoTrue's claims, in GoTrue's order, with the project's signing key. */
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
  const token = await context.signingKey.sign(claims);
  return { token, expiresAt };
}

/** Why GoTrue's keyfunc found no key (golang-jwt calls the token unverifiable). */
class UnverifiableError extends Error {}

/**
 * GoTrue's keyfunc: a `kid` must name one of the project's keys; without one,
 * an HS256 token is checked with the JWT secret and anything else is refused.
 */
function verificationKey(signing: SigningKey, header: JWTHeaderParameters): CryptoKey | Uint8Array {
  if (typeof header.kid === "string") {
    if (header.kid === signing.publicKey?.kid) return signing.publicKey.key;
    throw new UnverifiableError(`invalid kid: ${header.kid}`);
  }
  if (header.alg === "HS256") return signing.secret;
  throw new UnverifiableError(`unrecognized JWT kid <nil> for algorithm ${header.alg}`);
}

/** golang-jwt's wording of why a token failed, as GoTrue passes it on. */
function failureDetail(error: unknown, token: string): string {
  if (error instanceof errors.JWTExpired) return "token has invalid claims: token is expired";
  if (error instanceof UnverifiableError) {
    return `token is unverifiable: error while executing keyfunc: ${error.message}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return `token signature is invalid: signing method ${headerAlg(token)} is invalid`;
  }
  const ecdsa = headerAlg(token).startsWith("ES");
  return `token signature is invalid: ${ecdsa ? "crypto/ecdsa: verification error" : "signature is invalid"}`;
}

function headerAlg(token: string): string {
  try {
    return decodeProtectedHeader(token).alg ?? "";
  } catch {
    return "";
  }
}

/** Verifies a bearer token as GoTrue's parseJWTClaims does (bad_jwt, 403). */
export async function verifyBearer(context: SupabaseContext, token: string): Promise<JwtClaims> {
  const signing = context.signingKey;
  // GoTrue's valid methods: one per configured key; the legacy secret stays one of them.
  const algorithms = signing.publicKey ? [signing.alg, "HS256"] : ["HS256"];
  try {
    const { payload } = await jwtVerify(token, (header) => verificationKey(signing, header), {
      algorithms,
    });
    return payload as JwtClaims;
  } catch (error) {
    const detail = failureDetail(error, token);
    throw forbidden("bad_jwt", `invalid JWT: unable to parse or verify signature, ${detail}`);
  }
}
