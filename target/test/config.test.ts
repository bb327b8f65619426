import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { configuredSecrets } from "../../secrets/variables.ts";
import {
  ConfigError,
  hasNoTarget,
  isReadOnly,
  keyProblems,
  loadDotenv,
  parseConfig,
  projectRefOf,
  readApiKey,
} from "../config.ts";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const SERVICE =
  "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ";
const VALID = {
  FRONTEND_URL: "https://app.example.com/",
  BACKEND_URL: "https://api.example.com",
  SUPABASE_URL: "https://abc.supabase.co",
  SUPABASE_ANON_KEY: JWT,
  SUPABASE_SERVICE_ROLE_KEY: SERVICE,
};

/** What parseConfig refuses the environment for; none when it parses. */
function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  return [];
}

describe("configuration", () => {
  test("a complete target parses, with defaults and trailing slashes removed", () => {
    const config = parseConfig({ ...VALID });
    assert.equal(config.env, "local");
    assert.equal(config.frontendUrl, "https://app.example.com");
    assert.equal(config.emailDomain, "example.com");
    assert.equal(config.emailPrefix, "synthetic");
    assert.equal(config.runKind, "acceptance");
    assert.equal(config.readOnly, false);
    assert.match(config.runId, /^[a-z0-9]{4,16}$/);
    // Its one secret is on the one list the redactors and the scan read.
    assert.deepEqual(configuredSecrets({ ...VALID }), [
      { name: "SUPABASE_SERVICE_ROLE_KEY", value: SERVICE },
    ]);
  });

  test("every missing variable is named", () => {
    assert.deepEqual(problems({}), [
      "FRONTEND_URL is required",
      "SUPABASE_ANON_KEY is required",
      "SUPABASE_SERVICE_ROLE_KEY is required",
      "SUPABASE_URL is required",
    ]);
  });

  test("empty strings count as missing", () => {
    // No backend is a valid target: backend checks skip with a reason.
    assert.deepEqual(problems({ ...VALID, BACKEND_URL: "  " }), []);
    assert.equal(parseConfig({ ...VALID, BACKEND_URL: "" }).backendUrl, undefined);
    assert.deepEqual(problems({ ...VALID, FRONTEND_URL: "  " }), ["FRONTEND_URL is required"]);
  });

  test("bad URLs, keys and names are named with the reason", () => {
    const found = problems({
      ...VALID,
      FRONTEND_URL: "app.example.com",
      SUPABASE_URL: "ftp://x",
      SUPABASE_SERVICE_ROLE_KEY: "not a key",
      SUPABASE_DB_URL: "mysql://db",
      SYNTHETIC_ENV: "Prod!",
      SYNTHETIC_EMAIL_DOMAIN: "nodot",
      SYNTHETIC_EMAIL_PREFIX: "9x",
      SYNTHETIC_RUN_KIND: "hourly",
    });
    assert.equal(found.length, 8, found.join("\n"));
    for (const name of [
      "FRONTEND_URL must be an http(s) URL",
      "SUPABASE_URL must be an http(s) URL",
      "SUPABASE_SERVICE_ROLE_KEY must be a Supabase API key",
      "SUPABASE_DB_URL must be a postgres:// connection URL",
      "SYNTHETIC_ENV must be a short lower-case name",
      "SYNTHETIC_EMAIL_DOMAIN must be a domain name",
      "SYNTHETIC_EMAIL_PREFIX must be 2-20 lower-case letters",
      "SYNTHETIC_RUN_KIND",
    ]) {
      assert.ok(
        found.some((line) => line.startsWith(name)),
        `no problem starting with "${name}" in:\n${found.join("\n")}`,
      );
    }
  });

  test("secret values never appear in the error", () => {
    const secret = "sb_secret_do-not-print-me";
    const error = (() => {
      try {
        parseConfig({
          ...VALID,
          SUPABASE_SERVICE_ROLE_KEY: `${secret} with spaces`,
          SUPABASE_DB_URL: "postgres://u:hunter2@:bad",
        });
      } catch (caught) {
        return caught as Error;
      }
    })();
    assert.ok(error instanceof ConfigError);
    assert.ok(!error.message.includes(secret), error.message);
    assert.ok(!error.message.includes("hunter2"), error.message);
  });

  test("sb_ keys are accepted", () => {
    const config = parseConfig({
      ...VALID,
      SUPABASE_ANON_KEY: "sb_publishable_abc",
      SUPABASE_SERVICE_ROLE_KEY: "sb_secret_xyz",
    });
    assert.equal(config.serviceRoleKey, "sb_secret_xyz");
  });

  test("production is read-only unless widened", () => {
    assert.equal(parseConfig({ ...VALID, SYNTHETIC_ENV: "production" }).readOnly, true);
    assert.equal(
      parseConfig({
        ...VALID,
        SYNTHETIC_ENV: "production",
        SYNTHETIC_ALLOW_WRITES_IN_PRODUCTION: "1",
      }).readOnly,
      false,
    );
    assert.equal(parseConfig({ ...VALID, SYNTHETIC_ENV: "staging" }).readOnly, false);
  });

  test("no target at all is recognised", () => {
    assert.equal(hasNoTarget({}), true);
    assert.equal(hasNoTarget({ FRONTEND_URL: " " }), true);
    assert.equal(hasNoTarget({ BACKEND_URL: "http://x" }), false);
  });

  test(".env then .env.<SYNTHETIC_ENV>, never overriding what is set", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "config-test-"));
    await writeFile(
      path.join(dir, ".env"),
      "FRONTEND_URL=https://from-dotenv.example\nBACKEND_URL=https://b.example\n",
    );
    await writeFile(
      path.join(dir, ".env.staging"),
      "BACKEND_URL=https://staging.example\nSUPABASE_URL=https://s.example\n",
    );
    const env: NodeJS.ProcessEnv = {
      SYNTHETIC_ENV: "staging",
      FRONTEND_URL: "https://set.example",
    };
    loadDotenv(dir, env);
    assert.equal(env.FRONTEND_URL, "https://set.example");
    assert.equal(env.BACKEND_URL, "https://b.example");
    assert.equal(env.SUPABASE_URL, "https://s.example");
  });
});

test("read-only: production unless writes are allowed, also from the raw environment", () => {
  assert.equal(isReadOnly("production", false), true);
  assert.equal(isReadOnly("production", true), false);
  assert.equal(isReadOnly("staging", false), false);
  assert.equal(isReadOnly(undefined, false), false);
  assert.equal(parseConfig({ ...VALID, SYNTHETIC_ENV: "production" }).readOnly, true);
  assert.equal(
    parseConfig({
      ...VALID,
      SYNTHETIC_ENV: "production",
      SYNTHETIC_ALLOW_WRITES_IN_PRODUCTION: "yes",
    }).readOnly,
    false,
  );
});

/** An unsigned stand-in for a Supabase key: only the claims matter to the checks. */
function key(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
}

describe("API keys: swapped or from another project", () => {
  const hosted = {
    ...VALID,
    SUPABASE_URL: "https://abcdefghijklmnopqrst.supabase.co",
    SUPABASE_ANON_KEY: key({ role: "anon", ref: "abcdefghijklmnopqrst" }),
    SUPABASE_SERVICE_ROLE_KEY: key({ role: "service_role", ref: "abcdefghijklmnopqrst" }),
  };

  test("the right keys of the URL's project pass", () => {
    assert.equal(parseConfig(hosted).anonKey, hosted.SUPABASE_ANON_KEY);
    assert.deepEqual(
      problems({ ...hosted, SUPABASE_URL: "https://abcdefghijklmnopqrst.supabase.in" }),
      [],
    );
  });

  test("the anon key as the service-role key names the variable and what it is", () => {
    assert.deepEqual(problems({ ...hosted, SUPABASE_SERVICE_ROLE_KEY: hosted.SUPABASE_ANON_KEY }), [
      'SUPABASE_SERVICE_ROLE_KEY is an anon key (role "anon"); use the service_role key',
    ]);
  });

  test("both keys swapped: each variable is named", () => {
    assert.deepEqual(
      problems({
        ...hosted,
        SUPABASE_ANON_KEY: hosted.SUPABASE_SERVICE_ROLE_KEY,
        SUPABASE_SERVICE_ROLE_KEY: hosted.SUPABASE_ANON_KEY,
      }),
      [
        'SUPABASE_ANON_KEY is a service_role key (role "service_role"); use the anon key',
        'SUPABASE_SERVICE_ROLE_KEY is an anon key (role "anon"); use the service_role key',
      ],
    );
  });

  test("a user's access token or a role-less JWT is not an API key", () => {
    assert.deepEqual(problems({ ...hosted, SUPABASE_ANON_KEY: key({ role: "authenticated" }) }), [
      'SUPABASE_ANON_KEY is a JWT with role "authenticated", not an API key; use the anon key',
    ]);
    assert.deepEqual(
      problems({ ...hosted, SUPABASE_ANON_KEY: "eyJhbGciOiJIUzI1NiJ9.bm90LWpzb24.c2ln" }),
      ["SUPABASE_ANON_KEY is a JWT without a role claim; use the anon key"],
    );
  });

  test("sb_ keys in the wrong variable are swapped", () => {
    assert.deepEqual(
      problems({
        ...VALID,
        SUPABASE_ANON_KEY: "sb_secret_abcdef",
        SUPABASE_SERVICE_ROLE_KEY: "sb_publishable_abcdef",
      }),
      [
        "SUPABASE_ANON_KEY is a secret key (sb_secret_…); use the anon key or an sb_publishable_ key",
        "SUPABASE_SERVICE_ROLE_KEY is a publishable key (sb_publishable_…); use the service_role key or an sb_secret_ key",
      ],
    );
    // Mixing forms is fine: a publishable key with a legacy service_role JWT.
    assert.deepEqual(problems({ ...VALID, SUPABASE_ANON_KEY: "sb_publishable_abcdef" }), []);
  });

  test("keys of another project than SUPABASE_URL's are refused", () => {
    const other = key({ role: "service_role", ref: "zyxwvutsrqponmlkjihg" });
    assert.deepEqual(problems({ ...hosted, SUPABASE_SERVICE_ROLE_KEY: other }), [
      'SUPABASE_SERVICE_ROLE_KEY belongs to project "zyxwvutsrqponmlkjihg", not SUPABASE_URL\'s "abcdefghijklmnopqrst"; use that project\'s keys',
    ]);
  });

  test("on a custom domain or a local stack refs are not compared with the URL, only with each other", () => {
    const custom = { ...hosted, SUPABASE_URL: "https://auth.example.com" };
    assert.deepEqual(problems(custom), []);
    assert.deepEqual(problems({ ...custom, SUPABASE_URL: "http://127.0.0.1:54321" }), []);
    assert.deepEqual(
      problems({
        ...custom,
        SUPABASE_SERVICE_ROLE_KEY: key({ role: "service_role", ref: "other" }),
      }),
      [
        'SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY belong to different projects ("abcdefghijklmnopqrst", "other")',
      ],
    );
  });

  test("a key problem is reported with the other problems, and never echoes the key", () => {
    const found = problems({
      ...hosted,
      FRONTEND_URL: "nope",
      SUPABASE_SERVICE_ROLE_KEY: hosted.SUPABASE_ANON_KEY,
    });
    assert.equal(found.length, 2, found.join("\n"));
    assert.ok(found.every((line) => !line.includes(hosted.SUPABASE_ANON_KEY)));
    // A malformed key gets its shape problem only.
    assert.deepEqual(
      problems({ ...hosted, SUPABASE_ANON_KEY: "not a key" }).map((line) => line.split(" must")[0]),
      ["SUPABASE_ANON_KEY"],
    );
  });

  test("claims that are not short names are not repeated", () => {
    const [line] = keyProblems({
      SUPABASE_URL: undefined,
      SUPABASE_ANON_KEY: key({ role: "<script>alert(1)</script>" }),
      SUPABASE_SERVICE_ROLE_KEY: undefined,
    });
    assert.equal(
      line,
      "SUPABASE_ANON_KEY is a JWT with role (an unexpected value), not an API key; use the anon key",
    );
  });

  test("reading a key and a project URL", () => {
    assert.deepEqual(readApiKey(key({ role: "anon", ref: "abc" })), {
      form: "jwt",
      role: "anon",
      ref: "abc",
    });
    assert.deepEqual(readApiKey("sb_secret_x"), { form: "secret" });
    assert.equal(projectRefOf("https://abc123.supabase.co"), "abc123");
    assert.equal(projectRefOf("https://abc123.supabase.co.evil.example"), undefined);
    assert.equal(projectRefOf("http://127.0.0.1:54321"), undefined);
  });
});
