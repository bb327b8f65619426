// The stand-in hosting a team's own schema (STACK_MIGRATIONS): a `profiles`
// table of another shape than the reference app's, its own sign-up trigger,
// and a Storage bucket with policies. The stack boots on those migrations,
// `npm run schema:snapshot` reads the expected schema from the same files,
// and the suite's schema and supabase projects check the running database:
// green as booted, and the schema check names a column dropped behind its back.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { runProcess } from "../scripts/process.ts";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";
import { failingProjects, runSuite, type SuiteRun } from "./support/run-suite.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const PROFILES = `
create table public.profiles (
  id uuid not null primary key references auth.users (id) on delete cascade,
  username text unique,
  full_name text,
  website text,
  updated_at timestamptz
);
alter table public.profiles enable row level security;
create policy "Public profiles are viewable by everyone." on public.profiles
  for select using (true);
create policy "Users can insert their own profile." on public.profiles
  for insert with check ((select auth.uid()) = id);
create policy "Users can update own profile." on public.profiles
  for update using ((select auth.uid()) = id);

create function public.handle_new_user() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.profiles (id, full_name)
  values (new.id, new.raw_user_meta_data ->> 'full_name');
  return new;
end;
$$;
create trigger on_auth_user_created after insert on auth.users
  for each row execute procedure public.handle_new_user();
`;

const AVATARS = `
insert into storage.buckets (id, name) values ('avatars', 'avatars');
create policy "Avatar images are publicly accessible." on storage.objects
  for select using (bucket_id = 'avatars');
create policy "Anyone can upload an avatar." on storage.objects
  for insert with check (bucket_id = 'avatars');
`;

function describeRun(run: SuiteRun): string {
  const lines = run.tests
    .filter((t) => t.outcome !== "expected")
    .map((t) => `  ${t.outcome} [${t.project}] ${t.title}: ${t.errors[0]?.split("\n")[0] ?? ""}`);
  return `exit ${run.exitCode}\n${lines.join("\n") || "  (all passed)"}\n--- output tail ---\n${run.output.slice(-1500)}`;
}

describe("a stack on the team's own migrations, checked by the suite", () => {
  let scratch: string;
  let stack: RunningStack<undefined>;
  let env: Record<string, string>;

  before(async () => {
    // Inside the project, so the profile loads as an ES module like the ones it copies.
    await mkdir(path.join(ROOT, ".scratch"), { recursive: true });
    scratch = await mkdtemp(path.join(ROOT, ".scratch", "own-migrations-"));
    const migrations = path.join(scratch, "supabase", "migrations");
    await mkdir(migrations, { recursive: true });
    await writeFile(path.join(migrations, "20250101000000_profiles.sql"), PROFILES);
    await writeFile(path.join(migrations, "20250101000100_avatars.sql"), AVATARS);
    const profile = path.join(scratch, "app.ts");
    await writeFile(
      profile,
      `import app from ${JSON.stringify(path.join(ROOT, "contract/examples/ssr.ts"))};
export default {
  ...app,
  name: "a team's own schema",
  signUpRow: { table: "profiles", nameColumn: "full_name" },
  tables: [{ name: "profiles", access: "public-read", ownerColumn: "id", writableColumn: "website" }],
  migrations: ${JSON.stringify(path.relative(ROOT, migrations))},
};
`,
    );
    const snapshot = await runProcess("npx", ["tsx", "scripts/schema-snapshot.ts"], {
      cwd: ROOT,
      env: { ...process.env, SYNTHETIC_APP: profile },
    });
    assert.equal(snapshot.code, 0, snapshot.output);

    stack = await bootStack({ ports: FREE_PORTS, envFile: false, migrationsDir: migrations });
    env = {
      ...stack.env,
      SYNTHETIC_ENV: "local",
      SYNTHETIC_APP: profile,
      // No frontend runs here and these projects never open one; the target still names it.
      FRONTEND_URL: "http://127.0.0.1:9",
    };
  });
  after(async () => {
    await stack?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  const schemaAndSupabase = ["--project=schema", "--project=supabase"];

  test("as booted: the schema matches the snapshot of the same migrations, and Auth and the Data API pass", async () => {
    const run = await runSuite(env, schemaAndSupabase);
    assert.equal(run.exitCode, 0, describeRun(run));
    const schema = run.tests.filter((t) => t.project === "schema");
    assert.ok(
      schema.length > 0 && schema.every((t) => t.outcome === "expected"),
      `the schema check ran and passed\n${describeRun(run)}`,
    );
  });

  test("a column of the team's table dropped behind the suite's back: the schema project names it", async () => {
    const client = new pg.Client(stack.env.SUPABASE_DB_URL);
    await client.connect();
    try {
      await client.query("alter table public.profiles drop column website");
    } finally {
      await client.end();
    }
    const run = await runSuite(env, ["--project=schema"]);
    assert.deepEqual(failingProjects(run), ["schema"], describeRun(run));
    const errors = run.tests.flatMap((t) => t.errors).join("\n");
    assert.match(errors, /column missing: column public\.profiles\.website/, describeRun(run));
  });
});
