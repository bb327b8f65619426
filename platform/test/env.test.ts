import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SECRET_VARIABLES } from "../../secrets/variables.ts";
import {
  DEFAULT_PLATFORM_TIMEOUT_MS,
  PLATFORM_TOKEN_VARIABLES,
  PLATFORM_VARIABLES,
  PlatformConfigError,
  parsePlatformEnv,
} from "../index.ts";

const VERCEL_TOKEN = "ptest_vercel_token_value";
const RENDER_API_KEY = "rnd_ptestRenderKeyValue";
const SUPABASE_ACCESS_TOKEN = "sbp_ptestSupabaseTokenValue";

/** The PlatformConfigError parsing throws; fails when it parses. */
function configError(env: NodeJS.ProcessEnv): PlatformConfigError {
  try {
    parsePlatformEnv(env);
  } catch (error) {
    assert.ok(error instanceof PlatformConfigError, `a PlatformConfigError, got ${error}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(Object.keys(env))} to be refused`);
}

describe("parsePlatformEnv", () => {
  test("nothing set: no platform configured, the default timeout", () => {
    assert.deepEqual(parsePlatformEnv({}), { timeoutMs: DEFAULT_PLATFORM_TIMEOUT_MS });
    assert.equal(DEFAULT_PLATFORM_TIMEOUT_MS, 5000);
  });

  test("each platform with its token and id, API origins defaulting to the public APIs", () => {
    const access = parsePlatformEnv({
      VERCEL_TOKEN,
      VERCEL_PROJECT_ID: "prj_ptest123",
      RENDER_API_KEY,
      RENDER_SERVICE_ID: "srv-ptest123",
      SUPABASE_ACCESS_TOKEN,
      SUPABASE_PROJECT_REF: "ptestref123",
    });
    assert.deepEqual(access, {
      timeoutMs: 5000,
      vercel: { token: VERCEL_TOKEN, projectId: "prj_ptest123", apiUrl: "https://api.vercel.com" },
      render: {
        token: RENDER_API_KEY,
        serviceId: "srv-ptest123",
        apiUrl: "https://api.render.com",
      },
      supabase: {
        token: SUPABASE_ACCESS_TOKEN,
        ref: "ptestref123",
        refVariable: "SUPABASE_PROJECT_REF",
        apiUrl: "https://api.supabase.com",
      },
    });
  });

  test("the optional variables: team, API origins (loopback may be http), timeout", () => {
    const access = parsePlatformEnv({
      VERCEL_TOKEN,
      VERCEL_PROJECT_ID: "shop-frontend",
      VERCEL_TEAM_ID: "team_ptest42",
      VERCEL_API_URL: "https://vercel.example.test/",
      RENDER_API_KEY,
      RENDER_SERVICE_ID: "srv-ptest123",
      RENDER_API_URL: "http://127.0.0.1:4010",
      SUPABASE_ACCESS_TOKEN,
      SUPABASE_PROJECT_REF: "ptestref123",
      SUPABASE_API_URL: "http://localhost:54321",
      SYNTHETIC_PLATFORM_TIMEOUT_MS: " 2500 ",
    });
    assert.equal(access.timeoutMs, 2500);
    assert.equal(access.vercel?.teamId, "team_ptest42");
    assert.equal(access.vercel?.projectId, "shop-frontend", "a project's name is accepted too");
    assert.equal(access.vercel?.apiUrl, "https://vercel.example.test", "the trailing slash goes");
    assert.equal(access.render?.apiUrl, "http://127.0.0.1:4010");
    assert.equal(access.supabase?.apiUrl, "http://localhost:54321");
  });

  test("the Supabase ref comes from a hosted SUPABASE_URL when SUPABASE_PROJECT_REF is unset", () => {
    const access = parsePlatformEnv({
      SUPABASE_ACCESS_TOKEN,
      SUPABASE_URL: "https://PtestRefFromUrl.supabase.co",
    });
    assert.equal(access.supabase?.ref, "ptestreffromurl");
    assert.equal(access.supabase?.refVariable, "SUPABASE_URL");
    const both = parsePlatformEnv({
      SUPABASE_ACCESS_TOKEN,
      SUPABASE_URL: "https://ptestother.supabase.co",
      SUPABASE_PROJECT_REF: "ptestexplicit",
    });
    assert.equal(both.supabase?.ref, "ptestexplicit", "the explicit ref wins");
  });

  test("an id without its token, or blank values: that platform is absent, no error", () => {
    const access = parsePlatformEnv({
      VERCEL_TOKEN: "   ",
      VERCEL_PROJECT_ID: "prj_ptest123",
      RENDER_SERVICE_ID: "srv-ptest123",
      SUPABASE_PROJECT_REF: "ptestref123",
      SUPABASE_URL: "https://ptestref123.supabase.co",
    });
    assert.deepEqual(access, { timeoutMs: 5000 });
  });

  const missing: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ["VERCEL_TOKEN without VERCEL_PROJECT_ID", { VERCEL_TOKEN }, /VERCEL_PROJECT_ID is required/],
    [
      "RENDER_API_KEY without RENDER_SERVICE_ID",
      { RENDER_API_KEY },
      /RENDER_SERVICE_ID is required/,
    ],
    [
      "SUPABASE_ACCESS_TOKEN with a local SUPABASE_URL and no ref",
      { SUPABASE_ACCESS_TOKEN, SUPABASE_URL: "http://127.0.0.1:54321" },
      /SUPABASE_PROJECT_REF is required/,
    ],
    ["SUPABASE_ACCESS_TOKEN alone", { SUPABASE_ACCESS_TOKEN }, /SUPABASE_PROJECT_REF is required/],
  ];
  for (const [name, env, expected] of missing) {
    test(`a token without what it reads: ${name}`, () => {
      const error = configError(env);
      assert.match(error.message, expected);
      assert.equal(error.problems.length, 1, error.message);
    });
  }

  const malformed: Array<[string, string]> = [
    ["VERCEL_TOKEN", "ptest token with spaces"],
    ["VERCEL_TOKEN", "pt7char"],
    ["VERCEL_PROJECT_ID", "prj ptest/../x"],
    ["VERCEL_TEAM_ID", "my-team-slug"],
    ["VERCEL_API_URL", "http://api.vercel.com"],
    ["VERCEL_API_URL", "https://api.vercel.com/v6"],
    ["VERCEL_API_URL", "https://user:ptestpass@api.vercel.com"],
    ["RENDER_API_KEY", "rnd_ptest\nsecond-line"],
    ["RENDER_SERVICE_ID", "shop-api"],
    ["RENDER_API_URL", "api.render.com"],
    ["SUPABASE_ACCESS_TOKEN", "sbp ptest"],
    ["SUPABASE_PROJECT_REF", "PtestUpper"],
    ["SUPABASE_API_URL", "ftp://api.supabase.com"],
    ["SYNTHETIC_PLATFORM_TIMEOUT_MS", "5s"],
    ["SYNTHETIC_PLATFORM_TIMEOUT_MS", "0"],
    ["SYNTHETIC_PLATFORM_TIMEOUT_MS", "600001"],
  ];
  const complete: NodeJS.ProcessEnv = {
    VERCEL_TOKEN,
    VERCEL_PROJECT_ID: "prj_ptest123",
    RENDER_API_KEY,
    RENDER_SERVICE_ID: "srv-ptest123",
    SUPABASE_ACCESS_TOKEN,
    SUPABASE_PROJECT_REF: "ptestref123",
  };
  for (const [name, value] of malformed) {
    test(`malformed ${name} (${JSON.stringify(value)}) stops the run, naming it, not quoting it`, () => {
      const error = configError({ ...complete, [name]: value });
      assert.deepEqual(
        error.problems.map((problem) => problem.split(" ")[0]),
        [name],
        `only ${name} is named: ${error.message}`,
      );
      // "0" is in every sentence about numbers: only values that could not be there by chance count.
      if (value.length > 3)
        assert.ok(!error.message.includes(value.trim()), `the value stays out: ${error.message}`);
      for (const secret of [VERCEL_TOKEN, RENDER_API_KEY, SUPABASE_ACCESS_TOKEN])
        assert.ok(!error.message.includes(secret), "no token in the message");
    });
  }

  test("every problem at once, sorted, in one error", () => {
    const error = configError({
      VERCEL_TOKEN,
      RENDER_API_KEY: "short",
      RENDER_SERVICE_ID: "srv-ptest123",
      SYNTHETIC_PLATFORM_TIMEOUT_MS: "soon",
    });
    assert.deepEqual(
      error.problems.map((problem) => problem.split(" ")[0]),
      ["RENDER_API_KEY", "SYNTHETIC_PLATFORM_TIMEOUT_MS", "VERCEL_PROJECT_ID"],
    );
    assert.match(error.message, /^Invalid configuration:\n {2}- /);
  });

  test("every token variable is on the one list of secrets, so artifacts and alerts hide it", () => {
    const secrets = new Set<string>(SECRET_VARIABLES.map((secret) => secret.name));
    for (const name of PLATFORM_TOKEN_VARIABLES) {
      assert.ok(secrets.has(name), `${name} in secrets/variables.ts`);
      assert.ok((PLATFORM_VARIABLES as readonly string[]).includes(name));
    }
  });
});
