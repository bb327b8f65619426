import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { type ProcessResult, runProcess } from "../scripts/process.ts";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";
import { newSupabaseClient } from "../target/supabase-client.ts";
import { createSyntheticUser, findUserByEmail, syntheticEmail } from "../target/synthetic-users.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SECRET =
  "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.dG9wLXNlY3JldC1kby1ub3QtcHJpbnQ";

/** Runs a command of the project with exactly the given target variables (none inherited). */
function run(command: string, args: string[], env: Record<string, string>): Promise<ProcessResult> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(FRONTEND|BACKEND|SUPABASE|SYNTHETIC|VERCEL)_/.test(key),
    ),
  );
  return runProcess(command, args, { cwd: ROOT, env: { ...clean, ...env, CI: "" } });
}

const tsx = (script: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, ["--import", "tsx", script, ...args], env);

describe("invalid configuration", () => {
  test("playwright test stops before any test with exit 2, naming every bad variable", async () => {
    const result = await run("npx", ["playwright", "test"], {
      FRONTEND_URL: "not a url",
      BACKEND_URL: "https://api.example.com",
      SUPABASE_SERVICE_ROLE_KEY: SECRET,
      SYNTHETIC_RUN_KIND: "weekly",
    });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    for (const line of [
      "FRONTEND_URL must be an http(s) URL",
      "SUPABASE_URL is required",
      "SUPABASE_ANON_KEY is required",
      "SYNTHETIC_RUN_KIND",
    ]) {
      assert.match(result.stderr, new RegExp(line.replace(/[()]/g, "\\$&")));
    }
    assert.ok(!`${result.stdout}${result.stderr}`.includes(SECRET), "a secret was echoed");
    assert.doesNotMatch(result.stdout, /passed|failed/, "no test may run");
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  });
});

describe("with no target: the stack the run boots itself", () => {
  test("STACK_FAULTS breaks it on purpose, and the alert reaches its mail sink and the console", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "own-stack-"));
    try {
      const result = await run(
        "npx",
        ["playwright", "test", "--project=security", "--retries=0", `--output=${dir}/results`],
        {
          STACK_FAULTS: "key-leaked",
          // Sessions signed as on a project with asymmetric keys: the RLS checks still hold.
          STACK_JWT_ALG: "ES256",
          ALERT_STATE_PATH: path.join(dir, "alerts", "state.json"),
          ALERT_JOURNAL_PATH: path.join(dir, "alerts", "journal.jsonl"),
          PLAYWRIGHT_JUNIT_OUTPUT_FILE: path.join(dir, "junit.xml"),
          PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(dir, "playwright-report"),
          ALLURE_RESULTS_DIR: path.join(dir, "allure-results"),
        },
      );
      const output = result.stdout + result.stderr;
      assert.equal(result.code, 1, output);
      assert.match(
        output,
        /booted the reference stack \(.*, ES256 session tokens\) with faults key-leaked/,
      );
      assert.match(output, /user A reads their own row, not user B's/);
      // Delivered after the stack's teardown: its mail sink outlives the rest until the process ends.
      assert.match(output, /\[alerts\] → email \[FIRING:1\] critical local · security/, output);
      assert.match(output, /contains the service-role key/);
      assert.doesNotMatch(output, /NOT delivered|PROBLEM/, output);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("an unknown fault in STACK_FAULTS stops the run with exit 2 before any test", async () => {
    const result = await run("npx", ["playwright", "test", "--project=api"], {
      STACK_FAULTS: "key-leaked,disk-full",
    });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /STACK_FAULTS: unknown fault "disk-full"; known faults: /);
    assert.doesNotMatch(result.stdout, /passed|failed/, "no test may run");
    assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
  });
});

describe("commands against the reference stack", () => {
  let stack: RunningStack;
  let env: Record<string, string>;
  before(async () => {
    stack = await bootStack({ ports: FREE_PORTS, envFile: false });
    env = { ...stack.env, SYNTHETIC_ENV: "local" };
  });
  after(async () => {
    await stack?.stop();
  });

  test("production runs only @readonly and @registration journeys unless widened", async () => {
    interface Listed {
      specs?: Array<{ title: string; tags: string[] }>;
      suites?: Listed[];
    }
    const list = async (extra: Record<string, string>) => {
      const { stdout } = await run("npx", ["playwright", "test", "--list", "--reporter=json"], {
        ...env,
        ...extra,
      });
      const specs: Array<{ title: string; tags: string[] }> = [];
      const walk = (suite: Listed) => {
        specs.push(...(suite.specs ?? []));
        for (const child of suite.suites ?? []) walk(child);
      };
      for (const suite of (JSON.parse(stdout) as { suites: Listed[] }).suites) walk(suite);
      return specs;
    };
    const production = await list({ SYNTHETIC_ENV: "production" });
    const everything = await list({});
    assert.ok(production.length > 0 && production.length < everything.length);
    for (const spec of production) {
      assert.ok(
        spec.tags.some((tag) => ["readonly", "registration"].includes(tag.replace(/^@/, ""))),
        `${spec.title} runs in production with tags ${spec.tags}`,
      );
    }
    const widened = await list({
      SYNTHETIC_ENV: "production",
      SYNTHETIC_ALLOW_WRITES_IN_PRODUCTION: "1",
    });
    assert.equal(widened.length, everything.length);
  });

  test("sweep deletes old synthetic users and leaves real ones", async () => {
    const admin = newSupabaseClient(stack.urls.supabase, stack.keys.serviceRoleKey);
    const identity = {
      prefix: "synthetic",
      runId: "sweeptest",
      workerIndex: 0,
      domain: "example.com",
    };
    const leftovers = await Promise.all([
      createSyntheticUser(admin, identity),
      createSyntheticUser(admin, identity),
    ]);
    // Left by an interrupted registration journey: signed up through the backend, no metadata of ours.
    const registeredEmail = syntheticEmail(identity);
    const registered = await fetch(`${stack.urls.backend}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: stack.urls.frontend },
      body: JSON.stringify({
        email: registeredEmail,
        password: "Registered-password-1",
        full_name: "Left Behind",
      }),
    });
    assert.ok(registered.ok, `register answered ${registered.status}`);
    const registeredUser = await findUserByEmail(admin, registeredEmail);
    assert.ok(registeredUser, "the registered user exists");
    assert.notEqual(registeredUser.user_metadata?.synthetic, true);
    leftovers.push({ id: registeredUser.id, email: registeredEmail, password: "", fullName: "" });
    const real = await admin.auth.admin.createUser({
      email: `real-${Date.now()}@example.com`,
      password: "real-password-1",
      email_confirm: true,
    });
    assert.equal(real.error, null);

    const young = await tsx("scripts/sweep.ts", ["--older-than", "60"], env);
    assert.equal(young.code, 0, young.stderr);
    assert.match(young.stdout, /deleted 0 synthetic users/);

    const now = await tsx("scripts/sweep.ts", ["--older-than", "0"], env);
    assert.equal(now.code, 0, now.stderr);
    assert.match(now.stdout, /deleted 3 synthetic users older than 0 min/);
    for (const user of leftovers)
      assert.equal((await admin.auth.admin.getUserById(user.id)).error?.status, 404);
    assert.equal(
      (await admin.auth.admin.getUserById(real.data.user?.id ?? "")).error,
      null,
      "a real user was deleted",
    );
    assert.ok(!now.stdout.includes(stack.keys.serviceRoleKey));
  });

  test("schema:restore closes the erased-schema incident: restore, then no drift", async () => {
    const client = new pg.Client(stack.urls.db);
    await client.connect();
    try {
      // The incident itself, outside the stack's fault switches: the app's tables are gone.
      await client.query(
        "drop table public.profiles cascade; drop function public.handle_new_user() cascade;",
      );
    } finally {
      await client.end();
    }
    const refused = await tsx("scripts/schema-restore.ts", ["--apply"], {
      ...env,
      SYNTHETIC_ENV: "production",
    });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /refusing .* without --allow-production/);

    const dry = await tsx("scripts/schema-restore.ts", [], env);
    assert.equal(dry.code, 1, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /apply\n\s+create table "public"\."profiles"/);
    assert.match(dry.stdout, /CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth\.users/);
    assert.match(dry.stdout, /Dry run: nothing changed/);

    const restored = await tsx("scripts/schema-restore.ts", ["--apply"], env);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /applied\s+create table "public"\."profiles"/);
    assert.match(restored.stdout, /Schema matches/);
    for (const output of [dry.stdout, restored.stdout, refused.stderr]) {
      assert.ok(!output.includes(stack.urls.db), "the database URL was printed");
      assert.ok(!output.includes(new URL(stack.urls.db).password), "the password was printed");
    }

    const again = await tsx("scripts/schema-restore.ts", [], env);
    assert.equal(again.code, 0, again.stdout);
    assert.match(again.stdout, /Nothing to restore/);
  });

  test("schema:restore leaves what may hold data, and says so", async () => {
    const client = new pg.Client(stack.urls.db);
    await client.connect();
    try {
      await client.query("alter table public.profiles add column nickname text default 'kept'");
      const result = await tsx("scripts/schema-restore.ts", ["--apply"], env);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        /left alone: column public\.profiles\.nickname is not in the migrations; left in place, it may hold data/,
      );
      assert.match(result.stdout, /nickname/);
      assert.match(result.stdout, /left alone on purpose or could not be applied/);
    } finally {
      await client.query("alter table public.profiles drop column nickname");
      await client.end();
    }
  });

  test("schema:restore without SUPABASE_DB_URL says so", async () => {
    const { SUPABASE_DB_URL: _omit, ...rest } = env;
    const result = await tsx("scripts/schema-restore.ts", [], rest);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /SUPABASE_DB_URL is not set/);
  });
});
