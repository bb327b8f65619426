// schema:restore against real drift in a real Postgres: every kind the schema
// check names is brought back by the plan, what may hold data is left alone
// with a reason, and data that refuses a constraint stops only that step.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { inspectCatalog } from "../catalog.ts";
import { diffSchema } from "../diff.ts";
import { applyRestore, planRestore, redact } from "../restore.ts";
import { useDriftDatabase } from "./support/drift-database.ts";

const LEDGER = `create table public.ledger (id bigint generated always as identity primary key, owner uuid not null default auth.uid());
alter table public.ledger enable row level security;
alter table public.ledger force row level security;
create index ledger_owner on public.ledger (owner);
revoke all on public.ledger from anon;
create view public.ledger_view as select id from public.ledger;
`;

describe("schema restore against real drift", () => {
  const db = useDriftDatabase(LEDGER);

  const schemaNow = async () => {
    const {
      source: _s,
      unchecked: _u,
      ...schema
    } = await inspectCatalog(db.client, {
      schemas: ["public"],
    });
    return schema;
  };

  test("partial drift of every kind is restored; extra tables, columns and auth triggers are left alone", async () => {
    const expected = await schemaNow();
    await db.client.query(`
      alter table auth.users disable trigger on_auth_user_created;
      drop policy "Profiles are viewable by their owner" on public.profiles;
      create policy "Profiles are viewable by their owner" on public.profiles for select to authenticated using (true);
      create policy "Anyone deletes" on public.profiles for delete to anon using (true);
      revoke select on public.profiles from authenticated;
      grant select on public.ledger to anon;
      alter table public.profiles drop constraint profiles_email_key, drop constraint profiles_full_name_length;
      alter table public.profiles drop constraint profiles_id_fkey,
        add constraint profiles_id_fkey foreign key (id) references auth.users (id);
      create or replace function public.handle_new_user() returns trigger language plpgsql
        security definer set search_path = '' as $$ begin return new; end; $$;
      alter table public.profiles alter column full_name set default 'anonymous';
      alter table public.ledger no force row level security;
      drop index public.ledger_owner;
      create or replace view public.ledger_view as select id, owner from public.ledger;
      create table public.notes (id int);
      insert into public.notes values (1);
      alter table public.profiles add column nickname text;
      create trigger audit_signup after insert on auth.users for each row execute function public.touch_updated_at();
    `);
    assert.ok(
      diffSchema(expected, await inspectCatalog(db.client, { schemas: ["public"] })).length,
    );

    const plan = await planRestore(db.server.url, db.migrations, { schemas: ["public"] });
    const kept = plan.steps.filter((step) => step.action === "kept").map((step) => step.reason);
    assert.deepEqual(kept.sort(), [
      "column public.profiles.nickname is not in the migrations; left in place, it may hold data",
      "table public.notes is not in the migrations; left in place, it may hold data",
      "trigger audit_signup on auth.users is not in the migrations; left in place (auth.users is Supabase Auth's table, other tools add triggers there)",
    ]);
    const outcomes = await applyRestore(db.server.url, plan);
    assert.deepEqual(
      outcomes.filter((outcome) => outcome.outcome !== "applied"),
      [],
      "every step applies",
    );

    const drift = diffSchema(expected, await inspectCatalog(db.client, { schemas: ["public"] }), {
      ignore: ["table public.notes", "column public.profiles.nickname", "trigger audit_signup*"],
    });
    assert.deepEqual(
      drift.map((item) => `${item.kind}: ${item.subject}`),
      [],
      "nothing but what was left alone remains",
    );
    assert.equal(
      (await db.client.query("select count(*)::int as n from public.notes")).rows[0].n,
      1,
    );
    const again = await planRestore(db.server.url, db.migrations, { schemas: ["public"] });
    assert.ok(
      again.steps.every((step) => step.action === "kept"),
      "a second plan has nothing left to apply",
    );
    await db.client.query(`drop table public.notes; alter table public.profiles drop column nickname;
      drop trigger audit_signup on auth.users;`);
  });

  test("data that refuses a constraint stops that step alone, leaving no half of it", async () => {
    await db.client.query(`
      insert into auth.users (id, email) values (gen_random_uuid(), 'one@example.com'), (gen_random_uuid(), 'two@example.com');
      alter table public.profiles drop constraint profiles_email_key;
      update public.profiles set email = 'same@example.com';
      drop policy "Profiles are updatable by their owner" on public.profiles;
    `);
    const plan = await planRestore(db.server.url, db.migrations, { schemas: ["public"] });
    const outcomes = await applyRestore(db.server.url, plan);
    const refused = outcomes.filter((outcome) => outcome.outcome !== "applied");
    assert.equal(refused.length, 1, JSON.stringify(outcomes, null, 2));
    assert.equal(refused[0]?.outcome, "not applied");
    assert.match(refused[0]?.step.sql ?? "", /profiles_email_key/);
    assert.match(
      refused[0]?.detail ?? "",
      /^the data does not satisfy it \(could not create unique index/,
    );
    const left = await db.client.query(
      "select count(*)::int as n from pg_class where relname = 'profiles_email_key'",
    );
    assert.equal(left.rows[0].n, 0, "the unique index was left behind without its constraint");
    const policy = await db.client.query(
      "select count(*)::int as n from pg_policies where policyname = 'Profiles are updatable by their owner'",
    );
    assert.equal(policy.rows[0].n, 1, "the step after the refused one was not applied");
    await db.client.query("delete from auth.users");
    const after = await applyRestore(
      db.server.url,
      await planRestore(db.server.url, db.migrations, { schemas: ["public"] }),
    );
    assert.deepEqual(
      after.map((outcome) => outcome.outcome),
      ["applied"],
    );
  });

  test("the database URL and its password never reach a message", async () => {
    const url = "postgres://admin:s3cret-pass@db.example.com:5432/postgres";
    assert.equal(
      redact(`could not connect to ${url}: password s3cret-pass rejected`, url),
      "could not connect to <SUPABASE_DB_URL>: password <password> rejected",
    );
    const wrong = new URL(db.server.url);
    wrong.password = "not-the-password";
    await assert.rejects(
      planRestore(wrong.toString(), db.migrations, { schemas: ["public"] }),
      (error: Error) => {
        assert.ok(!error.message.includes("not-the-password"), error.message);
        assert.ok(!error.message.includes(wrong.toString()), error.message);
        return true;
      },
    );
  });
});
