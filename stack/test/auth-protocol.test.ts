import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  API_VERSION,
  authFetch,
  JSON_HEADERS,
  supabaseClient,
  uniqueEmail,
  useProject,
} from "./support/auth.ts";
import type { TestProject } from "./support/supabase.ts";

/** No answer may look like a stack trace or leak the project's secrets. */
function assertClean(text: string, project: TestProject) {
  assert.doesNotMatch(text, /\n\s+at |node_modules|\.ts:\d+/, "no stack trace");
  assert.ok(!text.includes(project.keys.jwtSecret), "no JWT secret");
  assert.ok(!text.includes(project.keys.serviceRoleKey), "no service-role key");
}

describe("auth: wire protocol (errors, health, settings, keys)", () => {
  const env = useProject();

  const badSignup = (headers: Record<string, string>) =>
    authFetch(env.project, "/signup", {
      method: "POST",
      headers: { ...JSON_HEADERS, ...headers },
      body: JSON.stringify({ email: uniqueEmail("format"), password: "123" }),
    });

  test("with X-Supabase-Api-Version 2024-01-01 errors are {code, message} and the header is echoed", async () => {
    const response = await badSignup(API_VERSION);
    assert.equal(response.status, 422);
    assert.equal(response.headers.get("x-supabase-api-version"), "2024-01-01");
    assert.equal(response.headers.get("x-sb-error-code"), "weak_password");
    assert.deepEqual(await response.json(), {
      code: "weak_password",
      message: "Password should be at least 6 characters.",
      weak_password: { reasons: ["length"] },
    });
  });

  test("without the header errors are {code: status, error_code, msg}", async () => {
    const response = await badSignup({});
    assert.equal(response.status, 422);
    assert.equal(response.headers.get("x-supabase-api-version"), null);
    assert.deepEqual(await response.json(), {
      code: 422,
      error_code: "weak_password",
      msg: "Password should be at least 6 characters.",
      weak_password: { reasons: ["length"] },
    });
  });

  test("malformed JSON, a wrongly typed field, or an empty body is 400 bad_json", async () => {
    for (const body of ["{not json", JSON.stringify({ email: 42 }), ""]) {
      const response = await authFetch(env.project, "/signup", {
        method: "POST",
        headers: { ...JSON_HEADERS, ...API_VERSION },
        body,
      });
      assert.equal(response.status, 400, `body ${JSON.stringify(body)}`);
      const text = await response.text();
      assert.equal((JSON.parse(text) as { code: string }).code, "bad_json");
      assertClean(text, env.project);
    }
  });

  test("a body over 1 MiB is 413 request_entity_too_large", async () => {
    const response = await authFetch(env.project, "/signup", {
      method: "POST",
      headers: { ...JSON_HEADERS, ...API_VERSION },
      body: JSON.stringify({ email: "a@example.test", password: "x".repeat(1024 * 1024) }),
    });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { code: string }).code, "request_entity_too_large");
  });

  test("an unknown route is a JSON 404", async () => {
    const response = await authFetch(env.project, "/no-such-endpoint", { headers: API_VERSION });
    assert.equal(response.status, 404);
    const text = await response.text();
    assert.equal((JSON.parse(text) as { code: string }).code, "not_found");
    assertClean(text, env.project);
  });

  test("an unsupported grant type is refused as GoTrue does", async () => {
    const response = await authFetch(env.project, "/token?grant_type=magic", {
      method: "POST",
      headers: { ...JSON_HEADERS, ...API_VERSION },
      body: "{}",
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      code: "invalid_credentials",
      message: "unsupported_grant_type",
    });
  });

  test("a refresh grant without a token is an OAuth invalid_request", async () => {
    const response = await authFetch(env.project, "/token?grant_type=refresh_token", {
      method: "POST",
      headers: { ...JSON_HEADERS, ...API_VERSION },
      body: "{}",
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      error: "invalid_request",
      error_description: "refresh_token required",
    });
  });

  test("GET /health names GoTrue and GET /settings shows email sign-up with autoconfirm", async () => {
    const health = await authFetch(env.project, "/health");
    assert.equal(health.status, 200);
    const healthBody = (await health.json()) as Record<string, unknown>;
    assert.equal(healthBody.name, "GoTrue");
    assert.equal(typeof healthBody.version, "string");
    assert.equal(typeof healthBody.description, "string");

    const settings = await authFetch(env.project, "/settings");
    const body = (await settings.json()) as Record<string, unknown> & {
      external: Record<string, boolean>;
    };
    assert.equal(body.external.email, true);
    assert.equal(body.external.phone, false);
    assert.equal(body.external.google, false);
    assert.equal(body.disable_signup, false);
    assert.equal(body.mailer_autoconfirm, true);
    assert.equal(body.phone_autoconfirm, false);
    assert.equal(body.sms_provider, "");
    assert.equal(body.saml_enabled, false);
  });

  test("a request without an API key is refused with 401", async () => {
    const response = await fetch(`${env.project.api.url}/auth/v1/settings`);
    assert.equal(response.status, 401);
  });

  test("the publishable key (sb_publishable_…) signs users up like the anon key", async () => {
    const client = supabaseClient(env.project, env.project.keys.publishableKey);
    const { data, error } = await client.auth.signUp({
      email: uniqueEmail("publishable"),
      password: "correct-horse",
    });
    assert.equal(error, null);
    assert.ok(data.session);
    assert.equal((await client.auth.getUser()).error, null);
  });

  test("an admin route with only a legacy apikey has no authorization", async () => {
    // The gateway hides a legacy JWT apikey from the API behind it; only sb_ keys are mapped.
    const response = await authFetch(env.project, "/admin/users", { headers: API_VERSION });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { code: string }).code, "no_authorization");
  });
});
