// Each platform fault as a client of the stack sees it: the backend's
// responses and Render's API (cold start, deploy, suspension), the frontend
// behind Vercel's edge (function timeout, Deployment Protection), the
// Supabase project and its Management API (paused, rate limited). One stack,
// booted with render-cold-start on as STACK_FAULTS would switch it on.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import {
  RENDER_SERVICE_ID,
  SUPABASE_PROJECT_REF,
  VERCEL_PROJECT_ID,
} from "../src/platforms/ids.ts";
import { FREE_PORTS } from "../src/ports.ts";
import { bootStack, type RunningStack } from "../src/stack.ts";
import { eventually, platformGet } from "./support/platforms.ts";

const COLD_START_MS = 800;

interface RenderDeploy {
  id: string;
  status: string;
  commit: { id: string };
}

describe("platform faults", () => {
  let stack: RunningStack;
  let env: Record<string, string>;

  before(async () => {
    stack = await bootStack({
      ports: FREE_PORTS,
      envFile: false,
      faults: [`render-cold-start=${COLD_START_MS}`],
    });
    env = stack.env;
  });
  afterEach(async () => {
    await stack.faults.clearAll();
  });
  after(async () => {
    await stack?.stop();
  });

  const backend = async (path = "/health") => {
    const response = await fetch(`${stack.urls.backend}${path}`);
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  };
  const deploys = async () =>
    (
      await platformGet<Array<{ deploy: RenderDeploy }>>(
        env.RENDER_API_URL ?? "",
        `/v1/services/${RENDER_SERVICE_ID}/deploys`,
        env.RENDER_API_KEY ?? "",
      )
    ).body.map(({ deploy }) => deploy);
  const renderService = async () =>
    (
      await platformGet<{ suspended: string; suspenders: string[] }>(
        env.RENDER_API_URL ?? "",
        `/v1/services/${RENDER_SERVICE_ID}`,
        env.RENDER_API_KEY ?? "",
      )
    ).body;
  const management = <T>(path: string) =>
    platformGet<T>(env.SUPABASE_API_URL ?? "", path, env.SUPABASE_ACCESS_TOKEN ?? "");
  const control = (method: "PUT" | "DELETE", name: string, value?: number) =>
    fetch(`${stack.urls.control}/faults/${name}`, {
      method,
      ...(value === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify({ value }) }),
    });

  test("render-cold-start from boot: the suite's first request waits for the instance, and the boot did not wake it", async () => {
    const started = performance.now();
    const [first, meanwhile] = await Promise.all([backend(), backend("/no-such-route")]);
    const waited = performance.now() - started;
    assert.equal(first.status, 200, "the woken instance answers");
    assert.equal(meanwhile.status, 404, "a request arriving while it wakes is answered too");
    assert.ok(
      waited >= COLD_START_MS - 5,
      `the first request waits for the cold start (${Math.round(waited)} ms)`,
    );
    assert.ok(first.headers.get("rndr-id"), "Render's id on the held response");
  });

  test("render-cold-start switched on at runtime spins the instance down again", async () => {
    assert.equal((await control("PUT", "render-cold-start", COLD_START_MS)).status, 200);
    const started = performance.now();
    assert.equal((await backend()).status, 200);
    const waited = performance.now() - started;
    assert.ok(waited >= COLD_START_MS - 5, `waited ${Math.round(waited)} ms for the instance`);
  });

  test("render-deploying: a deploy builds, updates, goes live with a new commit, and the fault ends itself", async () => {
    const before = (await deploys())[0];
    assert.equal(before?.status, "live");
    assert.equal((await control("PUT", "render-deploying", 2)).status, 200);

    const [building] = await deploys();
    assert.equal(building?.status, "build_in_progress");
    assert.notEqual(building?.id, before?.id);
    assert.notEqual(building?.commit.id, before?.commit.id, "a new commit is deployed");
    const meanwhile = await backend();
    assert.equal(meanwhile.status, 503, "no instance serves during the deploy");
    assert.ok(meanwhile.headers.get("rndr-id"));

    await eventually(
      "the deploy reaches update_in_progress",
      deploys,
      (list) => list[0]?.status !== "build_in_progress",
    );
    const finished = await eventually(
      "the deploy goes live",
      deploys,
      (list) => list[0]?.status === "live",
    );
    assert.equal(finished[0]?.id, building?.id);
    assert.equal(finished[1]?.id, before?.id);
    assert.equal(finished[1]?.status, "deactivated", "the previous deploy is replaced");
    const health = await backend();
    assert.equal(health.status, 200);
    assert.equal(
      JSON.parse(health.text).commit,
      building?.commit.id,
      "/health runs the new commit",
    );
    await eventually(
      "render-deploying switches itself off",
      async () => stack.faults.list().map((fault) => fault.name),
      (names) => !names.includes("render-deploying"),
    );
  });

  test("render-deploying cleared before it is live cancels the deploy", async () => {
    const liveBefore = (await deploys()).find((deploy) => deploy.status === "live");
    await stack.faults.set("render-deploying=30");
    const [started] = await deploys();
    assert.equal(started?.status, "build_in_progress");
    assert.equal((await control("DELETE", "render-deploying")).status, 200);
    const [canceled] = await deploys();
    assert.equal(canceled?.id, started?.id);
    assert.equal(canceled?.status, "canceled");
    const health = await backend();
    assert.equal(health.status, 200, "the live instance serves again");
    assert.equal(JSON.parse(health.text).commit, liveBefore?.commit.id, "still the old commit");
  });

  test("render-suspended: the API says suspended by the user, the backend answers 503", async () => {
    await stack.faults.set("render-suspended");
    const service = await renderService();
    assert.equal(service.suspended, "suspended");
    assert.deepEqual(service.suspenders, ["user"]);
    for (const path of ["/health", "/api/me"]) {
      const answer = await backend(path);
      assert.equal(answer.status, 503, `${path} is not served`);
      assert.match(answer.text, /Service Suspended/);
      assert.ok(answer.headers.get("rndr-id"));
    }
    await stack.faults.clear("render-suspended");
    assert.equal((await renderService()).suspended, "not_suspended");
    assert.equal((await backend()).status, 200);
  });

  test("vercel-function-timeout: pages answer Vercel's 504, static assets are still served", async () => {
    const page = await fetch(stack.urls.frontend);
    const html = await page.text();
    const asset = html.match(/src="(\/assets\/[^"]+)"/)?.[1];
    assert.ok(asset, "the page names its script");

    await stack.faults.set("vercel-function-timeout");
    for (const path of ["/", "/login", "/no-such-page"]) {
      const response = await fetch(`${stack.urls.frontend}${path}`);
      const id = response.headers.get("x-vercel-id") ?? "";
      assert.equal(response.status, 504, `${path} times out`);
      assert.equal(response.headers.get("x-vercel-error"), "FUNCTION_INVOCATION_TIMEOUT");
      assert.match(id, /^\w+::/);
      assert.equal(
        await response.text(),
        `An error occurred with your deployment\n\nFUNCTION_INVOCATION_TIMEOUT\n\n${id}`,
      );
    }
    const script = await fetch(`${stack.urls.frontend}${asset}`);
    await script.arrayBuffer();
    assert.equal(script.status, 200, "assets are static, no function runs");
  });

  test("vercel-protection: Vercel Authentication's 401 unless the rotated bypass secret comes along", async () => {
    const open = await fetch(stack.urls.frontend);
    await open.arrayBuffer();
    assert.equal(open.status, 200, "no protection without the fault");

    await stack.faults.set("vercel-protection");
    const denied = await fetch(stack.urls.frontend);
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get("server"), "Vercel");
    assert.ok(denied.headers.get("x-vercel-id"));
    assert.match(denied.headers.get("set-cookie") ?? "", /^_vercel_sso_nonce=/);
    assert.match(await denied.text(), /Authentication Required/);

    const old = await fetch(stack.urls.frontend, {
      headers: { "x-vercel-protection-bypass": env.VERCEL_PROTECTION_BYPASS ?? "" },
    });
    await old.arrayBuffer();
    assert.equal(old.status, 401, "the old VERCEL_PROTECTION_BYPASS is refused");

    // The project's API shows the secret that replaced it.
    const project = await platformGet<{ protectionBypass: Record<string, unknown> }>(
      env.VERCEL_API_URL ?? "",
      `/v9/projects/${VERCEL_PROJECT_ID}`,
      env.VERCEL_TOKEN ?? "",
    );
    const [rotated = ""] = Object.keys(project.body.protectionBypass);
    assert.notEqual(rotated, env.VERCEL_PROTECTION_BYPASS);
    const bypassed = await fetch(`${stack.urls.frontend}/login`, {
      headers: { "x-vercel-protection-bypass": rotated, "x-vercel-set-bypass-cookie": "true" },
    });
    await bypassed.arrayBuffer();
    assert.equal(bypassed.status, 200, "the rotated secret gets through");
    const jwt = (bypassed.headers.get("set-cookie") ?? "").match(/^_vercel_jwt=([^;]+)/)?.[1];
    assert.ok(jwt, "x-vercel-set-bypass-cookie sets the _vercel_jwt cookie");
    const withCookie = await fetch(stack.urls.frontend, {
      headers: { cookie: `_vercel_jwt=${jwt}` },
    });
    await withCookie.arrayBuffer();
    assert.equal(withCookie.status, 200, "the cookie alone gets through");
  });

  test("supabase-paused: INACTIVE and unhealthy in the Management API, 540 from the project", async () => {
    await stack.faults.set("supabase-paused");
    const project = await management<{ status: string }>(`/v1/projects/${SUPABASE_PROJECT_REF}`);
    assert.equal(project.body.status, "INACTIVE");
    const health = await management<Array<{ name: string; healthy: boolean }>>(
      `/v1/projects/${SUPABASE_PROJECT_REF}/health?services=auth,db,rest`,
    );
    assert.deepEqual(
      health.body.map((s) => [s.name, s.healthy]),
      [
        ["auth", false],
        ["db", false],
        ["rest", false],
      ],
    );
    for (const path of ["/auth/v1/health", "/rest/v1/profiles?select=id", "/auth/v1/signup"]) {
      const response = await fetch(`${stack.urls.supabase}${path}`, {
        headers: { apikey: stack.keys.anonKey },
      });
      await response.arrayBuffer();
      assert.equal(response.status, 540, `${path} answers a paused project's 540`);
    }
    await stack.faults.clear("supabase-paused");
    const back = await management<{ status: string }>(`/v1/projects/${SUPABASE_PROJECT_REF}`);
    assert.equal(back.body.status, "ACTIVE_HEALTHY");
  });

  test("supabase-rate-limited: Auth's 429s in GoTrue's shape, except for the service role and the open routes", async () => {
    await stack.faults.set("supabase-rate-limited");
    const auth = (path: string, key: string, body?: unknown) =>
      fetch(`${stack.urls.supabase}/auth/v1${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { apikey: key, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const credentials = { email: "platform-faults@example.test", password: "long-enough-1" };

    const signup = await auth("/signup", stack.keys.anonKey, credentials);
    assert.equal(signup.status, 429);
    assert.deepEqual(await signup.json(), {
      code: 429,
      error_code: "over_email_send_rate_limit",
      msg: "email rate limit exceeded",
    });
    const token = await auth("/token?grant_type=password", stack.keys.anonKey, credentials);
    assert.equal(token.status, 429);
    assert.deepEqual(await token.json(), {
      code: 429,
      error_code: "over_request_rate_limit",
      msg: "Request rate limit reached",
    });
    for (const path of ["/health", "/settings", "/.well-known/jwks.json"]) {
      const open = await auth(path, stack.keys.anonKey);
      await open.arrayBuffer();
      assert.equal(open.status, 200, `${path} is not rate limited`);
    }
    const admin = await fetch(`${stack.urls.supabase}/auth/v1/admin/users`, {
      headers: {
        apikey: stack.keys.serviceRoleKey,
        authorization: `Bearer ${stack.keys.serviceRoleKey}`,
      },
    });
    await admin.arrayBuffer();
    assert.equal(admin.status, 200, "the service role is not rate limited");
  });
});
