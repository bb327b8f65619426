import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "dotenv";
import pg from "pg";
import { FAULT_NAMES } from "../src/faults.ts";
import { FREE_PORTS } from "../src/ports.ts";
import { bootStack, type RunningStack } from "../src/stack.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ENV_KEYS = [
  "STACK_APP",
  "FRONTEND_URL",
  "BACKEND_URL",
  "SUPABASE_URL",
  "SUPABASE_ANON_KEY",
  "SUPABASE_SERVICE_ROLE_KEY",
  "SUPABASE_JWT_SECRET",
  "SUPABASE_DB_URL",
  "MAIL_SINK_SMTP_URL",
  "MAIL_SINK_API_URL",
];

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("bootStack", () => {
  let stack: RunningStack;
  let envDir: string;

  before(async () => {
    envDir = await mkdtemp(path.join(tmpdir(), "stack-env-"));
    stack = await bootStack({ ports: FREE_PORTS, envFile: path.join(envDir, "stack.env") });
  });
  after(async () => {
    await stack?.stop();
  });

  test("writes the env file with every URL and key", async () => {
    const env = parse(await readFile(path.join(envDir, "stack.env"), "utf8"));
    for (const key of ENV_KEYS) assert.ok(env[key], `${key} missing from stack.env`);
    assert.equal(env.STACK_APP, "spa", "the default shape");
    assert.match(
      env.SUPABASE_DB_URL ?? "",
      /^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/postgres$/,
    );
    assert.deepEqual(env, { ...stack.env });
  });

  test("every part answers on loopback", async () => {
    const health = await fetch(`${stack.urls.backend}/health`);
    assert.equal(health.status, 200);
    assert.equal((await fetch(stack.urls.frontend)).status, 200);
    assert.equal((await fetch(`${stack.urls.mailApi}/messages`)).status, 200);
    const auth = await fetch(`${stack.urls.supabase}/auth/v1/health`, {
      headers: { apikey: stack.keys.anonKey },
    });
    assert.equal(auth.status, 200);
    for (const url of Object.values(stack.urls)) assert.match(url, /127\.0\.0\.1/);
  });

  test("a second stack runs side by side on other ports", async () => {
    const second = await bootStack({ ports: FREE_PORTS, envFile: false });
    try {
      assert.notEqual(second.urls.backend, stack.urls.backend);
      assert.notEqual(second.urls.db, stack.urls.db);
      assert.equal((await fetch(`${second.urls.backend}/health`)).status, 200);
    } finally {
      await second.stop();
    }
  });

  test("the control API lists, sets and clears faults", async () => {
    const listed = (await (await fetch(`${stack.urls.control}/faults`)).json()) as {
      available: Array<{ name: string }>;
      active: unknown[];
    };
    assert.deepEqual(
      listed.available.map((fault) => fault.name),
      [...FAULT_NAMES],
    );
    assert.deepEqual(listed.active, []);
    const on = await fetch(`${stack.urls.control}/faults/register-500`, { method: "PUT" });
    assert.equal(on.status, 200);
    assert.deepEqual(((await on.json()) as { active: unknown[] }).active, [
      { name: "register-500" },
    ]);
    const unknown = await fetch(`${stack.urls.control}/faults/nope`, { method: "PUT" });
    assert.equal(unknown.status, 404);
    const bad = await fetch(`${stack.urls.control}/faults/backend-latency`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: -5 }),
    });
    assert.equal(bad.status, 400);
    const off = await fetch(`${stack.urls.control}/faults`, { method: "DELETE" });
    assert.deepEqual(((await off.json()) as { active: unknown[] }).active, []);
  });
});

describe("each fault really happens, and clearing it restores health", () => {
  let stack: RunningStack;
  const register = (email: string) =>
    fetch(`${stack.urls.backend}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "long-enough-1", full_name: "Fault Probe" }),
    });
  const email = () => `fault-${crypto.randomUUID()}@example.com`;

  before(async () => {
    stack = await bootStack({ ports: FREE_PORTS, envFile: false });
  });
  after(async () => {
    await stack?.stop();
  });

  const catalog = {
    profiles: "select to_regclass('public.profiles') is not null as ok",
    fullName:
      "select exists (select 1 from information_schema.columns where table_schema = 'public' and table_name = 'profiles' and column_name = 'full_name') as ok",
    trigger: "select exists (select 1 from pg_trigger where tgname = 'on_auth_user_created') as ok",
    rls: "select coalesce((select relrowsecurity from pg_class where oid = to_regclass('public.profiles')), false) as ok",
    triggerEnabled:
      "select exists (select 1 from pg_trigger where tgname = 'on_auth_user_created' and tgenabled <> 'D') as ok",
    policy:
      "select exists (select 1 from pg_policies where policyname = 'Profiles are viewable by their owner' and qual <> 'true') as ok",
    grant: "select has_table_privilege('authenticated', 'public.profiles', 'select') as ok",
    constraints:
      "select exists (select 1 from pg_constraint where conname = 'profiles_email_key') and exists (select 1 from pg_constraint where conname = 'profiles_id_fkey' and confdeltype = 'c') as ok",
  };
  for (const [fault, query] of [
    ["schema-erased", catalog.profiles],
    ["column-missing", catalog.fullName],
    ["trigger-missing", catalog.trigger],
    ["rls-disabled", catalog.rls],
    ["trigger-disabled", catalog.triggerEnabled],
    ["policy-widened", catalog.policy],
    ["grant-revoked", catalog.grant],
    ["constraints-dropped", catalog.constraints],
  ] as const) {
    test(`${fault} changes the schema for real, and clearing it restores it`, async () => {
      const before = await sql<{ ok: boolean }>(stack.urls.db, query);
      assert.equal(before[0]?.ok, true);
      await stack.faults.set(fault);
      assert.equal((await sql<{ ok: boolean }>(stack.urls.db, query))[0]?.ok, false);
      await stack.faults.clear(fault);
      assert.equal((await sql<{ ok: boolean }>(stack.urls.db, query))[0]?.ok, true);
      assert.equal((await register(email())).status, 201, "registration works again");
    });
  }

  test("auth-503", async () => {
    await stack.faults.set("auth-503");
    const down = await fetch(`${stack.urls.supabase}/auth/v1/health`, {
      headers: { apikey: stack.keys.anonKey },
    });
    assert.equal(down.status, 503);
    await stack.faults.clear("auth-503");
    const up = await fetch(`${stack.urls.supabase}/auth/v1/health`, {
      headers: { apikey: stack.keys.anonKey },
    });
    assert.equal(up.status, 200);
  });

  test("register-500", async () => {
    await stack.faults.set("register-500");
    assert.equal((await register(email())).status, 500);
    await stack.faults.clear("register-500");
    assert.equal((await register(email())).status, 201);
  });

  test("backend-latency delays responses by its value", async () => {
    await stack.faults.set("backend-latency=400");
    const started = performance.now();
    await fetch(`${stack.urls.backend}/health`);
    assert.ok(
      performance.now() - started >= 400,
      "the response came back before the injected delay",
    );
    await stack.faults.clear("backend-latency");
  });

  test("backend-down closes the port, clearing it listens again", async () => {
    await stack.faults.set("backend-down");
    await assert.rejects(fetch(`${stack.urls.backend}/health`), /fetch failed/);
    await stack.faults.clear("backend-down");
    assert.equal((await fetch(`${stack.urls.backend}/health`)).status, 200);
  });

  test("frontend-js-error adds a throwing script to every page", async () => {
    const scripts = async () =>
      [...(await (await fetch(stack.urls.frontend)).text()).matchAll(/<script[^>]+src="([^"]+)"/g)]
        .length;
    const normal = await scripts();
    await stack.faults.set("frontend-js-error");
    assert.equal(await scripts(), normal + 1);
    await stack.faults.clear("frontend-js-error");
    assert.equal(await scripts(), normal);
  });

  test("cors-refused drops the frontend origin", async () => {
    const preflight = () =>
      fetch(`${stack.urls.backend}/api/auth/login`, {
        method: "OPTIONS",
        headers: { origin: stack.urls.frontend, "access-control-request-method": "POST" },
      });
    await stack.faults.set("cors-refused");
    assert.equal((await preflight()).headers.get("access-control-allow-origin"), null);
    await stack.faults.clear("cors-refused");
    assert.equal(
      (await preflight()).headers.get("access-control-allow-origin"),
      stack.urls.frontend,
    );
  });

  test("key-leaked puts the service-role key in the frontend's JavaScript", async () => {
    const bundle = async () => {
      const html = await (await fetch(stack.urls.frontend)).text();
      const sources = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map(
        (match) => match[1] ?? "",
      );
      const bodies = await Promise.all(
        sources.map(async (src) => (await fetch(new URL(src, stack.urls.frontend))).text()),
      );
      return bodies.join("\n");
    };
    assert.ok(!(await bundle()).includes(stack.keys.serviceRoleKey));
    await stack.faults.set("key-leaked");
    assert.ok((await bundle()).includes(stack.keys.serviceRoleKey));
    await stack.faults.clear("key-leaked");
    assert.ok(!(await bundle()).includes(stack.keys.serviceRoleKey));
  });
});

describe("crashes are reported", () => {
  test("PostgreSQL dying rejects `crashed`", async () => {
    const stack = await bootStack({ ports: FREE_PORTS, envFile: false });
    try {
      const [row] = await sql<{ pid: number }>(stack.urls.db, "select pg_backend_pid() as pid");
      assert.ok(row);
      // Stop the server from inside: a fast shutdown the stack did not ask for.
      await sql(
        stack.urls.db,
        "select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid()",
      );
      const postmaster = await sql<{ pid: string }>(
        stack.urls.db,
        "select pg_read_file('postmaster.pid') as pid",
      );
      process.kill(Number(postmaster[0]?.pid.split("\n")[0]), "SIGQUIT");
      await assert.rejects(stack.crashed, /PostgreSQL exited unexpectedly/);
    } finally {
      await stack.stop();
    }
  });
});

describe("npm run stack", () => {
  test("boots, prints the URLs, writes the env file, and SIGINT removes everything", async () => {
    const envDir = await mkdtemp(path.join(tmpdir(), "stack-cli-"));
    const envFile = path.join(envDir, "stack.env");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "stack/src/cli.ts", "--free-ports", "--env-out", envFile],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", () => {
        if (output.includes("Ctrl-C to stop.")) resolve();
      });
      child.once("exit", () => reject(new Error(`the stack exited early:\n${output}`)));
    });
    for (const part of ["frontend", "backend", "supabase", "database", "mail sink", "control"]) {
      assert.match(output, new RegExp(`${part}\\s+http|${part}\\s+postgres`), `no URL for ${part}`);
    }
    assert.doesNotMatch(
      output,
      /postgres:\/\/postgres:[^*]/,
      "the database password must not be printed",
    );
    const env = parse(await readFile(envFile, "utf8"));
    const dataDirs = await sql<{ dir: string }>(
      env.SUPABASE_DB_URL ?? "",
      "select current_setting('data_directory') as dir",
    );
    const dataDir = dataDirs[0]?.dir ?? "";
    assert.ok(existsSync(dataDir));
    const exit = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => resolve(code)),
    );
    child.kill("SIGINT");
    assert.equal(await exit, 130, "128 + SIGINT, as a shell reports Ctrl-C");
    assert.equal(existsSync(dataDir), false, "the data directory must be removed on SIGINT");
  });

  test("an unknown fault is refused with exit 2 before anything boots", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "stack/src/cli.ts", "--fault", "nope"],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 2);
    assert.match(stderr, /unknown fault "nope"/);
  });
});
