import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { SignJWT } from "jose";
import { startBackend } from "../src/backend/index.ts";
import { FaultState } from "../src/faults.ts";
import { FREE_PORTS, freePort } from "../src/ports.ts";
import type { RunningServer } from "../src/running.ts";
import { bootStack, type RunningStack } from "../src/stack.ts";

const FRONTEND_ORIGIN = "http://127.0.0.1:3999";
const SERVICE_ROLE_KEY = "service-role-key-that-must-never-be-logged";

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** Collects the backend's JSON log lines. */
class LogLines extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  raw = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.raw += chunk.toString();
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function errorOf(response: Response): Promise<ErrorBody["error"]> {
  const text = await response.text();
  assert.doesNotMatch(text, /\bat .*\(.*:\d+:\d+\)/, "an error body must not carry a stack trace");
  return (JSON.parse(text) as ErrorBody).error;
}

describe("backend without a reachable Supabase", () => {
  const faults = new FaultState();
  const logs = new LogLines();
  let backend: RunningServer;
  let supabasePort: number;

  before(async () => {
    // A port nothing listens on: every Supabase call fails to connect.
    supabasePort = await freePort();
    backend = await startBackend({
      host: "127.0.0.1",
      port: 0,
      supabaseUrl: `http://127.0.0.1:${supabasePort}`,
      supabaseAnonKey: "anon-key",
      supabaseServiceRoleKey: SERVICE_ROLE_KEY,
      frontendOrigin: FRONTEND_ORIGIN,
      version: "1.2.3",
      commit: "abc1234",
      faults,
      logStream: logs,
    });
  });

  after(() => backend.close());

  test("GET /health reports a failing database and auth as 503 degraded", async () => {
    const response = await fetch(`${backend.url}/health`);
    assert.equal(response.status, 503);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.status, "degraded");
    assert.equal(body.version, "1.2.3");
    assert.equal(body.commit, "abc1234");
    assert.equal(typeof body.uptime_s, "number");
    const checks = body.checks as Record<string, { ok: boolean; latency_ms: number }>;
    assert.equal(checks.database?.ok, false);
    assert.equal(checks.auth?.ok, false);
    assert.equal(typeof checks.database?.latency_ms, "number");
  });

  test("register validates each field and names it", async () => {
    const url = `${backend.url}/api/auth/register`;
    const valid = { email: "a@example.test", password: "long-enough", full_name: "Ada" };
    const cases: Array<[unknown, string]> = [
      [{ ...valid, email: "not-an-email" }, "email"],
      [{ ...valid, email: undefined }, "email"],
      [{ ...valid, password: "short" }, "password"],
      [{ ...valid, password: 12345678 }, "password"],
      [{ ...valid, full_name: "   " }, "full_name"],
      [{ ...valid, full_name: "x".repeat(101) }, "full_name"],
    ];
    for (const [body, field] of cases) {
      const response = await postJson(url, body);
      assert.equal(response.status, 400, `${JSON.stringify(body)} should be refused`);
      const error = await errorOf(response);
      assert.equal(error.code, "invalid_input");
      assert.equal(error.field, field);
    }
  });

  test("login validates email and password", async () => {
    const response = await postJson(`${backend.url}/api/auth/login`, { email: "x@example.test" });
    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).field, "password");
  });

  test("bodies that are not a JSON object answer invalid_json", async () => {
    const url = `${backend.url}/api/auth/register`;
    const malformed = await postJson(url, "{not json");
    assert.equal(malformed.status, 400);
    assert.equal((await errorOf(malformed)).code, "invalid_json");

    const array = await postJson(url, "[1,2]");
    assert.equal((await errorOf(array)).code, "invalid_json");

    const empty = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    assert.equal(empty.status, 400);
    assert.equal((await errorOf(empty)).code, "invalid_json");

    const form = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "email=a@example.test",
    });
    assert.equal(form.status, 400);
    assert.equal((await errorOf(form)).code, "invalid_json");

    const poisoned = await postJson(url, '{"__proto__":{"admin":true}}');
    assert.equal(poisoned.status, 400);
    assert.equal((await errorOf(poisoned)).code, "invalid_json");
  });

  test("a body over the limit answers 413 payload_too_large", async () => {
    const response = await postJson(`${backend.url}/api/auth/register`, {
      email: "a@example.test",
      password: "long-enough",
      full_name: "x".repeat(32 * 1024),
    });
    assert.equal(response.status, 413);
    assert.equal((await errorOf(response)).code, "payload_too_large");
  });

  test("unknown routes answer 404 not_found as JSON", async () => {
    const response = await fetch(`${backend.url}/api/nothing-here`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get("content-type") ?? "", /application\/json/);
    assert.equal((await errorOf(response)).code, "not_found");
  });

  test("/api/me without a bearer token answers 401 unauthorized", async () => {
    for (const authorization of [undefined, "Basic abc", "Bearer", "Bearer "]) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const response = await fetch(`${backend.url}/api/me`, { headers });
      assert.equal(response.status, 401, `authorization ${authorization} should be refused`);
      assert.equal((await errorOf(response)).code, "unauthorized");
    }
    const patch = await fetch(`${backend.url}/api/me`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ full_name: "New" }),
    });
    assert.equal(patch.status, 401);
  });

  test("an unreachable Supabase answers 503 upstream_unavailable", async () => {
    const register = await postJson(`${backend.url}/api/auth/register`, {
      email: "a@example.test",
      password: "long-enough",
      full_name: "Ada",
    });
    assert.equal(register.status, 503);
    assert.equal((await errorOf(register)).code, "upstream_unavailable");

    const me = await fetch(`${backend.url}/api/me`, { headers: { authorization: "Bearer abc" } });
    assert.equal(me.status, 503);
    assert.equal((await errorOf(me)).code, "upstream_unavailable");
  });

  test("a sane x-request-id is echoed, anything else is replaced by a fresh one", async () => {
    const kept = await fetch(`${backend.url}/api/nothing`, {
      headers: { "x-request-id": "probe-1.a_B" },
    });
    assert.equal(kept.headers.get("x-request-id"), "probe-1.a_B");

    for (const given of ["has space", "x".repeat(129), "semi;colon"]) {
      const replaced = await fetch(`${backend.url}/api/nothing`, {
        headers: { "x-request-id": given },
      });
      const id = replaced.headers.get("x-request-id") ?? "";
      assert.notEqual(id, given);
      assert.match(id, /^[0-9a-f-]{36}$/);
    }
    const generated = await fetch(`${backend.url}/health`);
    assert.match(generated.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  });

  test("logs one JSON line per request with id, method, url, status and duration, no secrets", async () => {
    await postJson(
      `${backend.url}/api/auth/login`,
      { email: "ada@example.test", password: "secret-password-123" },
      { authorization: "Bearer token-that-must-not-be-logged", "x-request-id": "log-probe-42" },
    );
    const line = logs.lines.find(
      (entry) => entry.request_id === "log-probe-42" && entry.msg === "request completed",
    );
    assert.ok(line, "a completion line for the request should be logged");
    assert.equal(line.method, "POST");
    assert.equal(line.url, "/api/auth/login");
    assert.equal(line.status, 503);
    assert.equal(typeof line.duration_ms, "number");
    assert.ok(
      logs.lines.some((entry) => entry.request_id === "log-probe-42" && entry.level === 50),
      "the upstream failure should be logged as an error",
    );
    for (const secret of [
      "secret-password-123",
      "token-that-must-not-be-logged",
      SERVICE_ROLE_KEY,
    ]) {
      assert.ok(!logs.raw.includes(secret), `the logs must not contain ${secret}`);
    }
  });

  test("CORS lets in only the frontend origin, with the agreed methods and headers", async () => {
    const preflight = await fetch(`${backend.url}/api/auth/register`, {
      method: "OPTIONS",
      headers: {
        origin: FRONTEND_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-request-id",
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), FRONTEND_ORIGIN);
    assert.equal(
      preflight.headers.get("access-control-allow-methods"),
      "GET, POST, PUT, PATCH, OPTIONS",
    );
    assert.equal(
      preflight.headers.get("access-control-allow-headers"),
      "content-type, authorization, x-request-id",
    );

    const simple = await fetch(`${backend.url}/health`, { headers: { origin: FRONTEND_ORIGIN } });
    assert.equal(simple.headers.get("access-control-allow-origin"), FRONTEND_ORIGIN);
    assert.equal(simple.headers.get("access-control-expose-headers"), "x-request-id");

    const foreign = await fetch(`${backend.url}/health`, {
      headers: { origin: "http://evil.example" },
    });
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
    const foreignPreflight = await fetch(`${backend.url}/api/auth/register`, {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    assert.equal(foreignPreflight.headers.get("access-control-allow-origin"), null);
  });

  test("fault cors-refused refuses the frontend origin too", async () => {
    faults.set("cors-refused");
    try {
      const preflight = await fetch(`${backend.url}/api/auth/login`, {
        method: "OPTIONS",
        headers: { origin: FRONTEND_ORIGIN, "access-control-request-method": "POST" },
      });
      assert.equal(preflight.headers.get("access-control-allow-origin"), null);
    } finally {
      faults.clear("cors-refused");
    }
  });

  test("fault register-500 answers 500 internal before anything else", async () => {
    faults.set("register-500");
    try {
      const response = await postJson(`${backend.url}/api/auth/register`, {
        email: "a@example.test",
        password: "long-enough",
        full_name: "Ada",
      });
      assert.equal(response.status, 500);
      const error = await errorOf(response);
      assert.equal(error.code, "internal");
    } finally {
      faults.clear("register-500");
    }
  });

  test("fault backend-latency delays every response by its value", async () => {
    faults.set("backend-latency", 300);
    try {
      const started = performance.now();
      const response = await fetch(`${backend.url}/api/nothing`);
      const elapsed = performance.now() - started;
      assert.equal(response.status, 404);
      assert.ok(elapsed >= 290, `the response took ${elapsed} ms, expected at least 300`);
    } finally {
      faults.clear("backend-latency");
    }
    const started = performance.now();
    await fetch(`${backend.url}/api/nothing`);
    assert.ok(performance.now() - started < 290, "without the fault there is no delay");
  });
});

describe("backend restart on the same port", () => {
  test("close frees the port and a new backend can listen there", async () => {
    const options = {
      host: "127.0.0.1",
      port: 0,
      supabaseUrl: `http://127.0.0.1:${await freePort()}`,
      supabaseAnonKey: "anon-key",
      supabaseServiceRoleKey: SERVICE_ROLE_KEY,
      frontendOrigin: FRONTEND_ORIGIN,
      version: "1.2.3",
      commit: "abc1234",
      faults: new FaultState(),
    };
    const first = await startBackend(options);
    // A keep-alive connection left open must not hold the close up.
    assert.equal((await fetch(`${first.url}/api/nothing`)).status, 404);
    await first.close();
    await assert.rejects(fetch(`${first.url}/api/nothing`));

    const second = await startBackend({ ...options, port: first.port });
    try {
      assert.equal(second.port, first.port);
      assert.equal((await fetch(`${second.url}/api/nothing`)).status, 404);
    } finally {
      await second.close();
    }
  });
});

describe("backend end to end, against the reference stack's Supabase", () => {
  let stack: RunningStack;
  let api: string;
  const runId = `${process.pid}-${Date.now()}`;
  let counter = 0;
  const uniqueEmail = () => `backend-e2e-${runId}-${++counter}@example.test`;

  before(async () => {
    stack = await bootStack({
      ports: FREE_PORTS,
      envFile: false,
    });
    api = stack.urls.backend;
  });
  after(() => stack?.stop());

  async function register(email: string, fullName = "Ada Lovelace", password = "correct-horse") {
    return postJson(`${api}/api/auth/register`, { email, password, full_name: fullName });
  }

  async function login(email: string, password = "correct-horse") {
    return postJson(`${api}/api/auth/login`, { email, password });
  }

  async function signedUp(fullName = "Ada Lovelace") {
    const email = uniqueEmail();
    assert.equal((await register(email, fullName)).status, 201);
    const response = await login(email);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { access_token: string; user: { id: string } };
    return { email, token: body.access_token, userId: body.user.id };
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test("GET /health is ok with both checks passing", async () => {
    const response = await fetch(`${api}/health`);
    const body = (await response.json()) as {
      status: string;
      checks: Record<string, { ok: boolean }>;
    };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.status, "ok");
    assert.equal(body.checks.database?.ok, true);
    assert.equal(body.checks.auth?.ok, true);
  });

  test("register answers 201 with the user; the same email again answers 409", async () => {
    const email = uniqueEmail();
    const first = await register(email.toUpperCase(), "Ada Lovelace");
    assert.equal(first.status, 201);
    const body = (await first.json()) as { user: { id: string; email: string; full_name: string } };
    assert.match(body.user.id, /^[0-9a-f-]{36}$/);
    assert.equal(body.user.email, email);
    assert.equal(body.user.full_name, "Ada Lovelace");

    const again = await register(email, "Someone Else");
    assert.equal(again.status, 409);
    const error = await errorOf(again);
    assert.equal(error.code, "email_taken");
    assert.equal(error.message, "That email is already registered");
  });

  test("register with invalid input answers 400 naming the field", async () => {
    const response = await postJson(`${api}/api/auth/register`, {
      email: uniqueEmail(),
      password: "short",
      full_name: "Ada",
    });
    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).field, "password");
  });

  test("login answers tokens; a wrong password or unknown email answers 401", async () => {
    const email = uniqueEmail();
    await register(email);
    const response = await login(email);
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(typeof body.access_token, "string");
    assert.equal(typeof body.refresh_token, "string");
    assert.equal(typeof body.expires_at, "number");
    assert.equal(body.token_type, "bearer");
    assert.equal((body.user as { email: string }).email, email);

    for (const attempt of [login(email, "wrong-password"), login(uniqueEmail())]) {
      const refused = await attempt;
      assert.equal(refused.status, 401);
      assert.equal((await errorOf(refused)).code, "invalid_credentials");
    }
  });

  test("GET /api/me answers the user and the profile the trigger made", async () => {
    const { email, token, userId } = await signedUp("Grace Hopper");
    const response = await fetch(`${api}/api/me`, { headers: bearer(token) });
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      user: { id: string; email: string };
      profile: Record<string, string> | null;
    };
    assert.deepEqual(body.user, { id: userId, email });
    assert.ok(body.profile, "the profile should exist");
    assert.equal(body.profile.id, userId);
    assert.equal(body.profile.email, email);
    assert.equal(body.profile.full_name, "Grace Hopper");
    assert.ok(!Number.isNaN(Date.parse(body.profile.created_at ?? "")));
    assert.ok(!Number.isNaN(Date.parse(body.profile.updated_at ?? "")));
  });

  test("PATCH /api/me updates the full name; a bad one answers 400", async () => {
    const { token } = await signedUp("Old Name");
    const before = (await (await fetch(`${api}/api/me`, { headers: bearer(token) })).json()) as {
      profile: { updated_at: string };
    };
    const response = await fetch(`${api}/api/me`, {
      method: "PATCH",
      headers: { ...bearer(token), "content-type": "application/json" },
      body: JSON.stringify({ full_name: "  New Name  " }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { profile: { full_name: string; updated_at: string } };
    assert.equal(body.profile.full_name, "New Name");
    assert.ok(Date.parse(body.profile.updated_at) >= Date.parse(before.profile.updated_at));

    const reread = (await (await fetch(`${api}/api/me`, { headers: bearer(token) })).json()) as {
      profile: { full_name: string };
    };
    assert.equal(reread.profile.full_name, "New Name");

    const invalid = await fetch(`${api}/api/me`, {
      method: "PATCH",
      headers: { ...bearer(token), "content-type": "application/json" },
      body: JSON.stringify({ full_name: "" }),
    });
    assert.equal(invalid.status, 400);
    assert.equal((await errorOf(invalid)).field, "full_name");
  });

  test("missing, forged and expired tokens answer 401 unauthorized", async () => {
    const { userId } = await signedUp();
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: userId, role: "authenticated", aud: "authenticated" };
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(new TextEncoder().encode("not-the-project-secret-not-the-project-secret"));
    const expired = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(new TextEncoder().encode(stack.keys.jwtSecret));

    for (const headers of [{}, bearer("not-a-jwt"), bearer(forged), bearer(expired)]) {
      const response = await fetch(`${api}/api/me`, { headers });
      assert.equal(response.status, 401, `headers ${JSON.stringify(headers)} should be refused`);
      assert.equal((await errorOf(response)).code, "unauthorized");
    }
  });

  test("with Supabase Auth answering 503, register and /health report it", async () => {
    await stack.faults.set("auth-503");
    try {
      const response = await register(uniqueEmail());
      assert.equal(response.status, 503);
      assert.equal((await errorOf(response)).code, "upstream_unavailable");

      const health = await fetch(`${api}/health`);
      assert.equal(health.status, 503);
      const body = (await health.json()) as { checks: Record<string, { ok: boolean }> };
      assert.equal(body.checks.auth?.ok, false);
      assert.equal(body.checks.database?.ok, true);
    } finally {
      await stack.faults.clear("auth-503");
    }
  });

  test("with the profiles table erased, /api/me answers 500 internal without details", async () => {
    const { token } = await signedUp();
    await stack.faults.set("schema-erased");
    try {
      const response = await fetch(`${api}/api/me`, { headers: bearer(token) });
      assert.equal(response.status, 500);
      const error = await errorOf(response);
      assert.equal(error.code, "internal");
      assert.doesNotMatch(error.message, /profiles|PGRST/);
    } finally {
      await stack.faults.clear("schema-erased");
    }
  });
});
