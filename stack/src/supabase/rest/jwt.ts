import { type CompactJWSHeaderParameters, type CryptoKey, compactVerify, errors } from "jose";
import type { SigningKey } from "../signing-key.ts";
import { RestError } from "./errors.ts";

/** Who the request runs as: the Postgres role and the claims RLS policies read. */
export interface RequestAuth {
  readonly role: string;
  readonly claims: Record<string, unknown>;
}

/** PostgREST tolerates this much clock skew on exp, nbf and iat. */
const CLOCK_SKEW_S = 30;
const SECRET_ALGORITHMS = ["HS256", "HS384", "HS512"];

/** None of the configured keys fits the token (PostgREST's JWK set has no such key). */
class NoSuitableKey extends Error {}

/**
 * The key of PostgREST's JWK set that fits the token: the secret for HS*, the
 * project's public key for its own alg and kid. Supabase gives PostgREST both.
 */
function keyFor(signing: SigningKey, header: CompactJWSHeaderParameters): CryptoKey | Uint8Array {
  if (SECRET_ALGORITHMS.includes(header.alg)) return signing.secret;
  const pub = signing.publicKey;
  if (pub && header.alg === signing.alg && (header.kid === undefined || header.kid === pub.kid)) {
    return pub.key;
  }
  throw new NoSuitableKey();
}

/**
 * Verifies the bearer token as PostgREST does: no token means the anon role,
 * a token that does not verify is PGRST301, bad time/shape claims PGRST303.
 */
export async function authenticate(
  token: string | undefined,
  signing: SigningKey,
  now = Date.now(),
): Promise<RequestAuth> {
  if (token === undefined) return { role: "anon", claims: {} };
  if (token === "") throw decodeError("Empty JWT is sent in Authorization header");
  const parts = token.split(".").length;
  if (parts !== 3) throw decodeError(`Expected 3 parts in JWT; got ${parts}`);

  const header = decodeSegment(token.split(".")[0] ?? "");
  if (!header) throw decodeError("JWT cryptographic operation failed");
  if (header.alg === "none") {
    throw decodeError(
      "Wrong or unsupported encoding algorithm",
      "JWT is unsecured but expected 'alg' was not 'none'",
    );
  }
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(
      token,
      (protectedHeader) => keyFor(signing, protectedHeader),
      {
        algorithms: signing.publicKey ? [...SECRET_ALGORITHMS, signing.alg] : SECRET_ALGORITHMS,
      },
    ));
  } catch (error) {
    if (
      error instanceof errors.JWSSignatureVerificationFailed ||
      error instanceof errors.JOSEAlgNotAllowed ||
      error instanceof NoSuitableKey
    ) {
      throw decodeError(
        "No suitable key or wrong key type",
        "None of the keys was able to decode the JWT",
      );
    }
    throw decodeError("JWT cryptographic operation failed");
  }
  const claims = parseClaims(payload);
  checkClaims(claims, Math.floor(now / 1000));
  const role = claims.role;
  return {
    role:
      role === undefined || role === null
        ? "anon"
        : typeof role === "string"
          ? role
          : JSON.stringify(role),
    claims,
  };
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function parseClaims(payload: Uint8Array): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(payload));
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // falls through to the claims error below
  }
  throw claimsError("Parsing claims failed");
}

function checkClaims(claims: Record<string, unknown>, nowS: number): void {
  const time = (
    name: "exp" | "nbf" | "iat",
    isBad: (value: number) => boolean,
    message: string,
  ) => {
    const value = claims[name];
    if (value === undefined || value === null) return;
    if (typeof value !== "number") throw claimsError(`The JWT '${name}' claim must be a number`);
    if (isBad(Math.floor(value))) throw claimsError(message);
  };
  time("exp", (exp) => nowS - CLOCK_SKEW_S > exp, "JWT expired");
  time("nbf", (nbf) => nowS + CLOCK_SKEW_S < nbf, "JWT not yet valid");
  time("iat", (iat) => nowS + CLOCK_SKEW_S < iat, "JWT issued at future");
  const aud = claims.aud;
  const audOk =
    aud === undefined ||
    aud === null ||
    typeof aud === "string" ||
    (Array.isArray(aud) && aud.every((item) => typeof item === "string"));
  if (!audOk) throw claimsError("The JWT 'aud' claim must be a string or an array of strings");
}

function decodeError(message: string, details: string | null = null): RestError {
  return new RestError(401, "PGRST301", message, details, null, {
    "WWW-Authenticate": invalidTokenHeader(message),
  });
}

function claimsError(message: string): RestError {
  return new RestError(401, "PGRST303", message, null, null, {
    "WWW-Authenticate": invalidTokenHeader(message),
  });
}

function invalidTokenHeader(message: string): string {
  return `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`;
}
