import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { expectedSchema } from "../../contract/schema.ts";
import { diffSchema, formatDrift } from "../diff.ts";
import type { FoundSchema } from "../manifest.ts";

function healthy(): FoundSchema {
  const table = expectedSchema.tables[0];
  assert.ok(table);
  return {
    tables: {
      "public.profiles": {
        columns: Object.fromEntries(
          table.columns.map((c) => [c.name, { type: c.type, nullable: c.nullable }]),
        ),
        rls: true,
        policies: Object.fromEntries(table.policies.map((p) => [p.name, p.command])),
      },
    },
    functions: { "public.handle_new_user": { securityDefiner: true } },
    triggers: {
      on_auth_user_created: {
        table: "auth.users",
        function: "public.handle_new_user",
        timing: "AFTER",
        event: "INSERT",
      },
    },
  };
}

describe("schema drift", () => {
  test("a matching schema has no drift", () => {
    assert.deepEqual(diffSchema(expectedSchema, healthy()), []);
    assert.match(formatDrift([], "catalog"), /matches/);
  });

  test("a missing table is one difference naming it", () => {
    const drift = diffSchema(expectedSchema, { tables: {} });
    assert.deepEqual(drift, [
      {
        kind: "table missing",
        subject: "public.profiles",
        expected: "table exists",
        found: "no such table",
      },
    ]);
  });

  test("every difference is listed, expected vs found", () => {
    const found = healthy();
    const profiles = found.tables["public.profiles"];
    assert.ok(profiles);
    delete profiles.columns.full_name;
    profiles.columns.email = { type: "character varying", nullable: true };
    profiles.rls = false;
    delete profiles.policies?.["Profiles are updatable by their owner"];
    found.functions = { "public.handle_new_user": { securityDefiner: false } };
    found.triggers = {};
    const drift = diffSchema(expectedSchema, found);
    assert.deepEqual(
      drift.map((item) => `${item.kind}: ${item.subject}`),
      [
        "column type: public.profiles.email",
        "column nullability: public.profiles.email",
        "column missing: public.profiles.full_name",
        "rls disabled: public.profiles",
        'policy missing: policy "Profiles are updatable by their owner" on public.profiles',
        "function security: public.handle_new_user()",
        "trigger missing: trigger on_auth_user_created on auth.users",
      ],
    );
    const report = formatDrift(drift, "catalog");
    assert.match(report, /7 differences/);
    assert.match(report, /expected: text\n\s+found:\s+character varying/);
  });

  test("what was not inspected is not reported", () => {
    const found: FoundSchema = {
      tables: {
        "public.profiles": {
          columns: { id: {}, email: {}, full_name: {}, created_at: {}, updated_at: {} },
        },
      },
    };
    assert.deepEqual(diffSchema(expectedSchema, found), []);
  });

  test("a trigger on the wrong table or event is drift", () => {
    const found = healthy();
    found.triggers = {
      on_auth_user_created: {
        table: "auth.users",
        function: "public.handle_new_user",
        timing: "AFTER",
        event: "UPDATE",
      },
    };
    const [item] = diffSchema(expectedSchema, found);
    assert.equal(item?.kind, "trigger definition");
    assert.match(item?.found ?? "", /AFTER UPDATE/);
  });
});
