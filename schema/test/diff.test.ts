import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { diffSchema, formatDrift, mergeDrift } from "../diff.ts";
import { type InspectedSchema, parseSnapshot, type SchemaSnapshot } from "../snapshot.ts";

const FILE = "supabase/schema-snapshot.json";
const expected = (): SchemaSnapshot => parseSnapshot(readFileSync(FILE, "utf8"), FILE);

/** The reference snapshot as a catalog inspection would find it on a healthy target. */
function healthy(): InspectedSchema {
  return { ...structuredClone(expected()), source: "Postgres catalogs", unchecked: {} };
}

function profiles(found: InspectedSchema) {
  const table = found.tables["public.profiles"];
  assert.ok(table, "the reference snapshot has public.profiles");
  return table;
}

const lines = (found: InspectedSchema) =>
  diffSchema(expected(), found).map((item) => `${item.risk} | ${item.kind}: ${item.subject}`);

describe("schema drift against the snapshot", () => {
  test("a matching schema has no drift", () => {
    assert.deepEqual(diffSchema(expected(), healthy()), []);
    assert.equal(formatDrift([], healthy()), "Schema matches the snapshot (Postgres catalogs).");
  });

  test("a missing table is one difference, not one per column", () => {
    const found = healthy();
    delete found.tables["public.profiles"];
    assert.deepEqual(lines(found), ["app | table missing: table public.profiles"]);
  });

  test("every difference is named, with what it risks, riskiest first", () => {
    const found = healthy();
    const table = profiles(found);
    const owner = table.policies["Profiles are viewable by their owner"];
    assert.ok(owner);
    owner.using = "true";
    table.grants.authenticated = (table.grants.authenticated ?? []).filter((p) => p !== "SELECT");
    table.grants.anon = [...(table.grants.anon ?? [])];
    delete table.constraints.profiles_email_key;
    const fk = table.constraints.profiles_id_fkey;
    assert.ok(fk);
    fk.definition = "FOREIGN KEY (id) REFERENCES auth.users(id)";
    const fullName = table.columns.full_name;
    assert.ok(fullName);
    fullName.default = "'anonymous'::text";
    table.rls.enabled = false;
    const trigger = found.triggers["on_auth_user_created on auth.users"];
    assert.ok(trigger);
    trigger.enabled = "disabled";
    const fn = found.functions["public.handle_new_user()"];
    assert.ok(fn);
    fn.bodyHash = "0".repeat(64);
    assert.deepEqual(lines(found), [
      "security | rls disabled: row level security on public.profiles",
      'security | policy changed: policy "Profiles are viewable by their owner" on public.profiles',
      "sign-up | trigger disabled: trigger on_auth_user_created on auth.users",
      "sign-up | function body: function public.handle_new_user()",
      "app | grant missing: grants on public.profiles to authenticated",
      "data | column default: column public.profiles.full_name",
      "data | constraint missing: constraint profiles_email_key on public.profiles",
      "data | constraint changed: constraint profiles_id_fkey on public.profiles",
    ]);
    const report = formatDrift(diffSchema(expected(), found), found);
    assert.match(
      report,
      /^Schema drift: 8 differences \(Postgres catalogs\); riskiest: \[security\] rls disabled/,
    );
    assert.match(
      report,
      /expected: FOREIGN KEY \(id\) REFERENCES auth\.users\(id\) ON DELETE CASCADE\n\s+found:\s+FOREIGN KEY \(id\) REFERENCES auth\.users\(id\)\n/,
    );
    assert.match(
      report,
      /found:\s+DELETE, INSERT, REFERENCES, TRIGGER, TRUNCATE, UPDATE \(SELECT revoked\)/,
    );
  });

  test("wider than expected is security: an extra permissive policy, an extra grant, forced RLS off", () => {
    const snapshot = expected();
    const table = snapshot.tables["public.profiles"];
    assert.ok(table);
    table.rls.forced = true;
    table.grants.anon = ["SELECT"];
    const found = healthy();
    const target = profiles(found);
    target.grants.anon = ["DELETE", "SELECT"];
    target.policies["Anyone may read"] = {
      command: "SELECT",
      permissive: true,
      roles: ["anon"],
      using: "true",
    };
    assert.deepEqual(
      diffSchema(snapshot, found).map((item) => `${item.risk} | ${item.kind}`),
      ["security | rls not forced", "security | policy unexpected", "security | grant unexpected"],
    );
  });

  test("a column or table made outside the migrations is named; required or unprotected ones rank higher", () => {
    const found = healthy();
    const table = profiles(found);
    table.columns.nickname = { type: "text", nullable: true };
    table.columns.tenant = { type: "uuid", nullable: false };
    found.tables["public.scratch"] = {
      ...structuredClone(table),
      rls: { enabled: false, forced: false },
    };
    found.tables["public.audit"] = structuredClone(table);
    const drift = diffSchema(expected(), found).filter((item) => item.kind.endsWith("unexpected"));
    assert.deepEqual(
      drift.map((item) => `${item.risk} | ${item.kind}: ${item.subject} | ${item.found}`),
      [
        "security | table unexpected: table public.scratch | table with row level security disabled",
        "app | column unexpected: column public.profiles.tenant | uuid column, not null without a default",
        "data | table unexpected: table public.audit | table",
        "data | column unexpected: column public.profiles.nickname | text column",
      ],
    );
  });

  test("another trigger on auth.users is a sign-up risk", () => {
    const found = healthy();
    found.triggers["audit on auth.users"] = {
      table: "auth.users",
      function: "public.audit",
      enabled: "enabled",
      definition:
        "CREATE TRIGGER audit AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION public.audit()",
    };
    assert.deepEqual(lines(found), ["sign-up | trigger unexpected: trigger audit on auth.users"]);
  });

  test("overrides: ignored objects and accepted differences are not drift", () => {
    const found = healthy();
    const table = profiles(found);
    delete table.constraints.profiles_email_key;
    const fullName = table.columns.full_name;
    assert.ok(fullName);
    fullName.default = "'x'::text";
    assert.deepEqual(
      diffSchema(expected(), found, {
        ignore: ["constraint profiles_email_* on public.profiles"],
        accept: [
          {
            subject: "column public.profiles.full_name",
            kind: "column default",
            found: "'x'::text",
          },
        ],
      }),
      [],
    );
    // An accepted value accepts that value only.
    fullName.default = "'y'::text";
    assert.equal(
      diffSchema(expected(), found, {
        accept: [{ subject: "column public.profiles.full_name", found: "'x'::text" }],
      }).length,
      2,
    );
    assert.deepEqual(diffSchema(expected(), found, { ignore: ["public.profiles"] }), []);
  });

  test("what an inspection could not see is listed as not checked, never as matching", () => {
    const found = healthy();
    delete found.triggers["on_auth_user_created on auth.users"];
    found.unchecked.triggers = "no privilege to read it (permission denied for table pg_trigger)";
    const drift = diffSchema(expected(), found);
    assert.deepEqual(drift, []);
    const report = formatDrift(drift, found);
    assert.match(
      report,
      /^Schema matches the snapshot \(Postgres catalogs\), in what could be checked\./,
    );
    assert.match(report, /Not checked \(1 aspect\):\n\s+- triggers: no privilege/);
  });

  test("the Data API compares types without modifiers and leaves the rest unchecked", () => {
    const snapshot = expected();
    const email = snapshot.tables["public.profiles"]?.columns.email;
    assert.ok(email);
    email.type = "character varying(320)";
    const found: InspectedSchema = {
      ...structuredClone(snapshot),
      source: "Data API",
      unchecked: {
        policies: "the Data API does not show it",
        triggers: "the Data API does not show it",
      },
    };
    const table = found.tables["public.profiles"];
    assert.ok(table);
    for (const column of Object.values(table.columns))
      column.type = column.type.replace(/\(.*\)/, "");
    delete found.triggers["on_auth_user_created on auth.users"];
    assert.deepEqual(diffSchema(snapshot, found), []);
    delete table.columns.full_name;
    assert.deepEqual(
      diffSchema(snapshot, found).map((item) => item.kind),
      ["column missing"],
    );
  });

  test("merged inspections name each difference once", () => {
    const found = healthy();
    delete profiles(found).columns.full_name;
    const drift = diffSchema(expected(), found);
    assert.equal(mergeDrift(drift, drift).length, 1);
  });
});
