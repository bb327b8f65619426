import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SignJWT } from "jose";
import {
  API_VERSION,
  anonClient,
  authFetch,
  jwtPayload,
  passwordSignIn,
  supabaseClient,
  uniqueEmail,
  useProject,
} from "./support/auth.ts";

describe("auth: the signed-in user, tokens, refresh and sign-out", () => {
  const env = useProject();

  /** A client holding the session of a freshly signed-up user. */
  async function signedUp(label: string, data: Record<string, unknown> = {}) {
    const client = anonClient(env.project);
    const email = uniqueEmail(label);
    const { data: result, error } = await client.auth.signUp({
      email,
      password: "correct-horse",
      options: { data },
    });
    assert.equal(error, null);
    assert.ok(result.session && result.user);
    return { client, email, session: result.session, user: result.user };
  }

  const getUserWith = (token: string) =>
    authFetch(env.project, "/user", {
      headers: { Authorization: `Bearer ${token}`, ...API_VERSION },
    });

  test("getUser returns the signed-in user", async () => {
    const { client, user } = await signedUp("getuser", { full_name: "Ada" });
    const { data, error } = await client.auth.getUser();
    assert.equal(error, null);
    assert.equal(data.user?.id, user.id);
    assert.equal(data.user?.user_metadata.full_name, "Ada");
    assert.equal(data.user?.identities?.length, 1);
  });

  test("updateUser merges data into user_metadata, and a null value deletes a key", async () => {
    const { client } = await signedUp("merge", { full_name: "Ada", city: "London" });
    const merged = await client.auth.updateUser({ data: { plan: "pro", city: "Paris" } });
    assert.equal(merged.error, null);
    assert.equal(merged.data.user?.user_metadata.full_name, "Ada");
    assert.equal(merged.data.user?.user_metadata.city, "Paris");
    assert.equal(merged.data.user?.user_metadata.plan, "pro");
    const removed = await client.auth.updateUser({ data: { city: null } });
    assert.equal(removed.error, null);
    assert.equal("city" in (removed.data.user?.user_metadata ?? {}), false);
    assert.equal(removed.data.user?.user_metadata.plan, "pro");
  });

  test("updateUser changes the password: the old one stops working, other sessions end", async () => {
    const { client, email } = await signedUp("password");
    const other = anonClient(env.project);
    await other.auth.signInWithPassword({ email, password: "correct-horse" });

    const same = await client.auth.updateUser({ password: "correct-horse" });
    assert.equal(same.error?.code, "same_password");
    const weak = await client.auth.updateUser({ password: "short" });
    assert.equal(weak.error?.code, "weak_password");

    const changed = await client.auth.updateUser({ password: "battery-staple" });
    assert.equal(changed.error, null);
    const old = await client.auth.signInWithPassword({ email, password: "correct-horse" });
    assert.equal(old.error?.code, "invalid_credentials");
    const otherUser = await other.auth.getUser();
    assert.equal(otherUser.error?.name, "AuthSessionMissingError", "other sessions are signed out");
    const fresh = await client.auth.signInWithPassword({ email, password: "battery-staple" });
    assert.equal(fresh.error, null);
  });

  test("updateUser cannot set app_metadata", async () => {
    const { session } = await signedUp("appmeta");
    const response = await authFetch(env.project, "/user", {
      method: "PUT",
      headers: {
        Authorization: `Bearer ${session.access_token}`,
        "content-type": "application/json",
        ...API_VERSION,
      },
      body: JSON.stringify({ app_metadata: { role: "admin" } }),
    });
    assert.equal(response.status, 403);
    assert.equal(((await response.json()) as { code: string }).code, "not_admin");
  });

  test("refreshSession rotates the refresh token and issues a new access token", async () => {
    const { client, session } = await signedUp("refresh");
    const { data, error } = await client.auth.refreshSession();
    assert.equal(error, null);
    assert.ok(data.session);
    assert.notEqual(data.session.refresh_token, session.refresh_token);
    assert.match(data.session.refresh_token, /^[a-z0-9]{12}$/);
    assert.equal(
      jwtPayload(data.session.access_token).session_id,
      jwtPayload(session.access_token).session_id,
    );
    const rows = await env.db.query(
      "select token, revoked, parent from auth.refresh_tokens where session_id = $1 order by id",
      [jwtPayload(session.access_token).session_id],
    );
    assert.deepEqual(rows.rows, [
      { token: session.refresh_token, revoked: true, parent: null },
      { token: data.session.refresh_token, revoked: false, parent: session.refresh_token },
    ]);
  });

  test("reusing a rotated refresh token: answered with the current one at first, refused once the reuse window has passed", async () => {
    const { client, session } = await signedUp("reuse");
    const first = session.refresh_token;
    const rotated = await client.auth.refreshSession();
    const current = rotated.data.session?.refresh_token;
    assert.ok(current);

    // GoTrue's allowance for a client that lost the last answer: the parent of the
    // current token gets the current token back instead of a new one.
    const lost = await anonClient(env.project).auth.refreshSession({
      refresh_token: first,
    });
    assert.equal(lost.error, null);
    assert.equal(lost.data.session?.refresh_token, current);

    const next = await client.auth.refreshSession();
    assert.ok(next.data.session);
    // Age the revocation past GoTrue's 10 s reuse interval instead of waiting for it.
    await env.db.query(
      "update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = $1",
      [first],
    );
    const replay = await anonClient(env.project).auth.refreshSession({
      refresh_token: first,
    });
    assert.equal(replay.data.session, null);
    assert.equal(replay.error?.code, "refresh_token_already_used");
    assert.equal(replay.error?.status, 400);

    // The whole token family is revoked, so the newest token is dead too once its window passes.
    await env.db.query(
      "update auth.refresh_tokens set updated_at = now() - interval '1 minute' where session_id = $1",
      [jwtPayload(session.access_token).session_id],
    );
    const afterAbuse = await client.auth.refreshSession();
    assert.equal(afterAbuse.error?.code, "refresh_token_already_used");
  });

  test("an unknown refresh token fails with refresh_token_not_found", async () => {
    const { error } = await anonClient(env.project).auth.refreshSession({
      refresh_token: "abcdefghijkl",
    });
    assert.equal(error?.code, "refresh_token_not_found");
    assert.equal(error?.status, 400);
  });

  test("signOut ends the session: its refresh token and access token stop working", async () => {
    const { client, session } = await signedUp("signout");
    const { error } = await client.auth.signOut();
    assert.equal(error, null);

    const refresh = await anonClient(env.project).auth.refreshSession({
      refresh_token: session.refresh_token,
    });
    assert.equal(refresh.error?.code, "refresh_token_not_found");

    const response = await getUserWith(session.access_token);
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), {
      code: "session_not_found",
      message: "Session from session_id claim in JWT does not exist",
    });
    const viaClient = await anonClient(env.project).auth.getUser(session.access_token);
    assert.equal(viaClient.error?.name, "AuthSessionMissingError");
  });

  test("signOut scopes: local ends only this session, others keeps only this one", async () => {
    const { client: first, email } = await signedUp("scopes");
    const second = anonClient(env.project);
    const third = anonClient(env.project);
    await second.auth.signInWithPassword({ email, password: "correct-horse" });
    await third.auth.signInWithPassword({ email, password: "correct-horse" });

    assert.equal((await second.auth.signOut({ scope: "local" })).error, null);
    assert.equal((await first.auth.getUser()).error, null);
    assert.equal((await third.auth.getUser()).error, null);

    assert.equal((await first.auth.signOut({ scope: "others" })).error, null);
    assert.equal((await first.auth.getUser()).error, null);
    assert.equal((await third.auth.getUser()).error?.name, "AuthSessionMissingError");
  });

  test("logout with an unknown scope fails with validation_failed", async () => {
    const { session } = await signedUp("badscope");
    const response = await authFetch(env.project, "/logout?scope=everywhere", {
      method: "POST",
      headers: { Authorization: `Bearer ${session.access_token}`, ...API_VERSION },
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { code: string }).code, "validation_failed");
  });

  test("a token signed with another secret is refused with bad_jwt", async () => {
    const { session } = await signedUp("forged");
    const forged = await new SignJWT(jwtPayload(session.access_token))
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(new TextEncoder().encode("not-the-env.project-secret-not-the-env.project-secret"));
    const response = await getUserWith(forged);
    assert.equal(response.status, 403);
    const body = (await response.json()) as { code: string; message: string };
    assert.equal(body.code, "bad_jwt");
    const viaClient = await anonClient(env.project).auth.getUser(forged);
    assert.equal(viaClient.error?.code, "bad_jwt");
    assert.equal(viaClient.error?.status, 403);
  });

  test("an expired access token is refused with bad_jwt", async () => {
    const { session } = await signedUp("expired");
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({
      ...jwtPayload(session.access_token),
      iat: now - 7200,
      exp: now - 3600,
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(new TextEncoder().encode(env.project.keys.jwtSecret));
    const response = await getUserWith(expired);
    assert.equal(response.status, 403);
    const body = (await response.json()) as { code: string; message: string };
    assert.equal(body.code, "bad_jwt");
    assert.match(body.message, /expired/);
  });

  test("the anon key as bearer has no sub: /user refuses it with bad_jwt", async () => {
    const response = await getUserWith(env.project.keys.anonKey);
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), {
      code: "bad_jwt",
      message: "invalid claim: missing sub claim",
    });
  });

  test("a banned user cannot sign in, refresh, or use an access token", async () => {
    const { email, session, user } = await signedUp("banned");
    const admin = supabaseClient(env.project, env.project.keys.serviceRoleKey);
    const ban = await admin.auth.admin.updateUserById(user.id, { ban_duration: "24h" });
    assert.equal(ban.error, null);
    assert.ok(ban.data.user?.banned_until);

    const signIn = await passwordSignIn(env.project, email, "correct-horse");
    assert.equal(signIn.error?.code, "user_banned");
    assert.equal(signIn.error?.status, 400);
    const refresh = await anonClient(env.project).auth.refreshSession({
      refresh_token: session.refresh_token,
    });
    assert.equal(refresh.error?.code, "user_banned");
    const me = await getUserWith(session.access_token);
    assert.equal(me.status, 403);
    assert.equal(((await me.json()) as { code: string }).code, "user_banned");

    const unban = await admin.auth.admin.updateUserById(user.id, { ban_duration: "none" });
    assert.equal(unban.data.user?.banned_until, undefined);
    const again = await passwordSignIn(env.project, email, "correct-horse");
    assert.equal(again.error, null);
  });
});
