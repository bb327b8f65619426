// Session tokens signed with an asymmetric key (STACK_JWT_ALG=ES256), as on a
// Supabase project that moved to JWT signing keys: supabase-js verifies them
// itself against the published JWKS, the stand-in's APIs accept them and
// refuse another key's, and the API keys stay HS256. The default HS256
// project publishes no keys.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { parseJwtAlg } from "../src/supabase/signing-key.ts";
import { API_VERSION, authFetch, jwtPayload, supabaseClient, uniqueEmail } from "./support/auth.ts";
import { apiFetch } from "./support/clients.ts";
import { startTestProject, type TestProject } from "./support/supabase.ts";

const PASSWORD = "correct-horse";

/** A fetch that remembers the paths supabase-js asked for. */
function recordingFetch(): { fetch: typeof fetch; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    fetch: (input, init) => {
      paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
      return fetch(input, init);
    },
  };
}

async function signedUp(project: TestProject, label: string, fetchImpl?: typeof fetch) {
  const client = supabaseClient(project, project.keys.anonKey, undefined, { fetch: fetchImpl });
  const { data, error } = await client.auth.signUp({
    email: uniqueEmail(label),
    password: PASSWORD,
  });
  assert.equal(error, null, "sign-up with autoconfirm should succeed");
  assert.ok(data.session && data.user, "autoconfirm sign-up should return a session");
  return { client, session: data.session, user: data.user };
}

/** The same claims as `token`, signed with a fresh ES256 key under `kid`. */
async function reSignedWithAnotherKey(token: string, kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256");
  return new SignJWT(jwtPayload(token))
    .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
    .sign(privateKey);
}

const getUserWith = (project: TestProject, token: string) =>
  authFetch(project, "/user", { headers: { Authorization: `Bearer ${token}`, ...API_VERSION } });

const profilesWith = (project: TestProject, token: string) =>
  apiFetch(project, "/rest/v1", "/profiles?select=id", {
    headers: { Authorization: `Bearer ${token}` },
  });

describe("ES256 session tokens", () => {
  let es256: TestProject;
  let hs256: TestProject;

  before(async () => {
    [es256, hs256] = await Promise.all([startTestProject({ jwtAlg: "ES256" }), startTestProject()]);
  });
  after(() => Promise.all([es256?.close(), hs256?.close()]));

  test("the JWKS lists the public key, without an API key, as GoTrue serves it", async () => {
    const response = await fetch(`${es256.api.url}/auth/v1/.well-known/jwks.json`);
    assert.equal(response.status, 200, "the gateway should let the JWKS through without apikey");
    assert.equal(response.headers.get("cache-control"), "public, max-age=600");
    const body = (await response.json()) as { keys: Array<Record<string, unknown>> };
    assert.equal(body.keys.length, 1, "one signing key");
    const [key] = body.keys;
    assert.deepEqual(Object.keys(key ?? {}), [
      "alg",
      "crv",
      "key_ops",
      "kid",
      "kty",
      "use",
      "x",
      "y",
    ]);
    assert.equal(key?.alg, "ES256");
    assert.equal(key?.crv, "P-256");
    assert.equal(key?.kty, "EC");
    assert.equal(key?.use, "sig");
    assert.deepEqual(key?.key_ops, ["verify"]);
    assert.match(String(key?.kid), /^[0-9a-f-]{36}$/);
    assert.ok(!("d" in (key ?? {})), "no private part");
  });

  test("a session token is ES256 with the JWKS key's kid; the API keys stay HS256", async () => {
    const { session } = await signedUp(es256, "es256-header");
    const kid = es256.signingKey.publicKey?.kid;
    assert.deepEqual(decodeProtectedHeader(session.access_token), {
      alg: "ES256",
      kid,
      typ: "JWT",
    });
    assert.equal(jwtPayload(session.access_token).iss, `${es256.api.url}/auth/v1`);
    for (const apiKey of [es256.keys.anonKey, es256.keys.serviceRoleKey]) {
      assert.deepEqual(decodeProtectedHeader(apiKey), { alg: "HS256", typ: "JWT" });
    }
    const admin = supabaseClient(es256, es256.keys.serviceRoleKey);
    const listed = await admin.auth.admin.listUsers({ page: 1, perPage: 1 });
    assert.equal(
      listed.error,
      null,
      "the HS256 service_role key should still pass Auth's admin guard",
    );
  });

  test("supabase-js getClaims() verifies the token against the JWKS, not via /user", async () => {
    const recorder = recordingFetch();
    const { client, user } = await signedUp(es256, "es256-claims", recorder.fetch);
    recorder.paths.length = 0;
    const { data, error } = await client.auth.getClaims();
    assert.equal(error, null);
    assert.equal(data?.claims.sub, user.id);
    assert.equal(data?.claims.role, "authenticated");
    assert.equal(data?.header.alg, "ES256");
    assert.deepEqual(
      recorder.paths,
      ["/auth/v1/.well-known/jwks.json"],
      "only the JWKS is fetched",
    );
  });

  test("the token works at /user and under RLS in the Data API", async () => {
    const { session, user } = await signedUp(es256, "es256-use");
    const me = await getUserWith(es256, session.access_token);
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { id: string }).id, user.id);
    const asUser = supabaseClient(es256, es256.keys.anonKey, session.access_token);
    const { data, error } = await asUser.from("profiles").select("id");
    assert.equal(error, null);
    assert.deepEqual(data, [{ id: user.id }], "RLS should show the user their own profile");
  });

  test("a token signed with another ES256 key is refused by Auth, the Data API and getClaims", async () => {
    const { session } = await signedUp(es256, "es256-forged");
    const kid = es256.signingKey.publicKey?.kid ?? "";
    const sameKid = await reSignedWithAnotherKey(session.access_token, kid);
    const otherKid = await reSignedWithAnotherKey(session.access_token, crypto.randomUUID());
    const prefix = "invalid JWT: unable to parse or verify signature, ";
    const expected = [
      [sameKid, "token signature is invalid: crypto/ecdsa: verification error"],
      [
        otherKid,
        `token is unverifiable: error while executing keyfunc: invalid kid: ${jwtKid(otherKid)}`,
      ],
    ] as const;
    for (const [forged, detail] of expected) {
      const response = await getUserWith(es256, forged);
      assert.equal(response.status, 403, "Auth refuses a foreign signature with 403");
      assert.deepEqual(await response.json(), { code: "bad_jwt", message: `${prefix}${detail}` });

      const rest = await profilesWith(es256, forged);
      assert.equal(rest.status, 401, "the Data API refuses a foreign signature with 401");
      assert.deepEqual(await rest.json(), {
        code: "PGRST301",
        details: "None of the keys was able to decode the JWT",
        hint: null,
        message: "No suitable key or wrong key type",
      });
    }
    const claims = await supabaseClient(es256, es256.keys.anonKey).auth.getClaims(sameKid);
    assert.equal(claims.data, null);
    assert.equal(claims.error?.message, "Invalid JWT signature");
  });

  test("HS256 (the default): no keys in the JWKS, getClaims() asks /user, ES256 tokens refused", async () => {
    const jwks = await fetch(`${hs256.api.url}/auth/v1/.well-known/jwks.json`);
    assert.equal(jwks.status, 200);
    assert.deepEqual(await jwks.json(), { keys: [] });

    const recorder = recordingFetch();
    const { client, session, user } = await signedUp(hs256, "hs256-claims", recorder.fetch);
    assert.deepEqual(decodeProtectedHeader(session.access_token), { alg: "HS256", typ: "JWT" });
    recorder.paths.length = 0;
    const { data, error } = await client.auth.getClaims();
    assert.equal(error, null);
    assert.equal(data?.claims.sub, user.id);
    assert.deepEqual(
      recorder.paths,
      ["/auth/v1/user"],
      "a symmetric token is checked by the server",
    );

    const foreign = await reSignedWithAnotherKey(session.access_token, crypto.randomUUID());
    const response = await getUserWith(hs256, foreign);
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), {
      code: "bad_jwt",
      message:
        "invalid JWT: unable to parse or verify signature, token signature is invalid: signing method ES256 is invalid",
    });
    assert.equal((await profilesWith(hs256, foreign)).status, 401);
  });

  test("STACK_JWT_ALG and --jwt-alg take HS256 or ES256 and name themselves when wrong", () => {
    assert.equal(parseJwtAlg(" ES256 "), "ES256");
    assert.throws(
      () => parseJwtAlg("es256", "--jwt-alg"),
      /^Error: --jwt-alg: unknown JWT algorithm "es256"; known: HS256, ES256$/,
    );
    assert.throws(() => parseJwtAlg("RS256"), /^Error: STACK_JWT_ALG: /);
  });
});

function jwtKid(token: string): string {
  return String(decodeProtectedHeader(token).kid);
}
