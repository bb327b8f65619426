// A stack on a team's own migrations (STACK_MIGRATIONS, bootStack's
// migrationsDir): a profiles table of another shape with its own sign-up
// trigger, and a storage bucket with policies in the style of Supabase's
// user-management example. Supabase runs them; the reference frontend and
// backend, and the faults written against their schema, stay out.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createClient } from "@supabase/supabase-js";
import { parse } from "dotenv";
import pg from "pg";
import WebSocket from "ws";
import { FREE_PORTS } from "../src/ports.ts";
import { bootStack, type RunningStack } from "../src/stack.ts";
import { applyMigrations, resetMigratedSchemas } from "../src/supabase/database.ts";
import { MigrationError } from "../src/supabase/migration-error.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const run = promisify(execFile);

const TEAM_PROFILES = `
create table public.profiles (
  id uuid not null primary key references auth.users (id) on delete cascade,
  username text unique,
  avatar_url text,
  updated_at timestamptz
);
alter table public.profiles enable row level security;
create policy "Public profiles are viewable by everyone." on public.profiles
  for select using (true);
create policy "Users can update own profile." on public.profiles
  for update using ((select auth.uid()) = id);

create function public.handle_new_user() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.profiles (id, username, avatar_url)
  values (new.id, new.raw_user_meta_data ->> 'username', new.raw_user_meta_data ->> 'avatar_url');
  return new;
end;
$$;
create trigger on_auth_user_created after insert on auth.users
  for each row execute procedure public.handle_new_user();
`;

const AVATARS_BUCKET = `
insert into storage.buckets (id, name) values ('avatars', 'avatars');
create policy "Avatar images are publicly accessible." on storage.objects
  for select using (bucket_id = 'avatars');
create policy "Users upload into their own folder." on storage.objects
  for insert to authenticated
  with check (bucket_id = 'avatars' and (storage.foldername(name))[1] = (select auth.uid()::text));
create policy "Anyone can update their own avatar." on storage.objects
  for update using ((select auth.uid()) = owner) with check (bucket_id = 'avatars');
`;

async function teamMigrations(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "team-migrations-"));
  for (const [file, sql] of Object.entries(files)) await writeFile(path.join(dir, file), sql);
  return dir;
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe("a stack on the team's own migrations", () => {
  let dir: string;
  let stack: RunningStack<undefined>;
  const envFile = () => path.join(dir, ".stack.env");

  before(async () => {
    dir = await teamMigrations({
      "20250601000000_profiles.sql": TEAM_PROFILES,
      "20250601000100_avatars.sql": AVATARS_BUCKET,
    });
    stack = await bootStack({ ports: FREE_PORTS, envFile: envFile(), migrationsDir: dir });
  });
  after(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const client = (key: string) =>
    createClient(stack.urls.supabase, key, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: WebSocket as never },
    });

  test("the reference frontend and backend are off, and the env file says so", async () => {
    assert.equal(stack.app, undefined, "no app was named");
    assert.equal(stack.urls.frontend, undefined);
    assert.equal(stack.urls.backend, undefined);
    assert.equal(stack.migrationsDir, dir);
    const env = parse(await readFile(envFile(), "utf8"));
    assert.deepEqual(env, { ...stack.env });
    assert.equal(env.STACK_MIGRATIONS, dir, "the env names the migrations it runs");
    for (const key of [
      "FRONTEND_URL",
      "BACKEND_URL",
      "STACK_APP",
      "VERCEL_API_URL",
      "RENDER_API_URL",
    ])
      assert.equal(env[key], undefined, `${key} must not point at a part that does not run`);
    assert.ok(env.SUPABASE_API_URL, "the project still has its Management API");
    for (const key of ["SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY"])
      assert.ok(env[key], `${key} missing`);
    const health = (await (await fetch(`${stack.urls.control}/health`)).json()) as {
      parts: Record<string, string>;
    };
    assert.deepEqual(Object.keys(health.parts).sort(), [
      "control",
      "db",
      "mailApi",
      "smtp",
      "supabase",
      "supabaseManagement",
    ]);
  });

  test("a supabase-js sign-up runs the team's trigger; the row reads back through the Data API", async () => {
    const username = `own-${crypto.randomUUID().slice(0, 8)}`;
    const { data, error } = await client(stack.keys.anonKey).auth.signUp({
      email: `${username}@example.com`,
      password: "correct-horse-1",
      options: { data: { username, avatar_url: `${username}/face.png` } },
    });
    assert.equal(error, null);
    assert.ok(data.user, "sign-up returns the user");
    const { data: rows, error: readError } = await client(stack.keys.serviceRoleKey)
      .from("profiles")
      .select("id, username, avatar_url")
      .eq("id", data.user.id);
    assert.equal(readError, null);
    assert.deepEqual(rows, [{ id: data.user.id, username, avatar_url: `${username}/face.png` }]);
    const columns = await query<{ column_name: string }>(
      stack.urls.db,
      "select column_name from information_schema.columns where table_schema = 'public' and table_name = 'profiles' order by ordinal_position",
    );
    assert.deepEqual(
      columns.map((row) => row.column_name),
      ["id", "username", "avatar_url", "updated_at"],
      "the team's profiles, not the reference app's",
    );
  });

  test("storage policies the migration wrote hold under RLS, through storage.foldername", async () => {
    const buckets = await query(stack.urls.db, "select id, name, public from storage.buckets");
    assert.deepEqual(buckets, [{ id: "avatars", name: "avatars", public: false }]);
    const user = crypto.randomUUID();
    const asUser = async (name: string) => {
      const db = new pg.Client(stack.urls.db);
      await db.connect();
      try {
        await db.query("begin");
        await db.query("select set_config('request.jwt.claims', $1, true)", [
          JSON.stringify({ sub: user, role: "authenticated" }),
        ]);
        await db.query("set local role authenticated");
        await db.query(
          "insert into storage.objects (bucket_id, name, owner, owner_id) values ('avatars', $1, $2, $3)",
          [name, user, user],
        );
        await db.query("commit");
      } finally {
        await db.end();
      }
    };
    await asUser(`${user}/face.png`);
    await assert.rejects(
      asUser(`someone-else/face.png`),
      /row-level security policy/,
      "a write outside the user's own folder must be refused by the policy",
    );
    const [stored] = await query<{ path_tokens: string[]; ext: string }>(
      stack.urls.db,
      "select path_tokens, storage.extension(name) as ext from storage.objects where owner = $1",
      [user],
    );
    assert.deepEqual(stored, { path_tokens: [user, "face.png"], ext: "png" });
  });

  test("faults written against the reference schema or parts are refused, naming why", async () => {
    await assert.rejects(
      stack.faults.set("schema-erased"),
      new RegExp(`fault schema-erased refused: .*migrations in ${dir.replaceAll("/", "\\/")}`),
    );
    await assert.rejects(stack.faults.set("backend-down"), /backend-down refused/);
    const put = await fetch(`${stack.urls.control}/faults/trigger-missing`, { method: "PUT" });
    assert.equal(put.status, 409);
    assert.match(((await put.json()) as { error: string }).error, /trigger-missing refused/);
    assert.deepEqual(stack.faults.list(), [], "a refused fault is not on");
    const trigger = await query(
      stack.urls.db,
      "select 1 from pg_trigger where tgname = 'on_auth_user_created'",
    );
    assert.equal(trigger.length, 1, "the team's trigger is untouched");
    await stack.faults.set("auth-503");
    const down = await fetch(`${stack.urls.supabase}/auth/v1/health`, {
      headers: { apikey: stack.keys.anonKey },
    });
    assert.equal(down.status, 503, "Supabase's own faults still work");
    await stack.faults.clearAll();
  });

  test("a schema reset runs the team's migrations again, storage included", async () => {
    const db = new pg.Client(stack.urls.db);
    await db.connect();
    try {
      await resetMigratedSchemas(db);
      assert.deepEqual(await applyMigrations(db, dir), [
        "20250601000000_profiles.sql",
        "20250601000100_avatars.sql",
      ]);
      const policies = await db.query(
        "select policyname from pg_policies where schemaname = 'storage' order by 1",
      );
      assert.equal(policies.rowCount, 3, "each storage policy once, none left from before");
      assert.equal((await db.query("select 1 from storage.buckets")).rowCount, 1);
    } finally {
      await db.end();
    }
  });
});

describe("own migrations that cannot run", () => {
  const cli = (env: Record<string, string>) =>
    run(process.execPath, ["--import", "tsx", "stack/src/cli.ts", "--free-ports"], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    }).catch((error: { code: number; stderr: string }) => error);

  test("a missing folder or one without migrations: one line naming STACK_MIGRATIONS, exit 2", async () => {
    const empty = await teamMigrations({ "README.md": "not a migration\n" });
    try {
      const missing = path.join(empty, "nowhere");
      for (const [value, message] of [
        [missing, `stack: STACK_MIGRATIONS: no migrations folder at ${missing}\n`],
        [empty, `stack: STACK_MIGRATIONS: no <version>_<name>.sql migration files in ${empty}\n`],
      ] as const) {
        const result = (await cli({ STACK_MIGRATIONS: value })) as {
          code?: number;
          stderr: string;
        };
        assert.equal(result.code, 2);
        assert.equal(result.stderr, message, "one line, no stack trace");
      }
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test("a failing migration stops the boot, naming its file and statement", async () => {
    const dir = await teamMigrations({
      "20250601000000_profiles.sql": TEAM_PROFILES,
      "20250601000100_broken.sql":
        "-- a typo in a policy\ncreate policy \"x\" on storage.objects\n  for select using (bucket = 'avatars');\n",
    });
    try {
      await assert.rejects(
        bootStack({ ports: FREE_PORTS, envFile: false, migrationsDir: dir }),
        (error: unknown) => {
          assert.ok(error instanceof MigrationError, String(error));
          assert.equal(error.file, "20250601000100_broken.sql");
          assert.equal(error.line, 2, "the line the failing statement starts on");
          assert.match(error.statement ?? "", /^create policy "x" on storage\.objects/);
          assert.match(error.message, /column "bucket" does not exist/);
          return true;
        },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
