// The platform stand-ins of a healthy stack: Vercel's deployments and Checks
// API, Render's service and deploys, the Supabase Management API's project,
// health and Auth settings, each with right, wrong and missing credentials.
import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "dotenv";
import {
  RENDER_LIVE_DEPLOY_ID,
  RENDER_PREVIOUS_DEPLOY_ID,
  RENDER_SERVICE_ID,
  SUPABASE_PROJECT_REF,
  VERCEL_PREVIEW_DEPLOYMENT_ID,
  VERCEL_PRODUCTION_DEPLOYMENT_ID,
  VERCEL_PROJECT_ID,
  VERCEL_TEAM_ID,
} from "../src/platforms/ids.ts";
import { FREE_PORTS } from "../src/ports.ts";
import { bootStack, type RunningStack } from "../src/stack.ts";
import { platformGet, platformSend } from "./support/platforms.ts";

interface VercelDeployment {
  uid: string;
  url: string;
  target: string | null;
  readyState: string;
  meta: Record<string, string>;
}
interface RenderDeploy {
  id: string;
  status: string;
  commit: { id: string };
}

const PLATFORM_ENV = [
  "VERCEL_API_URL",
  "VERCEL_TOKEN",
  "VERCEL_PROJECT_ID",
  "VERCEL_TEAM_ID",
  "VERCEL_PROTECTION_BYPASS",
  "VERCEL_WEBHOOK_SECRET",
  "RENDER_API_URL",
  "RENDER_API_KEY",
  "RENDER_SERVICE_ID",
  "RENDER_WEBHOOK_SECRET",
  "SUPABASE_API_URL",
  "SUPABASE_ACCESS_TOKEN",
  "SUPABASE_PROJECT_REF",
];

describe("the platform stand-ins", () => {
  let stack: RunningStack;
  let env: Record<string, string>;
  let backendCommit: string;

  before(async () => {
    const envDir = await mkdtemp(path.join(tmpdir(), "stack-platforms-"));
    stack = await bootStack({ ports: FREE_PORTS, envFile: path.join(envDir, "stack.env") });
    env = parse(await readFile(path.join(envDir, "stack.env"), "utf8"));
    const health = (await (await fetch(`${stack.urls.backend}/health`)).json()) as {
      commit: string;
    };
    backendCommit = health.commit;
  });
  after(async () => {
    await stack?.stop();
  });

  const vercel = <T>(p: string, token: string | null = env.VERCEL_TOKEN ?? "") =>
    platformGet<T>(env.VERCEL_API_URL ?? "", p, token);
  const render = <T>(p: string, token: string | null = env.RENDER_API_KEY ?? "") =>
    platformGet<T>(env.RENDER_API_URL ?? "", p, token);
  const management = <T>(p: string, token: string | null = env.SUPABASE_ACCESS_TOKEN ?? "") =>
    platformGet<T>(env.SUPABASE_API_URL ?? "", p, token);

  test("stack.env names every platform, with origins and credentials shaped like the real ones", () => {
    for (const key of PLATFORM_ENV) assert.ok(env[key], `${key} missing from stack.env`);
    for (const key of ["VERCEL_API_URL", "RENDER_API_URL", "SUPABASE_API_URL"]) {
      assert.match(env[key] ?? "", /^http:\/\/127\.0\.0\.1:\d+$/, `${key} is a bare origin`);
    }
    assert.equal(env.VERCEL_PROJECT_ID, VERCEL_PROJECT_ID);
    assert.equal(env.VERCEL_TEAM_ID, VERCEL_TEAM_ID);
    assert.equal(env.RENDER_SERVICE_ID, RENDER_SERVICE_ID);
    assert.equal(env.SUPABASE_PROJECT_REF, SUPABASE_PROJECT_REF);
    assert.match(env.RENDER_WEBHOOK_SECRET ?? "", /^whsec_[A-Za-z0-9+/]+={0,2}$/);
    assert.match(env.SUPABASE_ACCESS_TOKEN ?? "", /^sbp_[0-9a-f]{40}$/);
    assert.match(env.RENDER_API_KEY ?? "", /^rnd_[A-Za-z0-9]{32}$/);
    assert.deepEqual(env, { ...stack.env }, "the file says what the stack reports");
  });

  test("Vercel lists the production deployment of the frontend first, then an older preview", async () => {
    const { status, body } = await vercel<{
      deployments: VercelDeployment[];
      pagination: { count: number };
    }>(`/v6/deployments?projectId=${VERCEL_PROJECT_ID}&teamId=${VERCEL_TEAM_ID}&limit=10`);
    assert.equal(status, 200);
    assert.deepEqual(
      body.deployments.map((d) => d.uid),
      [VERCEL_PRODUCTION_DEPLOYMENT_ID, VERCEL_PREVIEW_DEPLOYMENT_ID],
    );
    assert.equal(body.pagination.count, 2);
    const [production] = body.deployments;
    assert.equal(production?.readyState, "READY");
    assert.equal(production?.target, "production");
    assert.equal(production?.url, new URL(stack.urls.frontend).host, "url is host:port, no scheme");
    assert.equal(production?.meta.githubCommitSha, backendCommit);
    assert.equal(production?.meta.githubCommitRef, "main");
    assert.ok(production?.meta.githubCommitMessage);

    const onlyProduction = await vercel<{ deployments: VercelDeployment[] }>(
      `/v6/deployments?projectId=${VERCEL_PROJECT_ID}&target=production&limit=1`,
    );
    assert.deepEqual(
      onlyProduction.body.deployments.map((d) => d.uid),
      [VERCEL_PRODUCTION_DEPLOYMENT_ID],
    );
  });

  test("Vercel finds a deployment by id or by url", async () => {
    const byId = await vercel<{ id: string; status: string }>(
      `/v13/deployments/${VERCEL_PRODUCTION_DEPLOYMENT_ID}`,
    );
    assert.equal(byId.status, 200);
    assert.equal(byId.body.status, "READY");
    const host = new URL(stack.urls.frontend).host;
    const byUrl = await vercel<{ id: string }>(`/v13/deployments/${encodeURIComponent(host)}`);
    assert.equal(byUrl.body.id, VERCEL_PRODUCTION_DEPLOYMENT_ID);
    const unknown = await vercel<{ error: { code: string } }>("/v13/deployments/dpl_nope");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, "not_found");
  });

  test("Vercel refuses a missing or wrong token and another team with 403 forbidden", async () => {
    for (const token of [null, "not-the-token", env.RENDER_API_KEY ?? ""]) {
      const { status, body } = await vercel<{ error: { code: string; message: string } }>(
        `/v6/deployments?projectId=${VERCEL_PROJECT_ID}`,
        token,
      );
      assert.equal(status, 403, `token ${token ?? "(none)"} is refused`);
      assert.equal(body.error.code, "forbidden");
      assert.ok(body.error.message);
    }
    const otherTeam = await vercel(`/v6/deployments?teamId=team_someoneElse`);
    assert.equal(otherTeam.status, 403);
  });

  test("Vercel's Checks API: a check is registered, runs, completes and shows on the deployment", async () => {
    const base = `/v1/deployments/${VERCEL_PRODUCTION_DEPLOYMENT_ID}/checks`;
    const origin = env.VERCEL_API_URL ?? "";
    const token = env.VERCEL_TOKEN ?? "";
    const created = await platformSend<{ id: string; status: string }>(
      "POST",
      origin,
      base,
      token,
      {
        name: "platforms-api test check",
        blocking: true,
      },
    );
    assert.equal(created.status, 200);
    assert.equal(created.body.status, "registered");
    assert.match(created.body.id, /^chk_/);
    const missingName = await platformSend("POST", origin, base, token, { blocking: true });
    assert.equal(missingName.status, 400);

    const running = await platformSend<{ status: string }>(
      "PATCH",
      origin,
      `${base}/${created.body.id}`,
      token,
      { status: "running" },
    );
    assert.equal(running.body.status, "running");
    const done = await platformSend<{ status: string; conclusion: string }>(
      "PATCH",
      origin,
      `${base}/${created.body.id}`,
      token,
      { conclusion: "failed" },
    );
    assert.equal(done.body.status, "completed", "a conclusion completes the check");
    assert.equal(done.body.conclusion, "failed");

    const listed = await vercel<{ checks: Array<{ id: string }> }>(base);
    assert.deepEqual(
      listed.body.checks.map((c) => c.id),
      [created.body.id],
    );
    const deployment = await vercel<{ checksState: string; checksConclusion: string }>(
      `/v13/deployments/${VERCEL_PRODUCTION_DEPLOYMENT_ID}`,
    );
    assert.equal(deployment.body.checksState, "completed");
    assert.equal(deployment.body.checksConclusion, "failed");
    const wrongToken = await platformSend("POST", origin, base, "wrong", {
      name: "x",
      blocking: false,
    });
    assert.equal(wrongToken.status, 403);
  });

  test("Render shows the backend's service: free plan in oregon, one instance, not suspended", async () => {
    const { status, body } = await render<{
      id: string;
      suspended: string;
      suspenders: string[];
      serviceDetails: { plan: string; region: string; numInstances: number; url: string };
    }>(`/v1/services/${RENDER_SERVICE_ID}`);
    assert.equal(status, 200);
    assert.equal(body.id, RENDER_SERVICE_ID);
    assert.equal(body.suspended, "not_suspended");
    assert.deepEqual(body.suspenders, []);
    assert.equal(body.serviceDetails.plan, "free");
    assert.equal(body.serviceDetails.region, "oregon");
    assert.equal(body.serviceDetails.numInstances, 1);
    assert.equal(body.serviceDetails.url, stack.urls.backend);
  });

  test("Render lists deploys newest first; the live one runs the commit /health reports", async () => {
    const { status, body } = await render<Array<{ deploy: RenderDeploy; cursor: string }>>(
      `/v1/services/${RENDER_SERVICE_ID}/deploys?limit=20`,
    );
    assert.equal(status, 200);
    assert.deepEqual(
      body.map(({ deploy }) => [deploy.id, deploy.status]),
      [
        [RENDER_LIVE_DEPLOY_ID, "live"],
        [RENDER_PREVIOUS_DEPLOY_ID, "deactivated"],
      ],
    );
    assert.equal(body[0]?.deploy.commit.id, backendCommit);
    assert.ok(body[0]?.cursor);
    const one = await render<unknown[]>(`/v1/services/${RENDER_SERVICE_ID}/deploys?limit=1`);
    assert.equal(one.body.length, 1);
  });

  test("Render refuses a missing or wrong key with 401 and an unknown service with 404", async () => {
    for (const token of [null, "rnd_wrong", env.VERCEL_TOKEN ?? ""]) {
      const { status, body } = await render(`/v1/services/${RENDER_SERVICE_ID}`, token);
      assert.equal(status, 401, `key ${token ?? "(none)"} is refused`);
      assert.deepEqual(body, { message: "Unauthorized" });
    }
    const unknown = await render("/v1/services/srv-nosuchservice000000");
    assert.equal(unknown.status, 404);
    const unknownDeploys = await render("/v1/services/srv-nosuchservice000000/deploys");
    assert.equal(unknownDeploys.status, 404);
  });

  test("every backend response carries Render's rndr-id", async () => {
    for (const p of ["/health", "/no-such-route"]) {
      const response = await fetch(`${stack.urls.backend}${p}`);
      await response.arrayBuffer();
      assert.ok(response.headers.get("rndr-id"), `${p} has an rndr-id`);
    }
  });

  test("the Management API shows the project ACTIVE_HEALTHY with its database", async () => {
    const { status, body } = await management<{
      id: string;
      ref: string;
      organization_id: string;
      status: string;
      database: { host: string; version: string };
    }>(`/v1/projects/${SUPABASE_PROJECT_REF}`);
    assert.equal(status, 200);
    assert.equal(body.ref, SUPABASE_PROJECT_REF);
    assert.equal(body.id, SUPABASE_PROJECT_REF);
    assert.ok(body.organization_id);
    assert.equal(body.status, "ACTIVE_HEALTHY");
    assert.equal(body.database.host, new URL(stack.urls.db).hostname);
    assert.match(body.database.version, /^\d+\.\d+/);
    const unknown = await management("/v1/projects/nosuchprojectxxxxxxx");
    assert.equal(unknown.status, 404);
  });

  test("the Management API's health answers per service, and needs ?services=", async () => {
    const services = ["auth", "db", "rest", "realtime", "storage"];
    const { status, body } = await management<
      Array<{ name: string; healthy: boolean; status: string }>
    >(`/v1/projects/${SUPABASE_PROJECT_REF}/health?services=${services.join(",")}`);
    assert.equal(status, 200);
    assert.deepEqual(
      body.map((s) => [s.name, s.healthy, s.status]),
      services.map((name) => [name, true, "ACTIVE_HEALTHY"]),
    );
    const without = await management<{ message: string }>(
      `/v1/projects/${SUPABASE_PROJECT_REF}/health`,
    );
    assert.equal(without.status, 400);
    assert.ok(without.body.message);
    const unknownService = await management(
      `/v1/projects/${SUPABASE_PROJECT_REF}/health?services=auth,nope`,
    );
    assert.equal(unknownService.status, 400);
  });

  test("the Management API shows Auth's settings with its rate limits", async () => {
    const { status, body } = await management<Record<string, unknown>>(
      `/v1/projects/${SUPABASE_PROJECT_REF}/config/auth`,
    );
    assert.equal(status, 200);
    for (const key of [
      "rate_limit_email_sent",
      "rate_limit_otp",
      "rate_limit_verify",
      "rate_limit_token_refresh",
      "rate_limit_anonymous_users",
      "rate_limit_sms_sent",
    ]) {
      assert.equal(typeof body[key], "number", `${key} is a number`);
    }
    assert.equal(body.site_url, stack.urls.frontend);
    assert.equal(body.mailer_autoconfirm, true, "the stack's Auth confirms sign-ups itself");
  });

  test("the Management API refuses a missing or wrong token with 401", async () => {
    for (const token of [null, "sbp_0000000000000000000000000000000000000000"]) {
      const { status, body } = await management(`/v1/projects/${SUPABASE_PROJECT_REF}`, token);
      assert.equal(status, 401);
      assert.deepEqual(body, { message: "Unauthorized" });
    }
  });
});
