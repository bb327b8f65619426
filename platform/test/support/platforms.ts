import { randomBytes } from "node:crypto";
import type { RenderAccess, SupabaseAccess, VercelAccess } from "../../env.ts";
import { type FakeApi, fakeApi, type Route } from "./fake-api.ts";

// The three platforms' APIs on loopback, answering the shapes their
// references document (fields we do not read included, as the real replies
// carry them). Tokens and ids are unique per run and start with `ptest`, so
// any that leaks into a message is easy to spot and to search for.

const run = randomBytes(4).toString("hex");
export const TOKENS = {
  vercel: `ptest_vercel_${run}_secret`,
  render: `rnd_ptest${run}secret`,
  supabase: `sbp_ptest${run}secret`,
} as const;

export const VERCEL_PROJECT = `prj_ptest${run}`;
export const RENDER_SERVICE = `srv-ptest${run}`;
export const SUPABASE_REF = `ptest${run}ref`;

export const T0 = Date.parse("2026-12-01T10:00:00Z");
const minutes = (n: number) => n * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

// https://vercel.com/docs/rest-api/deployments/list-deployments — the list names them uid/state/created.
export const VERCEL_DEPLOYMENTS = [
  {
    uid: "dpl_preview3",
    name: "shop",
    url: "shop-git-feature-ptest.vercel.app",
    created: T0 + minutes(30),
    state: "BUILDING",
    readyState: "BUILDING",
    target: null,
    meta: { githubCommitSha: "ccc3333", githubCommitRef: "feature" },
    creator: { uid: "u1", username: "dev" },
  },
  {
    uid: "dpl_live2",
    name: "shop",
    url: "shop-live2-ptest.vercel.app",
    created: T0 + minutes(20),
    buildingAt: T0 + minutes(20),
    ready: T0 + minutes(22),
    state: "READY",
    readyState: "READY",
    target: "production",
    meta: {
      githubCommitSha: "bbb2222",
      githubCommitRef: "main",
      githubCommitMessage: "Faster checkout",
    },
  },
  {
    uid: "dpl_old1",
    name: "shop",
    url: "shop-old1-ptest.vercel.app",
    created: T0,
    ready: T0 + minutes(2),
    state: "READY",
    readyState: "READY",
    target: "production",
    meta: { gitlabCommitSha: "aaa1111" },
  },
];

const vercelRoutes: Record<string, Route> = {
  "GET /v6/deployments": ({ query }) => {
    const matching = VERCEL_DEPLOYMENTS.filter(
      (d) =>
        (!query.get("state") || d.state === query.get("state")) &&
        (!query.get("target") || d.target === query.get("target")),
    ).slice(0, Number(query.get("limit") ?? 20));
    return {
      json: {
        deployments: matching,
        pagination: { count: matching.length, next: null, prev: null },
      },
    };
  },
  // https://vercel.com/docs/rest-api/deployments/get-a-deployment-by-id-or-url — the single read names them id/readyState/createdAt.
  "GET /v13/deployments/dpl_live2": () => ({ json: singleDeployment() }),
  "GET /v13/deployments/shop-live2-ptest.vercel.app": () => ({ json: singleDeployment() }),
  // https://vercel.com/docs/rest-api/checks/creates-a-new-check
  "POST /v1/deployments/dpl_live2/checks": ({ body }) => ({
    json: {
      ...(body as object),
      id: "check_ptest1",
      status: "registered",
      conclusion: null,
      deploymentId: "dpl_live2",
      integrationId: "oac_ptest",
      createdAt: T0,
      updatedAt: T0,
    },
  }),
  // https://vercel.com/docs/rest-api/checks/update-a-check
  "PATCH /v1/deployments/dpl_live2/checks/check_ptest1": ({ body }) => ({
    json: {
      id: "check_ptest1",
      name: "synthetic",
      blocking: true,
      deploymentId: "dpl_live2",
      detailsUrl: "https://reports.example.test/run/1",
      ...(body as object),
    },
  }),
};

function singleDeployment() {
  return {
    id: "dpl_live2",
    name: "shop",
    url: "shop-live2-ptest.vercel.app",
    createdAt: T0 + minutes(20),
    buildingAt: T0 + minutes(20),
    ready: T0 + minutes(22),
    readyState: "READY",
    target: "production",
    meta: { githubCommitSha: "bbb2222", githubCommitRef: "main" },
    alias: ["shop.example.test"],
  };
}

// https://api-docs.render.com/reference/retrieve-service
export const RENDER_SERVICE_REPLY = {
  id: RENDER_SERVICE,
  name: "shop-api",
  type: "web_service",
  suspended: "not_suspended",
  suspenders: [],
  autoDeploy: "yes",
  serviceDetails: {
    env: "node",
    plan: "free",
    region: "frankfurt",
    numInstances: 1,
    url: "https://shop-api-ptest.onrender.com",
  },
};

// https://api-docs.render.com/reference/list-deploys — a list of { deploy, cursor }.
export const RENDER_DEPLOYS = [
  {
    deploy: {
      id: "dep-old1",
      commit: { id: "aaa1111", message: "First", createdAt: iso(T0 - minutes(5)) },
      status: "deactivated",
      trigger: "new_commit",
      createdAt: iso(T0),
      updatedAt: iso(T0 + minutes(30)),
      finishedAt: iso(T0 + minutes(4)),
    },
    cursor: "c1",
  },
  {
    deploy: {
      id: "dep-live2",
      commit: { id: "bbb2222", message: "Faster checkout", createdAt: iso(T0 + minutes(19)) },
      status: "live",
      trigger: "new_commit",
      createdAt: iso(T0 + minutes(20)),
      updatedAt: iso(T0 + minutes(25)),
      finishedAt: iso(T0 + minutes(25)),
    },
    cursor: "c2",
  },
  {
    deploy: {
      id: "dep-failed3",
      commit: { id: "ccc3333", message: "Break the build" },
      status: "build_failed",
      trigger: "manual",
      createdAt: iso(T0 + minutes(40)),
      updatedAt: iso(T0 + minutes(42)),
      finishedAt: iso(T0 + minutes(42)),
    },
    cursor: "c3",
  },
];

const renderRoutes: Record<string, Route> = {
  [`GET /v1/services/${RENDER_SERVICE}`]: () => ({ json: RENDER_SERVICE_REPLY }),
  [`GET /v1/services/${RENDER_SERVICE}/deploys`]: ({ query }) => ({
    json: RENDER_DEPLOYS.slice(0, Number(query.get("limit") ?? 20)),
  }),
};

// https://supabase.com/docs/reference/api/v1-get-project
export const SUPABASE_PROJECT_REPLY = {
  id: SUPABASE_REF,
  organization_id: "org-ptest",
  name: "shop",
  region: "eu-central-1",
  created_at: iso(T0),
  status: "ACTIVE_HEALTHY",
  database: { host: `db.${SUPABASE_REF}.supabase.co`, version: "15.8.1" },
};

// https://supabase.com/docs/reference/api/v1-get-auth-service-config — secrets sit beside the limits.
export const SUPABASE_AUTH_CONFIG = {
  site_url: "https://shop.example.test",
  rate_limit_email_sent: 2,
  rate_limit_sms_sent: 30,
  rate_limit_verify: 30,
  rate_limit_token_refresh: 150,
  rate_limit_otp: 30,
  rate_limit_anonymous_users: null,
  smtp_pass: "ptest-smtp-password",
  external_google_secret: "ptest-google-secret",
};

const supabaseRoutes: Record<string, Route> = {
  [`GET /v1/projects/${SUPABASE_REF}`]: () => ({ json: SUPABASE_PROJECT_REPLY }),
  // https://supabase.com/docs/reference/api/v1-get-services-health — one entry per service asked.
  [`GET /v1/projects/${SUPABASE_REF}/health`]: ({ query }) => ({
    json: (query.get("services") ?? "")
      .split(",")
      .map((name) =>
        name === "storage"
          ? { name, healthy: false, status: "UNHEALTHY", error: "storage is restarting" }
          : { name, healthy: true, status: "ACTIVE_HEALTHY", info: { name, version: "1" } },
      ),
  }),
  [`GET /v1/projects/${SUPABASE_REF}/config/auth`]: () => ({ json: SUPABASE_AUTH_CONFIG }),
};

export interface FakePlatforms {
  vercel: FakeApi;
  render: FakeApi;
  supabase: FakeApi;
  access: { vercel: VercelAccess; render: RenderAccess; supabase: SupabaseAccess };
  reset(): void;
  close(): Promise<void>;
}

export async function fakePlatforms(): Promise<FakePlatforms> {
  const [vercel, render, supabase] = await Promise.all([
    fakeApi(TOKENS.vercel, vercelRoutes),
    fakeApi(TOKENS.render, renderRoutes),
    fakeApi(TOKENS.supabase, supabaseRoutes),
  ]);
  const apis = [vercel, render, supabase];
  return {
    vercel,
    render,
    supabase,
    access: {
      vercel: { token: TOKENS.vercel, projectId: VERCEL_PROJECT, apiUrl: vercel.url },
      render: { token: TOKENS.render, serviceId: RENDER_SERVICE, apiUrl: render.url },
      supabase: {
        token: TOKENS.supabase,
        ref: SUPABASE_REF,
        refVariable: "SUPABASE_PROJECT_REF",
        apiUrl: supabase.url,
      },
    },
    reset: () => {
      for (const api of apis) api.reset();
    },
    close: async () => {
      await Promise.all(apis.map((api) => api.close()));
    },
  };
}

/** Whether a text carries any of the run's tokens (or their start: a cut-off token leaks too). */
export function leaksToken(text: string): boolean {
  return Object.values(TOKENS).some(
    (token) => text.includes(token) || text.includes(token.slice(0, 12)),
  );
}
