import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { configuredSecrets } from "../../secrets/variables.ts";
import { ConfigError, hasNoTarget, isReadOnly, loadDotenv, parseConfig } from "../config.ts";

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

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the configuration to be refused");
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
