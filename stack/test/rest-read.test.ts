import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { SupabaseClient } from "@supabase/supabase-js";
import {
  createUser,
  type RestBed,
  restClient,
  restFetch,
  startRestBed,
  type TestUser,
} from "./support/rest.ts";

const HOSTILE = "'; drop table public.profiles; --";

describe("Data API reads (supabase-js against the stand-in)", () => {
  let bed: RestBed;
  let alice: TestUser;
  let bob: TestUser;
  let asAlice: SupabaseClient;

  before(async () => {
    bed = await startRestBed(`
      create table public.rest_items (
        id int primary key,
        name text not null,
        tag text,
        score int,
        active boolean not null default true
      );
      insert into public.rest_items values
        (1, 'apple', 'fruit', 10, true),
        (2, 'Apricot', 'fruit', 20, false),
        (3, 'carrot', 'veg', null, true),
        (4, 'a,b (c)', null, 5, true),
        (5, '100% juice', 'drink', 30, true),
        (6, $$${HOSTILE}$$, 'hostile', 1, false),
        (7, 'naïve café ☕', 'unicode', 2, true),
        (8, 'say "hi"', 'quote', 3, true);`);
    alice = await createUser(bed.db, "alice", "Alice Liddell");
    bob = await createUser(bed.db, "bob", "Bob Builder");
    asAlice = await bed.as(alice);
  });

  after(() => bed?.close());

  describe("row level security decides what each caller sees", () => {
    test("a signed-in user sees only their own profile", async () => {
      const { data, error } = await asAlice.from("profiles").select("id, email, full_name");
      assert.equal(error, null);
      assert.deepEqual(data, [{ id: alice.id, email: alice.email, full_name: "Alice Liddell" }]);
    });

    test("anon sees no profile at all", async () => {
      const { data, error, status } = await bed.anon.from("profiles").select("*");
      assert.equal(error, null);
      assert.equal(status, 200);
      assert.deepEqual(data, []);
    });

    test("the service role bypasses RLS and sees every profile", async () => {
      const { data, error } = await bed.service.from("profiles").select("id").order("email");
      assert.equal(error, null);
      assert.deepEqual(
        data?.map((row) => row.id),
        [alice, bob].sort((a, b) => a.email.localeCompare(b.email)).map((user) => user.id),
      );
    });

    test("an sb_secret_ key acts as the service role, an sb_publishable_ key as anon", async () => {
      const secret = await restClient(bed.project, bed.project.keys.secretKey)
        .from("profiles")
        .select("id");
      assert.equal(secret.error, null);
      assert.equal(secret.data?.length, 2);
      const publishable = await restClient(bed.project, bed.project.keys.publishableKey)
        .from("profiles")
        .select("id");
      assert.deepEqual(publishable.data, []);
    });
  });

  describe("filters, order and paging pick the right rows", () => {
    const ids = (rows: Array<{ id: number }> | null) => rows?.map((row) => row.id);

    test("eq, neq, gt, lte and is", async () => {
      assert.deepEqual(
        ids((await bed.anon.from("rest_items").select("id").eq("tag", "fruit").order("id")).data),
        [1, 2],
      );
      assert.deepEqual(
        ids((await bed.anon.from("rest_items").select("id").neq("tag", "fruit").order("id")).data),
        [3, 5, 6, 7, 8],
        "neq leaves out NULL tags, as SQL does",
      );
      assert.deepEqual(
        ids(
          (
            await bed.anon
              .from("rest_items")
              .select("id")
              .gt("score", 10)
              .lte("score", 30)
              .order("id")
          ).data,
        ),
        [2, 5],
      );
      assert.deepEqual(
        ids((await bed.anon.from("rest_items").select("id").is("score", null)).data),
        [3],
      );
      assert.deepEqual(
        ids((await bed.anon.from("rest_items").select("id").is("active", false).order("id")).data),
        [2, 6],
      );
      assert.deepEqual(
        ids(
          (
            await bed.anon
              .from("rest_items")
              .select("id")
              .not("tag", "is", null)
              .order("id")
              .limit(2)
          ).data,
        ),
        [1, 2],
      );
    });

    test("in, with values holding commas, parentheses and escaped quotes", async () => {
      const { data, error } = await bed.anon
        .from("rest_items")
        .select("id")
        .in("name", ["apple", "a,b (c)", "nothing"])
        .order("id");
      assert.equal(error, null);
      assert.deepEqual(ids(data), [1, 4]);
      const list = encodeURIComponent('in.(apple,"say \\"hi\\"")');
      const response = await restFetch(bed.project, `/rest_items?select=id&order=id&name=${list}`);
      assert.deepEqual(await response.json(), [{ id: 1 }, { id: 8 }]);
    });

    test("ilike is case-insensitive, like takes * for %", async () => {
      assert.deepEqual(
        ids((await bed.anon.from("rest_items").select("id").ilike("name", "ap%").order("id")).data),
        [1, 2],
      );
      assert.deepEqual(
        ids((await bed.anon.from("rest_items").select("id").like("name", "*rot").order("id")).data),
        [3],
      );
    });

    test("or, and not", async () => {
      const either = await bed.anon
        .from("rest_items")
        .select("id")
        .or("tag.eq.veg,score.gte.30")
        .order("id");
      assert.deepEqual(ids(either.data), [3, 5]);
      const nested = await bed.anon
        .from("rest_items")
        .select("id")
        .or("and(tag.eq.fruit,active.is.true),name.eq.carrot")
        .order("id");
      assert.deepEqual(ids(nested.data), [1, 3]);
      const negated = await bed.anon
        .from("rest_items")
        .select("id")
        .not("name", "ilike", "a*")
        .order("id");
      assert.deepEqual(ids(negated.data), [3, 5, 6, 7, 8]);
    });

    test("order by several columns with nulls first, then limit and range", async () => {
      const ordered = await bed.anon
        .from("rest_items")
        .select("id")
        .order("score", { ascending: false, nullsFirst: true })
        .order("id");
      assert.deepEqual(ids(ordered.data), [3, 5, 2, 1, 4, 8, 7, 6]);
      assert.deepEqual(
        ids((await bed.anon.from("rest_items").select("id").order("id").limit(3)).data),
        [1, 2, 3],
      );
      assert.deepEqual(
        ids((await bed.anon.from("rest_items").select("id").order("id").range(2, 4)).data),
        [3, 4, 5],
      );
    });

    test("aliases and casts shape the JSON keys", async () => {
      const { data } = await bed.anon
        .from("rest_items")
        .select("label:name, score::text")
        .eq("id", 2)
        .single();
      assert.deepEqual(data, { label: "Apricot", score: "20" });
    });

    test("a Range header pages like limit/offset", async () => {
      const response = await restFetch(bed.project, "/rest_items?select=id&order=id", {
        headers: { Range: "1-2", "Range-Unit": "items" },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-range"), "1-2/*");
      assert.deepEqual(await response.json(), [{ id: 2 }, { id: 3 }]);
    });
  });

  describe("counts and HEAD", () => {
    test("count=exact gives the total, 206 for a partial page and 200 for all", async () => {
      const page = await bed.anon
        .from("rest_items")
        .select("id", { count: "exact" })
        .order("id")
        .range(0, 1);
      assert.equal(page.count, 8);
      assert.equal(page.status, 206);
      const whole = await bed.anon.from("rest_items").select("id", { count: "exact" });
      assert.equal(whole.count, 8);
      assert.equal(whole.status, 200);
      const filtered = await bed.anon
        .from("rest_items")
        .select("id", { count: "exact" })
        .eq("tag", "fruit");
      assert.equal(filtered.count, 2);
    });

    test("the raw headers say 0-1/8 with a count and 0-1/* without", async () => {
      const counted = await restFetch(bed.project, "/rest_items?select=id&limit=2", {
        headers: { Prefer: "count=exact" },
      });
      assert.equal(counted.status, 206);
      assert.equal(counted.headers.get("content-range"), "0-1/8");
      assert.equal(counted.headers.get("preference-applied"), "count=exact");
      assert.match(counted.headers.get("content-type") ?? "", /^application\/json; charset=utf-8$/);
      const uncounted = await restFetch(bed.project, "/rest_items?select=id&limit=2");
      assert.equal(uncounted.status, 200);
      assert.equal(uncounted.headers.get("content-range"), "0-1/*");
      const empty = await restFetch(bed.project, "/rest_items?id=eq.999", {
        headers: { Prefer: "count=exact" },
      });
      assert.equal(empty.headers.get("content-range"), "*/0");
    });

    test("head: true sends HEAD and returns only the count", async () => {
      const { data, count, status, error } = await bed.anon
        .from("rest_items")
        .select("*", { count: "exact", head: true });
      assert.equal(error, null);
      assert.equal(data, null);
      assert.equal(count, 8);
      assert.equal(status, 200);
      const response = await restFetch(bed.project, "/rest_items", {
        method: "HEAD",
        headers: { Prefer: "count=exact" },
      });
      assert.equal(response.headers.get("content-range"), "0-7/8");
      assert.equal(await response.text(), "");
    });

    test("planned and estimated counts are numbers too", async () => {
      const planned = await bed.anon
        .from("rest_items")
        .select("id", { count: "planned", head: true });
      assert.equal(typeof planned.count, "number");
      const estimated = await bed.anon
        .from("rest_items")
        .select("id", { count: "estimated", head: true });
      assert.equal(estimated.count, 8);
    });
  });

  describe("single() and maybeSingle()", () => {
    test("single() returns one object", async () => {
      const { data, error } = await bed.service
        .from("profiles")
        .select("email")
        .eq("id", bob.id)
        .single();
      assert.equal(error, null);
      assert.deepEqual(data, { email: bob.email });
    });

    test("single() on no rows is 406 PGRST116", async () => {
      const { data, error, status } = await bed.anon
        .from("rest_items")
        .select("id")
        .eq("id", 999)
        .single();
      assert.equal(data, null);
      assert.equal(status, 406);
      assert.equal(error?.code, "PGRST116");
      assert.equal(error?.message, "Cannot coerce the result to a single JSON object");
      assert.equal(error?.details, "The result contains 0 rows");
    });

    test("maybeSingle() gives null for no rows and the row for one", async () => {
      const none = await bed.anon.from("rest_items").select("id").eq("id", 999).maybeSingle();
      assert.equal(none.error, null);
      assert.equal(none.data, null);
      const one = await bed.anon.from("rest_items").select("id").eq("id", 3).maybeSingle();
      assert.deepEqual(one.data, { id: 3 });
    });
  });

  describe("errors are PostgREST's", () => {
    test("an unknown table is 404 PGRST205, with a hint when a name is close", async () => {
      const close = await bed.anon.from("profile").select("*");
      assert.equal(close.status, 404);
      assert.deepEqual(close.error, {
        code: "PGRST205",
        details: null,
        hint: "Perhaps you meant the table 'public.profiles'",
        message: "Could not find the table 'public.profile' in the schema cache",
      });
      const far = await bed.anon.from("nothing_like_it").select("*");
      assert.equal(far.error?.code, "PGRST205");
      assert.equal(far.error?.hint, null);
    });

    test("an unknown column in select, filter or order is 400 42703", async () => {
      const selected = await bed.anon.from("profiles").select("id, nope");
      assert.equal(selected.status, 400);
      assert.equal(selected.error?.code, "42703");
      assert.equal(selected.error?.message, "column profiles.nope does not exist");
      const filtered = await bed.anon.from("profiles").select("id").eq("emial", "x");
      assert.equal(filtered.error?.message, "column profiles.emial does not exist");
      assert.equal(
        filtered.error?.hint,
        'Perhaps you meant to reference the column "profiles.email".',
      );
      const ordered = await bed.anon.from("profiles").select("id").order("nope");
      assert.equal(ordered.error?.code, "42703");
    });

    test("a value of the wrong type is Postgres's 22P02, status 400", async () => {
      const { error, status } = await bed.anon.from("profiles").select("id").eq("id", "not-a-uuid");
      assert.equal(status, 400);
      assert.equal(error?.code, "22P02");
    });

    test("a filter that does not parse is 400 PGRST100", async () => {
      const response = await restFetch(bed.project, "/rest_items?id=equals.1");
      assert.equal(response.status, 400);
      const body = (await response.json()) as { code: string; message: string; details: string };
      assert.equal(body.code, "PGRST100");
      assert.match(body.message, /failed to parse filter \(equals\.1\)/);
      const badOr = await restFetch(bed.project, "/rest_items?or=(id.eq.1");
      assert.equal(((await badOr.json()) as { code: string }).code, "PGRST100");
    });

    test("a schema other than public is 406 PGRST106", async () => {
      const { error, status } = await bed.anon.schema("auth").from("users").select("*");
      assert.equal(status, 406);
      assert.equal(error?.code, "PGRST106");
      assert.equal(error?.message, "Invalid schema: auth");
    });
  });

  describe("hostile values are data, never SQL", () => {
    test("an injection attempt matches literally and the table survives", async () => {
      const { data, error } = await bed.anon
        .from("rest_items")
        .select("id, name")
        .eq("name", HOSTILE);
      assert.equal(error, null);
      assert.deepEqual(data, [{ id: 6, name: HOSTILE }]);
      const asOrValue = await bed.anon
        .from("rest_items")
        .select("id")
        .or(`name.eq."${HOSTILE}",id.eq.1`)
        .order("id");
      assert.deepEqual(asOrValue.data, [{ id: 1 }, { id: 6 }]);
      const inList = await bed.anon
        .from("rest_items")
        .select("id")
        .in("name", [HOSTILE, "x'); drop table x; --"]);
      assert.deepEqual(inList.data, [{ id: 6 }]);
      const survived = await bed.db.query("select count(*)::int as n from public.profiles");
      assert.equal(survived.rows[0].n, 2);
    });

    test("% and _ are literal under eq, quotes and unicode round-trip", async () => {
      assert.deepEqual(
        (await bed.anon.from("rest_items").select("id").eq("name", "100% juice")).data,
        [{ id: 5 }],
      );
      assert.deepEqual((await bed.anon.from("rest_items").select("id").eq("name", "%")).data, []);
      assert.deepEqual(
        (await bed.anon.from("rest_items").select("id").eq("name", 'say "hi"')).data,
        [{ id: 8 }],
      );
      assert.deepEqual(
        (await bed.anon.from("rest_items").select("id, name").eq("name", "naïve café ☕")).data,
        [{ id: 7, name: "naïve café ☕" }],
      );
    });

    test("a hostile column name is an unknown column, not SQL", async () => {
      const response = await restFetch(
        bed.project,
        `/rest_items?select=${encodeURIComponent('id,"x\\";drop table y;--"')}`,
      );
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { code: string }).code, "42703");
    });
  });
});
