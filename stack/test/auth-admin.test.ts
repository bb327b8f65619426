import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";
import type pg from "pg";
import {
  API_VERSION,
  anonClient,
  authFetch,
  passwordSignIn,
  supabaseClient,
  uniqueEmail,
  useProject,
} from "./support/auth.ts";

describe("auth: admin API with the service role", () => {
  const env = useProject();

  const admin = () => supabaseClient(env.project, env.project.keys.serviceRoleKey).auth.admin;

  test("createUser makes a confirmed user with metadata, identity and profile", async () => {
    const email = uniqueEmail("create");
    const { data, error } = await admin().createUser({
      email,
      password: "correct-horse",
      email_confirm: true,
      user_metadata: { full_name: "Katherine Johnson" },
      app_metadata: { plan: "pro" },
    });
    assert.equal(error, null);
    const user = data.user;
    assert.ok(user);
    assert.equal(user.email, email);
    assert.ok(user.email_confirmed_at);
    assert.equal(user.user_metadata.full_name, "Katherine Johnson");
    assert.deepEqual(user.app_metadata, { provider: "email", providers: ["email"], plan: "pro" });
    assert.equal(user.identities?.[0]?.provider, "email");
    assert.equal(user.last_sign_in_at, undefined, "nobody has signed in yet");
    const profile = await env.db.query("select full_name from public.profiles where id = $1", [
      user.id,
    ]);
    assert.equal(profile.rows[0]?.full_name, "Katherine Johnson");

    const signIn = await passwordSignIn(env.project, email, "correct-horse");
    assert.equal(signIn.error, null);
  });

  test("createUser without email_confirm leaves the user unable to sign in", async () => {
    const email = uniqueEmail("unconfirmed");
    const { data } = await admin().createUser({ email, password: "correct-horse" });
    assert.equal(data.user?.email_confirmed_at, undefined);
    const signIn = await passwordSignIn(env.project, email, "correct-horse");
    assert.equal(signIn.error?.code, "email_not_confirmed");
  });

  test("createUser with a registered email fails with email_exists", async () => {
    const email = uniqueEmail("exists");
    await admin().createUser({ email, password: "correct-horse", email_confirm: true });
    const { error } = await admin().createUser({ email, password: "correct-horse" });
    assert.equal(error?.code, "email_exists");
    assert.equal(error?.status, 422);
  });

  test("listUsers pages newest first with X-Total-Count and Link, as supabase-js reads them", async () => {
    const { rows } = await env.db.query("select count(*)::int as n from auth.users");
    const already = rows[0].n as number;
    const created: string[] = [];
    for (const label of ["page-a", "page-b", "page-c"]) {
      const { data } = await admin().createUser({ email: uniqueEmail(label), email_confirm: true });
      assert.ok(data.user);
      created.push(data.user.id);
    }
    const total = already + 3;
    const first = await admin().listUsers({ page: 1, perPage: 2 });
    assert.equal(first.error, null);
    assert.deepEqual(
      first.data.users.map((user) => user.id),
      [created[2], created[1]],
      "newest first",
    );
    assert.equal(first.data.total, total);
    assert.equal(first.data.nextPage, 2);
    assert.equal(first.data.lastPage, Math.ceil(total / 2));
    assert.equal(first.data.aud, "authenticated");

    const response = await authFetch(env.project, "/admin/users?page=1&per_page=2", {
      headers: { Authorization: `Bearer ${env.project.keys.serviceRoleKey}` },
    });
    assert.equal(response.headers.get("x-total-count"), String(total));
    assert.equal(
      response.headers.get("link"),
      `</admin/users?page=2&per_page=2>; rel="next", </admin/users?page=${Math.ceil(total / 2)}&per_page=2>; rel="last"`,
    );

    const last = await admin().listUsers({ page: Math.ceil(total / 2), perPage: 2 });
    assert.equal(last.error, null);
    assert.equal(last.data.nextPage, null, "no next page after the last");
  });

  test("listUsers refuses bad pagination with validation_failed", async () => {
    const response = await authFetch(env.project, "/admin/users?page=abc", {
      headers: { Authorization: `Bearer ${env.project.keys.serviceRoleKey}`, ...API_VERSION },
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { code: string }).code, "validation_failed");
  });

  test("getUserById finds a user; a missing id is user_not_found, a non-UUID validation_failed", async () => {
    const { data } = await admin().createUser({ email: uniqueEmail("get"), email_confirm: true });
    assert.ok(data.user);
    const found = await admin().getUserById(data.user.id);
    assert.equal(found.data.user?.email, data.user.email);
    assert.equal(found.data.user?.identities?.length, 1);

    const missing = await admin().getUserById(randomUUID());
    assert.equal(missing.error?.code, "user_not_found");
    assert.equal(missing.error?.status, 404);
    // supabase-js checks the id itself, so ask the server directly.
    const malformed = await authFetch(env.project, "/admin/users/not-a-uuid", {
      headers: { Authorization: `Bearer ${env.project.keys.serviceRoleKey}`, ...API_VERSION },
    });
    assert.equal(malformed.status, 404);
    assert.deepEqual(await malformed.json(), {
      code: "validation_failed",
      message: "user_id must be an UUID",
    });
  });

  test("updateUserById merges user_metadata, sets email and password", async () => {
    const { data } = await admin().createUser({
      email: uniqueEmail("update"),
      password: "correct-horse",
      email_confirm: true,
      user_metadata: { full_name: "Mary", team: "a" },
    });
    assert.ok(data.user);
    const email = uniqueEmail("updated");
    const updated = await admin().updateUserById(data.user.id, {
      email,
      password: "battery-staple",
      user_metadata: { team: "b", extra: true },
      app_metadata: { plan: "team" },
    });
    assert.equal(updated.error, null);
    assert.equal(updated.data.user?.email, email);
    assert.equal(updated.data.user?.user_metadata.full_name, "Mary");
    assert.equal(updated.data.user?.user_metadata.team, "b");
    assert.equal(updated.data.user?.user_metadata.extra, true);
    assert.equal(updated.data.user?.app_metadata.plan, "team");
    assert.equal(updated.data.user?.identities?.[0]?.identity_data?.email, email);
    const signIn = await passwordSignIn(env.project, email, "battery-staple");
    assert.equal(signIn.error, null);

    const weak = await admin().updateUserById(data.user.id, { password: "123" });
    assert.equal(weak.error?.code, "weak_password");
    const badBan = await admin().updateUserById(data.user.id, { ban_duration: "3 days" });
    assert.equal(badBan.error?.code, "validation_failed");
    assert.equal(badBan.error?.status, 400);
  });

  test("deleteUser removes the user, its identities, sessions and (by cascade) its profile", async () => {
    const email = uniqueEmail("delete");
    const signUp = await anonClient(env.project).auth.signUp({
      email,
      password: "correct-horse",
    });
    const id = signUp.data.user?.id;
    assert.ok(id);
    const { error } = await admin().deleteUser(id);
    assert.equal(error, null);
    for (const [table, column] of [
      ["auth.users", "id"],
      ["auth.identities", "user_id"],
      ["auth.sessions", "user_id"],
      ["public.profiles", "id"],
    ]) {
      const { rowCount }: pg.QueryResult = await env.db.query(
        `select 1 from ${table} where ${column} = $1`,
        [id],
      );
      assert.equal(rowCount, 0, `${table} still has rows of the deleted user`);
    }
    const again = await admin().getUserById(id);
    assert.equal(again.error?.code, "user_not_found");
  });

  test("a delete the database refuses answers as GoTrue does: the public Postgres error, or its own in 2024-01-01", async () => {
    // GoTrue (internal/api/errors.go, internal/utilities/postgres.go) passes
    // integrity errors on as {code, message, detail} with 500 in its legacy
    // format; the 2024-01-01 format gives its own code and message instead.
    const email = uniqueEmail("blocked");
    const created = await admin().createUser({
      email,
      password: "correct-horse",
      email_confirm: true,
    });
    const id = created.data.user?.id;
    assert.ok(id);
    await env.db.query(
      "create table public.blocking_orders (owner uuid references auth.users (id))",
    );
    await env.db.query("insert into public.blocking_orders values ($1)", [id]);
    try {
      const headers = { Authorization: `Bearer ${env.project.keys.serviceRoleKey}` };
      const legacy = await authFetch(env.project, `/admin/users/${id}`, {
        method: "DELETE",
        headers,
      });
      assert.equal(legacy.status, 500);
      const body = (await legacy.json()) as Record<string, unknown>;
      assert.equal(body.code, "23503");
      assert.match(
        String(body.message),
        /violates foreign key constraint "blocking_orders_owner_fkey"/,
      );
      assert.match(String(body.detail), /is still referenced from table "blocking_orders"/);
      assert.equal(legacy.headers.get("x-sb-error-code"), "unexpected_failure");
      const v2024 = await authFetch(env.project, `/admin/users/${id}`, {
        method: "DELETE",
        headers: { ...headers, ...API_VERSION },
      });
      assert.equal(v2024.status, 500);
      assert.deepEqual(await v2024.json(), {
        code: "unexpected_failure",
        message: "Database error deleting user",
      });
      assert.equal((await admin().getUserById(id)).error, null, "the user is still there");
    } finally {
      await env.db.query("drop table public.blocking_orders");
    }
  });

  test("a user's own token is not an admin's: not_admin", async () => {
    const signUp = await anonClient(env.project).auth.signUp({
      email: uniqueEmail("notadmin"),
      password: "correct-horse",
    });
    const token = signUp.data.session?.access_token;
    assert.ok(token);
    for (const bearer of [token, env.project.keys.anonKey]) {
      const response = await authFetch(env.project, "/admin/users", {
        headers: { Authorization: `Bearer ${bearer}`, ...API_VERSION },
      });
      assert.equal(response.status, 403);
      assert.deepEqual(await response.json(), { code: "not_admin", message: "User not allowed" });
    }
  });

  test("the secret key (sb_secret_…) works for the admin API, the publishable key does not", async () => {
    const secret = supabaseClient(env.project, env.project.keys.secretKey).auth.admin;
    const listed = await secret.listUsers({ page: 1, perPage: 1 });
    assert.equal(listed.error, null);
    assert.equal(listed.data.users.length, 1);

    const publishable = supabaseClient(env.project, env.project.keys.publishableKey).auth.admin;
    const refused = await publishable.listUsers();
    assert.equal(refused.error?.code, "not_admin");
  });
});
