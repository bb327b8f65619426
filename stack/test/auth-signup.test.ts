import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  API_VERSION,
  anonClient,
  authFetch,
  JSON_HEADERS,
  jwtPayload,
  uniqueEmail,
  useProject,
} from "./support/auth.ts";

describe("auth: sign-up and password sign-in through supabase-js", () => {
  const env = useProject();

  const anon = () => anonClient(env.project);

  test("sign-up returns a session for the new user, email lower-cased, metadata kept", async () => {
    const email = uniqueEmail("Signup").replace("auth-test", "Auth-Test");
    const { data, error } = await anon().auth.signUp({
      email,
      password: "correct-horse",
      options: { data: { full_name: "Ada Lovelace" } },
    });
    assert.equal(error, null);
    const { session, user } = data;
    assert.ok(session && user, "autoconfirm is on, so sign-up must sign the user in");
    assert.equal(user.email, email.toLowerCase());
    assert.equal(session.token_type, "bearer");
    assert.equal(session.expires_in, 3600);
    assert.match(session.refresh_token, /^[a-z0-9]{12}$/);
    assert.equal(user.aud, "authenticated");
    assert.equal(user.role, "authenticated");
    assert.equal(user.phone, "");
    assert.ok(user.email_confirmed_at && user.confirmed_at && user.last_sign_in_at);
    assert.deepEqual(user.app_metadata, { provider: "email", providers: ["email"] });
    assert.equal(user.user_metadata.full_name, "Ada Lovelace");
    assert.equal(user.is_anonymous, false);
    const [identity] = user.identities ?? [];
    assert.ok(identity, "the email identity is part of the user");
    assert.equal(identity.provider, "email");
    assert.equal(identity.id, user.id, "an email identity's provider id is the user id");
    assert.equal(identity.user_id, user.id);
    assert.ok(identity.identity_id);
    assert.equal(identity.identity_data?.sub, user.id);
    assert.equal(identity.identity_data?.email, email.toLowerCase());
  });

  test("the access token carries GoTrue's claims and is signed with the env.project secret", async () => {
    const email = uniqueEmail("claims");
    const { data } = await anon().auth.signUp({ email, password: "correct-horse" });
    assert.ok(data.session && data.user);
    const [header = ""] = data.session.access_token.split(".");
    assert.deepEqual(JSON.parse(Buffer.from(header, "base64url").toString()), {
      alg: "HS256",
      typ: "JWT",
    });
    const claims = jwtPayload(data.session.access_token);
    assert.deepEqual(Object.keys(claims), [
      "iss",
      "sub",
      "aud",
      "exp",
      "iat",
      "email",
      "phone",
      "app_metadata",
      "user_metadata",
      "role",
      "aal",
      "amr",
      "session_id",
      "is_anonymous",
    ]);
    assert.equal(claims.iss, `${env.project.api.url}/auth/v1`);
    assert.equal(claims.sub, data.user.id);
    assert.equal(claims.aud, "authenticated");
    assert.equal(claims.role, "authenticated");
    assert.equal(claims.aal, "aal1");
    assert.equal(claims.email, email);
    assert.equal(claims.exp, data.session.expires_at);
    assert.equal((claims.exp as number) - (claims.iat as number), 3600);
    const [amr] = claims.amr as Array<{ method: string; timestamp: number }>;
    assert.equal(amr?.method, "password");
    const { rows } = await env.db.query("select user_id from auth.sessions where id = $1", [
      claims.session_id,
    ]);
    assert.equal(rows[0]?.user_id, data.user.id, "the session_id claim names a real session");
  });

  test("sign-up writes auth.users, auth.identities, and the trigger's profile row", async () => {
    const email = uniqueEmail("rows");
    const { data } = await anon().auth.signUp({
      email,
      password: "correct-horse",
      options: { data: { full_name: "Grace Hopper" } },
    });
    const id = data.user?.id;
    assert.ok(id);
    const user = await env.db.query(
      "select email, aud, role, encrypted_password, raw_app_meta_data, raw_user_meta_data, email_confirmed_at, instance_id::text from auth.users where id = $1",
      [id],
    );
    assert.equal(user.rows[0].email, email);
    assert.match(user.rows[0].encrypted_password, /^\$2[aby]\$10\$/, "bcrypt, cost 10");
    assert.deepEqual(user.rows[0].raw_app_meta_data, { provider: "email", providers: ["email"] });
    assert.equal(user.rows[0].raw_user_meta_data.full_name, "Grace Hopper");
    assert.ok(user.rows[0].email_confirmed_at);
    assert.equal(user.rows[0].instance_id, "00000000-0000-0000-0000-000000000000");
    const identity = await env.db.query(
      "select provider, provider_id, email from auth.identities where user_id = $1",
      [id],
    );
    assert.deepEqual(identity.rows, [{ provider: "email", provider_id: id, email }]);
    const profile = await env.db.query(
      "select email, full_name from public.profiles where id = $1",
      [id],
    );
    assert.deepEqual(profile.rows, [{ email, full_name: "Grace Hopper" }]);
  });

  test("a second sign-up with a registered email fails with user_already_exists", async () => {
    const email = uniqueEmail("dup");
    await anon().auth.signUp({ email, password: "correct-horse" });
    const { data, error } = await anon().auth.signUp({
      email: email.toUpperCase(),
      password: "another-one",
    });
    assert.equal(data.session, null);
    assert.equal(error?.code, "user_already_exists");
    assert.equal(error?.status, 422);
    assert.equal(error?.message, "User already registered");
  });

  test("a short password fails with weak_password and its reasons", async () => {
    const { error } = await anon().auth.signUp({ email: uniqueEmail("weak"), password: "12345" });
    assert.equal(error?.code, "weak_password");
    assert.equal(error?.status, 422);
    assert.equal(error?.name, "AuthWeakPasswordError");
    assert.deepEqual((error as { reasons?: string[] }).reasons, ["length"]);
  });

  test("a malformed email fails with validation_failed", async () => {
    const { error } = await anon().auth.signUp({
      email: "not-an-email",
      password: "correct-horse",
    });
    assert.equal(error?.code, "validation_failed");
    assert.equal(error?.status, 400);
  });

  test("sign-in with the right password returns a fresh session and updates last_sign_in_at", async () => {
    const email = uniqueEmail("signin");
    const signUp = await anon().auth.signUp({ email, password: "correct-horse" });
    const first = signUp.data.user?.last_sign_in_at;
    const { data, error } = await anon().auth.signInWithPassword({
      email: email.toUpperCase(),
      password: "correct-horse",
    });
    assert.equal(error, null);
    assert.ok(data.session);
    assert.notEqual(data.session.refresh_token, signUp.data.session?.refresh_token);
    assert.ok(first && data.user.last_sign_in_at && data.user.last_sign_in_at > first);
    const sessions = await env.db.query(
      "select count(*)::int as n from auth.sessions where user_id = $1",
      [data.user.id],
    );
    assert.equal(sessions.rows[0].n, 2, "each sign-in opens its own session");
  });

  test("a wrong password or an unknown email both fail with invalid_credentials", async () => {
    const email = uniqueEmail("wrong");
    await anon().auth.signUp({ email, password: "correct-horse" });
    for (const attempt of [
      { email, password: "wrong-horse" },
      { email: uniqueEmail("nobody"), password: "correct-horse" },
    ]) {
      const { data, error } = await anon().auth.signInWithPassword(attempt);
      assert.equal(data.session, null);
      assert.equal(error?.code, "invalid_credentials");
      assert.equal(error?.status, 400);
      assert.equal(error?.message, "Invalid login credentials");
    }
  });

  // Last in this file: it removes the app's table for good.
  test("when the profile trigger fails, sign-up fails with GoTrue's database error and leaves no user", async () => {
    await env.db.query("drop table public.profiles");
    const email = uniqueEmail("notable");
    const { data, error } = await anon().auth.signUp({ email, password: "correct-horse" });
    assert.equal(data.user, null);
    assert.equal(error?.status, 500);
    assert.equal(error?.name, "AuthRetryableFetchError", "supabase-js reads any 5xx as retryable");
    // supabase-js does not read 5xx bodies, so look at the answer itself.
    const raw = await authFetch(env.project, "/signup", {
      method: "POST",
      headers: { ...JSON_HEADERS, ...API_VERSION },
      body: JSON.stringify({ email, password: "correct-horse" }),
    });
    assert.equal(raw.status, 500);
    assert.deepEqual(await raw.json(), {
      code: "unexpected_failure",
      message: "Database error saving new user",
    });
    const left = await env.db.query("select 1 from auth.users where email = $1", [email]);
    assert.equal(left.rowCount, 0, "the failed sign-up is rolled back entirely");
  });
});
