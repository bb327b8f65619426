import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SignJWT } from "jose";
import { secretBytes } from "../src/supabase/keys.ts";
import {
  accessToken,
  createUser,
  type RestBed,
  restClient,
  restFetch,
  startRestBed,
  type TestUser,
} from "./support/rest.ts";

const ERROR_KEYS = ["code", "details", "hint", "message"];

describe("Data API protocol: tokens, schema cache, RPC, OpenAPI", () => {
  let bed: RestBed;
  let alice: TestUser;

  before(async () => {
    bed = await startRestBed(`
      create function public.rest_add(a int, b int default 1) returns int language sql as $$ select a + b $$;
      create function public.rest_whoami() returns json language sql stable as $$
        select json_build_object('uid', auth.uid(), 'role', auth.role(), 'db_role', current_user,
                                 'method', current_setting('request.method', true))
      $$;
      create function public.rest_series(n int) returns setof int language sql as $$ select generate_series(1, n) $$;
      create function public.rest_nothing() returns void language sql as $$ select $$;`);
    alice = await createUser(bed.db, "alice", "Alice");
  });

  after(() => bed?.close());

  describe("JWTs are checked as PostgREST checks them", () => {
    test("a token signed with another secret is 401 PGRST301", async () => {
      const forged = await accessToken("some-other-secret-of-enough-length!!", alice);
      const { error, status } = await restClient(bed.project, bed.project.keys.anonKey, forged)
        .from("profiles")
        .select("*");
      assert.equal(status, 401);
      assert.deepEqual(error, {
        code: "PGRST301",
        details: "None of the keys was able to decode the JWT",
        hint: null,
        message: "No suitable key or wrong key type",
      });
      const raw = await restFetch(bed.project, "/profiles", {
        headers: { Authorization: `Bearer ${forged}` },
      });
      assert.match(
        raw.headers.get("www-authenticate") ?? "",
        /^Bearer error="invalid_token", error_description=/,
      );
    });

    test("an expired token is 401 PGRST303, within PostgREST's 30 s clock skew it still passes", async () => {
      const expired = await accessToken(bed.project.keys.jwtSecret, alice, { expiresInS: -120 });
      const { error, status } = await restClient(bed.project, bed.project.keys.anonKey, expired)
        .from("profiles")
        .select("*");
      assert.equal(status, 401);
      assert.equal(error?.code, "PGRST303");
      assert.equal(error?.message, "JWT expired");
      const justExpired = await accessToken(bed.project.keys.jwtSecret, alice, { expiresInS: -5 });
      const skewed = await restClient(bed.project, bed.project.keys.anonKey, justExpired)
        .from("profiles")
        .select("id");
      assert.equal(skewed.error, null);
      assert.deepEqual(skewed.data, [{ id: alice.id }]);
    });

    test("a token that is not a JWT is 401 PGRST301", async () => {
      const response = await restFetch(bed.project, "/profiles", {
        headers: { Authorization: "Bearer not-a-jwt" },
      });
      assert.equal(response.status, 401);
      const body = (await response.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ERROR_KEYS);
      assert.equal(body.message, "Expected 3 parts in JWT; got 1");
    });

    test("a role claim outside the API roles is refused, never assumed", async () => {
      const sign = (role: string) =>
        new SignJWT({ role })
          .setProtectedHeader({ alg: "HS256" })
          .setExpirationTime("1h")
          .sign(secretBytes(bed.project.keys.jwtSecret));
      const superuser = await restClient(
        bed.project,
        bed.project.keys.anonKey,
        await sign("postgres"),
      )
        .from("profiles")
        .select("*");
      assert.equal(superuser.status, 403);
      assert.equal(superuser.error?.code, "42501");
      const unknown = await restClient(bed.project, bed.project.keys.anonKey, await sign("nobody"))
        .from("profiles")
        .select("*");
      assert.equal(unknown.status, 401);
      assert.deepEqual(unknown.error, {
        code: "22023",
        details: null,
        hint: null,
        message: 'role "nobody" does not exist',
      });
    });

    test("the query runs as the token's role with its claims set for auth.uid()", async () => {
      const token = await accessToken(bed.project.keys.jwtSecret, alice);
      const { data, error } = await restClient(bed.project, bed.project.keys.anonKey, token).rpc(
        "rest_whoami",
      );
      assert.equal(error, null);
      assert.deepEqual(data, {
        uid: alice.id,
        role: "authenticated",
        db_role: "authenticated",
        method: "POST",
      });
      const asAnon = await bed.anon.rpc("rest_whoami", {}, { get: true });
      assert.deepEqual(asAnon.data, { uid: null, role: "anon", db_role: "anon", method: "GET" });
    });
  });

  describe("the schema cache follows DDL made while the API runs", () => {
    test("a table created later is found at once", async () => {
      await bed.anon.from("profiles").select("id");
      await bed.db.query(
        "create table public.rest_late (id int primary key, label text); insert into public.rest_late values (1, 'late')",
      );
      const { data, error } = await bed.anon.from("rest_late").select("label");
      assert.equal(error, null);
      assert.deepEqual(data, [{ label: "late" }]);
    });

    test("a dropped column disappears and a restored one comes back", async () => {
      await bed.db.query(
        "create table public.rest_shifty (id int primary key, extra text); insert into public.rest_shifty values (1, 'x')",
      );
      assert.deepEqual((await bed.anon.from("rest_shifty").select("id, extra")).data, [
        { id: 1, extra: "x" },
      ]);

      await bed.db.query("alter table public.rest_shifty drop column extra");
      const selected = await bed.anon.from("rest_shifty").select("id, extra");
      assert.equal(selected.error?.code, "42703");
      assert.equal(selected.error?.message, "column rest_shifty.extra does not exist");
      assert.deepEqual((await bed.anon.from("rest_shifty").select("*")).data, [{ id: 1 }]);
      const written = await bed.anon.from("rest_shifty").insert({ id: 2, extra: "y" });
      assert.equal(written.error?.code, "PGRST204");

      await bed.db.query("alter table public.rest_shifty add column extra text");
      const restored = await bed.anon
        .from("rest_shifty")
        .insert({ id: 3, extra: "z" })
        .select("id, extra");
      assert.equal(restored.error, null);
      assert.deepEqual(restored.data, [{ id: 3, extra: "z" }]);
    });

    test("a dropped table is 404 PGRST205 until it is created again", async () => {
      await bed.db.query("create table public.rest_gone (id int primary key)");
      assert.equal((await bed.anon.from("rest_gone").select("*")).error, null);
      await bed.db.query("drop table public.rest_gone");
      const missing = await bed.anon.from("rest_gone").select("*");
      assert.equal(missing.status, 404);
      assert.equal(missing.error?.code, "PGRST205");
      await bed.db.query(
        "create table public.rest_gone (id int primary key, back boolean default true)",
      );
      const back = await bed.service.from("rest_gone").insert({ id: 1 }).select();
      assert.deepEqual(back.data, [{ id: 1, back: true }]);
    });
  });

  describe("RPC", () => {
    test("named arguments in, the scalar result out", async () => {
      assert.deepEqual((await bed.anon.rpc("rest_add", { a: 2, b: 3 })).data, 5);
      assert.deepEqual(
        (await bed.anon.rpc("rest_add", { a: 2 })).data,
        3,
        "a defaulted argument may be left out",
      );
      assert.deepEqual((await bed.anon.rpc("rest_add", { a: 40, b: 2 }, { get: true })).data, 42);
    });

    test("set-returning functions give arrays, void ones 204", async () => {
      assert.deepEqual((await bed.anon.rpc("rest_series", { n: 3 })).data, [1, 2, 3]);
      const nothing = await bed.anon.rpc("rest_nothing");
      assert.equal(nothing.error, null);
      assert.equal(nothing.status, 204);
    });

    test("an unknown function or argument is 404 PGRST202", async () => {
      const typo = await bed.anon.rpc("rest_ad", { a: 1 });
      assert.equal(typo.status, 404);
      assert.equal(typo.error?.code, "PGRST202");
      assert.equal(
        typo.error?.message,
        "Could not find the function public.rest_ad(a) in the schema cache",
      );
      assert.equal(typo.error?.hint, "Perhaps you meant to call the function public.rest_add");
      const badArgument = await bed.anon.rpc("rest_add", { a: 1, c: 2 });
      assert.equal(badArgument.error?.code, "PGRST202");
    });
  });

  describe("OpenAPI description at /rest/v1/", () => {
    test("the secret key gets a Swagger 2.0 document of the exposed tables", async () => {
      const response = await restFetch(bed.project, "/", {
        headers: { apikey: bed.project.keys.secretKey },
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /^application\/openapi\+json/);
      const document = (await response.json()) as {
        swagger: string;
        paths: Record<string, unknown>;
        definitions: Record<
          string,
          { required: string[]; properties: Record<string, { type?: string; format: string }> }
        >;
      };
      assert.equal(document.swagger, "2.0");
      assert.ok(document.paths["/profiles"], "profiles has a path");
      assert.ok(document.paths["/rpc/rest_add"], "functions are listed under /rpc");
      const profiles = document.definitions.profiles;
      assert.deepEqual(profiles?.required, ["id", "email", "created_at", "updated_at"]);
      assert.deepEqual(profiles?.properties.full_name, { format: "text", type: "string" });
    });

    test("the anon key is refused as hosted Supabase refuses it", async () => {
      const response = await restFetch(bed.project, "/");
      assert.equal(response.status, 403);
      assert.deepEqual(await response.json(), {
        message: "Access to schema is forbidden",
        hint: "Accessing the schema via the Data API is only allowed using a secret API key.",
      });
    });
  });

  describe("anything else gets a clean PostgREST error", () => {
    test("an unknown path is 404 PGRST125, an unknown method 405 PGRST117", async () => {
      const deep = await restFetch(bed.project, "/profiles/extra/segments");
      assert.equal(deep.status, 404);
      assert.equal(((await deep.json()) as { code: string }).code, "PGRST125");
      const put = await restFetch(bed.project, "/profiles", { method: "PUT", body: "{}" });
      assert.equal(put.status, 405);
      assert.deepEqual(Object.keys((await put.json()) as object).sort(), ERROR_KEYS);
    });

    test("an Accept nobody serves is 406 PGRST107", async () => {
      const response = await restFetch(bed.project, "/profiles", {
        headers: { Accept: "application/xml" },
      });
      assert.equal(response.status, 406);
      const body = (await response.json()) as { code: string; message: string };
      assert.equal(body.code, "PGRST107");
      assert.equal(body.message, "None of these media types are available: application/xml");
    });

    test("a body of the wrong content type is 400 PGRST102", async () => {
      const response = await restFetch(bed.project, "/profiles", {
        method: "POST",
        headers: { "Content-Type": "text/plain" },
        body: "hello",
      });
      assert.equal(response.status, 400);
      const body = (await response.json()) as { code: string; message: string };
      assert.equal(body.code, "PGRST102");
      assert.equal(body.message, "Content-Type not acceptable: text/plain");
    });
  });
});
