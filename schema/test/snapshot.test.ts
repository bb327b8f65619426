// The snapshot read from migrations, and the catalog inspection against real
// drift made in a real Postgres: each kind of difference the schema check
// compares is named with expected and found.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import pg from "pg";
import { loadAppProfile } from "../../contract/load.ts";
import { schemaTarget } from "../../contract/profile.ts";
import { inspectCatalog } from "../catalog.ts";
import { diffSchema, formatDrift } from "../diff.ts";
import { MigrationError, snapshotMigrations } from "../scratch.ts";
import { serializeSnapshot } from "../snapshot.ts";
import { useDriftDatabase } from "./support/drift-database.ts";

const run = promisify(execFile);
const PROFILES = ["contract/app.ts", "contract/examples/ssr.ts"];

describe("schema snapshot from migrations", () => {
  for (const profile of PROFILES) {
    test(`the checked-in snapshot of ${profile} is current (else: npm run schema:snapshot)`, async () => {
      const app = await loadAppProfile({ SYNTHETIC_APP: profile });
      const { snapshot, schemas } = schemaTarget(app);
      const fresh = serializeSnapshot(await snapshotMigrations(app.migrations, schemas));
      const current = await readFile(snapshot, "utf8");
      assert.ok(
        current === fresh,
        `${snapshot} is stale against ${app.migrations}: run SYNTHETIC_APP=${profile} npm run schema:snapshot`,
      );
    });
  }

  test("two snapshots of the same migrations are byte-identical", async () => {
    const first = serializeSnapshot(await snapshotMigrations("supabase/migrations", ["public"]));
    const second = serializeSnapshot(await snapshotMigrations("supabase/migrations", ["public"]));
    assert.equal(first, second);
  });

  test("a failing migration stops the snapshot, naming the file, the line and the statement", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    try {
      await writeFile(path.join(dir, "20250101000000_ok.sql"), "create table public.a (id int);\n");
      await writeFile(
        path.join(dir, "20250102000000_broken.sql"),
        "-- adds b\ncreate table public.b (id int);\n\nalter table public.a\n  add column x int references public.nowhere (id);\n",
      );
      await assert.rejects(snapshotMigrations(dir, ["public"]), (error: unknown) => {
        assert.ok(error instanceof MigrationError);
        assert.equal(error.file, "20250102000000_broken.sql");
        assert.equal(error.line, 4);
        assert.match(
          error.statement ?? "",
          /^alter table public\.a add column x int references public\.nowhere/,
        );
        assert.match(error.message, /relation "public\.nowhere" does not exist/);
        return true;
      });
      const cli = await run("npx", [
        "tsx",
        "scripts/schema-snapshot.ts",
        "--check",
        "--migrations",
        dir,
      ]).catch((error: { code: number; stdout: string; stderr: string }) => error);
      assert.equal((cli as { code?: number }).code, 1);
      assert.match(
        (cli as { stderr: string }).stderr,
        /^schema:snapshot: migration 20250102000000_broken\.sql failed at line 4: relation "public\.nowhere" does not exist\n\s+statement: alter table/,
      );
      assert.doesNotMatch(
        (cli as { stderr: string }).stderr,
        /\n\s+at /,
        "a stack trace was printed",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("catalog inspection against real drift", () => {
  const FORCED = `create table public.ledger (id bigint generated always as identity primary key, owner uuid not null default auth.uid());
alter table public.ledger enable row level security;
alter table public.ledger force row level security;
create index ledger_owner on public.ledger (owner);
create type public.mood as enum ('happy', 'sad');
create view public.ledger_view as select id from public.ledger;
`;

  const db = useDriftDatabase(FORCED);

  test("each kind of drift made in Postgres is named, with expected and found", async () => {
    const {
      source: _s,
      unchecked: _u,
      ...expected
    } = await inspectCatalog(db.client, { schemas: ["public"] });
    assert.deepEqual(
      expected,
      await snapshotMigrations(db.migrations, ["public"]),
      "the same migrations read alike",
    );
    await db.client.query(`
      alter table auth.users disable trigger on_auth_user_created;
      drop policy "Profiles are viewable by their owner" on public.profiles;
      create policy "Profiles are viewable by their owner" on public.profiles for select to authenticated using (true);
      revoke select on public.profiles from authenticated;
      alter table public.profiles drop constraint profiles_email_key, drop constraint profiles_full_name_length;
      alter table public.profiles drop constraint profiles_id_fkey,
        add constraint profiles_id_fkey foreign key (id) references auth.users (id);
      create or replace function public.handle_new_user() returns trigger language plpgsql
        security definer set search_path = '' as $$ begin return new; end; $$;
      alter table public.profiles alter column full_name set default 'anonymous';
      alter table public.ledger no force row level security;
      drop index public.ledger_owner;
      alter type public.mood add value 'angry';
      revoke execute on function public.touch_updated_at() from anon;
      create or replace view public.ledger_view as select id, owner from public.ledger;
    `);
    const found = await inspectCatalog(db.client, { schemas: ["public"] });
    const drift = diffSchema(expected, found);
    const named = drift.map(
      (item) => `${item.kind}: ${item.subject} | ${item.expected} -> ${item.found}`,
    );
    const want = [
      'policy changed: policy "Profiles are viewable by their owner" on public.profiles | FOR SELECT TO authenticated USING (( SELECT auth.uid() AS uid) = id) -> FOR SELECT TO authenticated USING true',
      "rls not forced: forced row level security on public.ledger | forced (applies to the table owner too) -> not forced",
      "trigger disabled: trigger on_auth_user_created on auth.users | enabled -> disabled",
      "grant missing: grants on public.profiles to authenticated | DELETE, INSERT, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE -> DELETE, INSERT, REFERENCES, TRIGGER, TRUNCATE, UPDATE (SELECT revoked)",
      "constraint missing: constraint profiles_email_key on public.profiles | UNIQUE (email) -> no such constraint",
      "constraint missing: constraint profiles_full_name_length on public.profiles | CHECK ((char_length(full_name) <= 200)) -> no such constraint",
      "constraint changed: constraint profiles_id_fkey on public.profiles | FOREIGN KEY (id) REFERENCES auth.users(id) ON DELETE CASCADE -> FOREIGN KEY (id) REFERENCES auth.users(id)",
      "column default: column public.profiles.full_name | no default -> 'anonymous'::text",
      "enum changed: enum public.mood | happy, sad -> happy, sad, angry",
      "index missing: index ledger_owner on public.ledger | CREATE INDEX ledger_owner ON public.ledger USING btree (owner) -> no such index",
    ];
    for (const line of want)
      assert.ok(named.includes(line), `not named: ${line}\nnamed:\n${named.join("\n")}`);
    assert.ok(
      named.some((line) => line.startsWith("function body: function public.handle_new_user()")),
    );
    assert.ok(named.some((line) => line.startsWith("view changed: view public.ledger_view")));
    assert.ok(
      named.includes(
        "grant missing: grants on public.touch_updated_at() to anon | EXECUTE -> none (EXECUTE revoked)",
      ),
      named.join("\n"),
    );
    assert.equal(drift[0]?.risk, "security", "the riskiest difference comes first");
    assert.match(
      formatDrift(drift, found),
      /^Schema drift: \d+ differences \(Postgres catalogs\); riskiest: \[security\]/,
    );
  });

  test("a role that may not read a catalog gets 'not checked' for it, never 'none found'", async () => {
    await db.client.query(`
      create role schema_reader login password 'reader';
      revoke select on pg_catalog.pg_trigger from public;`);
    const url = new URL(db.server.url);
    url.username = "schema_reader";
    url.password = "reader";
    const reader = new pg.Client({ connectionString: url.toString() });
    await reader.connect();
    try {
      const found = await inspectCatalog(reader, { schemas: ["public"] });
      assert.match(found.unchecked.triggers ?? "", /no privilege to read it \(permission denied/);
      assert.deepEqual(found.triggers, {});
      assert.match(
        formatDrift([], found),
        /Not checked \(1 aspect\):\n\s+- triggers: no privilege/,
      );
    } finally {
      await reader.end();
      await db.client.query("grant select on pg_catalog.pg_trigger to public");
    }
  });
});
