// The key Auth signs session access tokens with. HS256 with the project's JWT
// secret is the default (a legacy project); ES256 stands for a project with an
// asymmetric signing key: a P-256 pair made at boot, named by a `kid` in every
// token's header, its public half served at /auth/v1/.well-known/jwks.json.
// The anon and service_role API keys stay HS256 JWTs either way, and the
// secret keeps verifying them, as it does on a project that moved to
// signing keys (the legacy secret stays a verification key).
import { randomUUID } from "node:crypto";
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { secretBytes } from "./keys.ts";

export const JWT_ALGS = ["HS256", "ES256"] as const;

export type JwtAlg = (typeof JWT_ALGS)[number];

export const DEFAULT_JWT_ALG: JwtAlg = "HS256";

/** Checks a signing algorithm; `source` (STACK_JWT_ALG, --jwt-alg) is named in the error. */
export function parseJwtAlg(value: string, source = "STACK_JWT_ALG"): JwtAlg {
  const alg = value.trim();
  if ((JWT_ALGS as readonly string[]).includes(alg)) return alg as JwtAlg;
  throw new Error(`${source}: unknown JWT algorithm "${alg}"; known: ${JWT_ALGS.join(", ")}`);
}

/** The algorithm STACK_JWT_ALG asks for (HS256 when unset or empty); throws naming the variable. */
export function jwtAlgFromEnv(env: NodeJS.ProcessEnv = process.env): JwtAlg {
  const raw = env.STACK_JWT_ALG;
  return raw === undefined || raw.trim() === "" ? DEFAULT_JWT_ALG : parseJwtAlg(raw);
}

/** A public signing key as GoTrue lists it: use "sig", key_ops ["verify"], fields in its order. */
export interface PublicJwk {
  readonly alg: "ES256";
  readonly crv: string;
  readonly key_ops: readonly ["verify"];
  readonly kid: string;
  readonly kty: "EC";
  readonly use: "sig";
  readonly x: string;
  readonly y: string;
}

export interface SigningKey {
  readonly alg: JwtAlg;
  /** The project's JWT secret: signs in HS256 mode, verifies HS256 tokens in both. */
  readonly secret: Uint8Array;
  /** The ES256 pair's public half and its kid; undefined in HS256 mode. */
  readonly publicKey: { readonly kid: string; readonly key: CryptoKey } | undefined;
  /** The body of GET /.well-known/jwks.json: no keys for a symmetric-only project. */
  readonly jwks: { readonly keys: readonly PublicJwk[] };
  /** Signs access-token claims: HS256 without `kid`, or ES256 with the pair's `kid`. */
  sign(claims: JWTPayload): Promise<string>;
}

export async function makeSigningKey(alg: JwtAlg, jwtSecret: string): Promise<SigningKey> {
  const secret = secretBytes(jwtSecret);
  if (alg === "HS256") {
    return {
      alg,
      secret,
      publicKey: undefined,
      jwks: { keys: [] },
      sign: (claims) =>
        new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(secret),
    };
  }
  const pair = await generateKeyPair("ES256");
  // Supabase names its signing keys with UUIDs.
  const kid = randomUUID();
  const { crv, x, y } = await exportJWK(pair.publicKey);
  if (!crv || !x || !y) throw new Error("ES256 public key exported without crv, x or y");
  const jwk: PublicJwk = { alg, crv, key_ops: ["verify"], kid, kty: "EC", use: "sig", x, y };
  return {
    alg,
    secret,
    publicKey: { kid, key: pair.publicKey },
    jwks: { keys: [jwk] },
    // GoTrue's header: golang-jwt's alg and typ plus kid, which Go writes in key order.
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg, kid, typ: "JWT" }).sign(pair.privateKey),
  };
}
