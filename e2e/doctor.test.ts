import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseProfile } from "../contract/profile.ts";
import { type ProcessResult, runProcess } from "../scripts/process.ts";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REF = "abcdefghijklmnopqrst";

/** An unsigned key with the given claims: parseConfig reads claims, it does not verify. */
function key(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.ZG9jdG9yLXRlc3Qtc2lnbmF0dXJl`;
}

const HOSTED = {
  FRONTEND_URL: "https://app.example.com",
  BACKEND_URL: "https://api.example.com",
  SUPABASE_URL: `https://${REF}.supabase.co`,
  SUPABASE_ANON_KEY: key({ role: "anon", ref: REF }),
  SUPABASE_SERVICE_ROLE_KEY: key({ role: "service_role", ref: REF }),
};

/** Runs a command with exactly the given target variables (none inherited). */
function run(command: string, args: string[], env: Record<string, string>): Promise<ProcessResult> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(FRONTEND|BACKEND|SUPABASE|SYNTHETIC|VERCEL|STACK)_/.test(name),
    ),
  );
  return runProcess(command, args, {
    cwd: ROOT,
    env: { ...clean, ...env, CI: "" },
    timeoutMs: 90_000,
  });
}

/** A wide table, so each row is one line to match. */
const doctor = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ["--import", "tsx", "doctor/cli.ts", ...args], { ...env, COLUMNS: "2000" });

/** No value of a secret-holding variable (keys, the DB URL and its password, the bypass) in the output. */
function assertNoSecret(result: ProcessResult, env: Record<string, string>): void {
  const values = Object.entries(env)
    .filter(([name]) => /KEY|SECRET|DB_URL|BYPASS/.test(name))
    .flatMap(([, value]) => [value, URL.canParse(value) ? new URL(value).password : ""])
    .filter((value) => value.length >= 8);
  assert.ok(values.length > 0, "no secret to look for");
  for (const value of values)
    assert.ok(!result.output.includes(value), "a secret value was printed");
}

describe("swapped keys stop the run naming the variable", () => {
  const swapped = { ...HOSTED, SUPABASE_SERVICE_ROLE_KEY: HOSTED.SUPABASE_ANON_KEY };
  const problem =
    /SUPABASE_SERVICE_ROLE_KEY is an anon key \(role "anon"\); use the service_role key/;

  test("playwright test exits 2 before any test", async () => {
    const result = await run("npx", ["playwright", "test"], swapped);
    assert.equal(result.code, 2, result.output);
    assert.match(result.stderr, problem);
    assert.doesNotMatch(result.stdout, /passed|failed/, "no test may run");
    assertNoSecret(result, swapped);
  });

  test("doctor exits 2, and so does a key of another project", async () => {
    const result = await doctor([], swapped);
    assert.equal(result.code, 2, result.output);
    assert.match(result.stderr, problem);
    assertNoSecret(result, swapped);
    const foreign = {
      ...HOSTED,
      SUPABASE_ANON_KEY: key({ role: "anon", ref: "zyxwvutsrqponmlkjihg" }),
    };
    const other = await doctor([], foreign);
    assert.equal(other.code, 2, other.output);
    assert.match(other.stderr, /SUPABASE_ANON_KEY belongs to project "zyxwvutsrqponmlkjihg"/);
  });

  test("doctor with no target says how to get one", async () => {
    const result = await doctor([], {});
    assert.equal(result.code, 2, result.output);
    assert.match(result.stderr, /no target configured.*npm run stack.*\.stack\/stack\.env/);
  });
});

describe("doctor against the reference stack", () => {
  let stack: RunningStack;
  let env: Record<string, string>;
  before(async () => {
    stack = await bootStack({ ports: FREE_PORTS, envFile: false });
    // A bypass secret too, so the output is searched for it; the stand-in is not protected.
    env = {
      ...stack.env,
      SYNTHETIC_ENV: "local",
      SYNTHETIC_APP: "contract/app.ts",
      VERCEL_PROTECTION_BYPASS: "doctor-bypass-0123456789",
    };
  });
  after(async () => {
    await stack?.stop();
  });

  test("healthy: every row ok, exit 0, and a proposed profile with the app's forms", async () => {
    const result = await doctor([], env);
    assert.equal(result.code, 0, result.output);
    for (const check of ["frontend", "backend", "backend CORS", "Supabase", "API keys"]) {
      assert.match(result.stdout, new RegExp(`\\n${check} +ok `), `${check} is not ok`);
    }
    for (const check of ["Auth settings", "rate limits", "app profile"])
      assert.match(result.stdout, new RegExp(`\\n${check} +ok `), `${check} is not ok`);
    assert.match(result.stdout, /VERCEL_PROTECTION_BYPASS is not needed/);
    assert.match(result.stdout, /sign-ups open · email confirmation off/);
    assert.match(result.stdout, /the admin API accepts the service-role key/);
    assert.match(result.stdout, /\{ locator: \{ label: "Full name" \}, value: "fullName" \}/);
    assert.match(result.stdout, /submit: \{ role: "button", name: "Log in" \}/);
    assertNoSecret(result, env);
  });

  test("with SYNTHETIC_APP unset or empty, the app-profile row says there is no profile of the user's yet", async () => {
    for (const value of [undefined, ""]) {
      const { SYNTHETIC_APP: _, ...rest } = env;
      const result = await doctor([], value === undefined ? rest : { ...rest, SYNTHETIC_APP: "" });
      assert.equal(result.code, 1, result.output);
      const row = result.stdout.split("\n").find((line) => line.startsWith("app profile")) ?? "";
      assert.match(
        row,
        /warn +SYNTHETIC_APP is not set: no profile of yours yet; the default contract\/app\.ts describes the reference app/,
      );
      assert.match(row, /write yours from the proposal below \(--write PATH\)/);
      assert.match(result.stdout, /\{ locator: \{ label: "Full name" \}, value: "fullName" \}/);
      assertNoSecret(result, env);
    }
  });

  test("--write puts the proposal in a new file that loads as a profile", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "doctor-write-"));
    try {
      const file = path.join(dir, "proposed.ts");
      const result = await doctor(["--write", file, "--every", "1h"], env);
      assert.equal(result.code, 0, result.output);
      assert.match(result.stdout, /Wrote the proposed app profile/);
      const profile = parseProfile(
        ((await import(pathToFileURL(file).href)) as { default: unknown }).default,
        file,
      );
      assert.equal(profile.forms.signUp.path, "/register");
      assert.ok(!(await readFile(file, "utf8")).includes(stack.keys.anonKey));
      const again = await doctor(["--write", file], env);
      assert.equal(again.code, 2, "an existing file is not overwritten");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const faults: Array<[string, RegExp]> = [
    ["auth-503", /Supabase +fail +Supabase Auth answered 503/],
    ["backend-down", /backend +fail +GET \/health got no answer: ECONNREFUSED/],
    ["cors-refused", /backend CORS +fail .* does not allow the frontend's origin/],
  ];
  for (const [fault, cause] of faults) {
    test(`with ${fault} the cause is named and the exit is 1`, async () => {
      await stack.faults.set(fault);
      try {
        const result = await doctor([], env);
        assert.equal(result.code, 1, result.output);
        assert.match(result.stdout, cause);
        assertNoSecret(result, env);
      } finally {
        await stack.faults.clear(fault as Parameters<RunningStack["faults"]["clear"]>[0]);
      }
    });
  }
});
