import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  type ApiFailure,
  PlatformApiError,
  RenderClient,
  SupabaseManagementClient,
  VercelClient,
} from "../index.ts";
import { closedPort, type FakeApi, type Reply } from "./support/fake-api.ts";
import {
  type FakePlatforms,
  fakePlatforms,
  leaksToken,
  RENDER_SERVICE,
  SUPABASE_REF,
  TOKENS,
} from "./support/platforms.ts";

// Every way a platform's API can fail, for each client: one sentence that
// names the platform, what was asked and its path, and never the token.

const TIMEOUT_MS = 300;

interface Case {
  label: string;
  api: (platforms: FakePlatforms) => FakeApi;
  route: string;
  path: string;
  call: (platforms: FakePlatforms, token?: string, apiUrl?: string) => Promise<unknown>;
  tokenVariable: string;
}

const cases: Case[] = [
  {
    label: "Vercel",
    api: (p) => p.vercel,
    route: "GET /v6/deployments",
    path: "GET /v6/deployments",
    call: (p, token = TOKENS.vercel, apiUrl = p.vercel.url) =>
      new VercelClient({ ...p.access.vercel, token, apiUrl }, TIMEOUT_MS).recentDeployments(),
    tokenVariable: "VERCEL_TOKEN",
  },
  {
    label: "Render",
    api: (p) => p.render,
    route: `GET /v1/services/${RENDER_SERVICE}/deploys`,
    path: `GET /v1/services/${RENDER_SERVICE}/deploys`,
    call: (p, token = TOKENS.render, apiUrl = p.render.url) =>
      new RenderClient({ ...p.access.render, token, apiUrl }, TIMEOUT_MS).deploys(),
    tokenVariable: "RENDER_API_KEY",
  },
  {
    label: "Supabase",
    api: (p) => p.supabase,
    route: `GET /v1/projects/${SUPABASE_REF}/health`,
    path: `GET /v1/projects/${SUPABASE_REF}/health`,
    call: (p, token = TOKENS.supabase, apiUrl = p.supabase.url) =>
      new SupabaseManagementClient({ ...p.access.supabase, token, apiUrl }, TIMEOUT_MS).health(),
    tokenVariable: "SUPABASE_ACCESS_TOKEN",
  },
];

/** The error a call fails with, checked to be one token-free sentence about the platform. */
async function failure(call: Promise<unknown>, label: string): Promise<PlatformApiError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof PlatformApiError, `a PlatformApiError, got ${error}`);
    assert.ok(error.message.startsWith(label), `names the platform first: ${error.message}`);
    assert.ok(!/\n|[.!?]\s+\S/.test(error.message), `one sentence: ${error.message}`);
    assert.ok(!leaksToken(error.message), `no token: ${error.message}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

const replies: Array<[string, Reply, ApiFailure, (c: Case) => RegExp]> = [
  [
    "HTTP 500",
    { status: 500, json: { message: "internal" } },
    "server-error",
    (c) => new RegExp(`had a server error on .* at ${c.path} \\(HTTP 500\\)$`),
  ],
  [
    "an HTML page with 200",
    { body: "<html>maintenance</html>", contentType: "text/html" },
    "not-json",
    (c) => new RegExp(`reply to .* at ${c.path} is not JSON \\(text/html\\)$`),
  ],
  [
    "JSON of another shape",
    { json: [{ unexpected: true }] },
    "wrong-shape",
    (c) => new RegExp(`reply to .* at ${c.path} is not the documented shape: .+`),
  ],
  [
    "HTTP 404",
    { status: 404, json: { message: "Not Found" } },
    "not-found",
    (c) => new RegExp(`found nothing for .* at ${c.path} \\(HTTP 404\\): check `),
  ],
  [
    "HTTP 429",
    { status: 429, json: { message: "slow down" } },
    "rate-limited",
    (c) => new RegExp(`rate-limited .* at ${c.path} \\(HTTP 429\\)`),
  ],
];

describe("platform API failures", () => {
  let platforms: FakePlatforms;
  before(async () => {
    platforms = await fakePlatforms();
  });
  beforeEach(() => platforms.reset());
  after(() => platforms.close());

  for (const c of cases) {
    describe(c.label, () => {
      test("a wrong token: refused, naming the variable, not the token", async () => {
        const error = await failure(c.call(platforms, `${TOKENS.vercel}_wrong`), c.label);
        assert.equal(error.failure, "refused");
        assert.equal(error.status, 401);
        assert.match(error.message, new RegExp(`refused ${c.tokenVariable} for .* at ${c.path}`));
      });

      test("HTTP 403 (a token without the scope) is refused too", async () => {
        c.api(platforms).override(c.route, { status: 403, json: { message: "forbidden" } });
        const error = await failure(c.call(platforms), c.label);
        assert.equal(error.failure, "refused");
        assert.equal(error.status, 403);
      });

      for (const [name, reply, kind, message] of replies) {
        test(`${name}: ${kind}`, async () => {
          c.api(platforms).override(c.route, reply);
          const error = await failure(c.call(platforms), c.label);
          assert.equal(error.failure, kind);
          assert.match(error.message, message(c));
        });
      }

      test("a slow server: a timeout within the bound", async () => {
        c.api(platforms).override(c.route, { delayMs: 3_000, json: [] });
        const started = performance.now();
        const error = await failure(c.call(platforms), c.label);
        const elapsed = performance.now() - started;
        assert.equal(error.failure, "timeout");
        assert.match(error.message, new RegExp(`did not answer .* at ${c.path} within 300 ms$`));
        assert.ok(elapsed < TIMEOUT_MS + 400, `gave up after ${Math.round(elapsed)} ms`);
      });

      test("a reply that stalls after its headers is a timeout too", async () => {
        c.api(platforms).override(c.route, { stallBodyMs: 3_000, json: [] });
        const started = performance.now();
        const error = await failure(c.call(platforms), c.label);
        assert.equal(error.failure, "timeout");
        assert.ok(performance.now() - started < TIMEOUT_MS + 400);
      });

      test("nothing listening: a network error with its cause", async () => {
        const url = `http://127.0.0.1:${await closedPort()}`;
        const error = await failure(c.call(platforms, undefined, url), c.label);
        assert.equal(error.failure, "network");
        assert.match(error.message, /could not be reached for .* \(ECONNREFUSED\)$/);
      });

      test("an API that echoes the token in its error: the token is cut out", async () => {
        const token = TOKENS[c.label.toLowerCase() as keyof typeof TOKENS];
        c.api(platforms).override(c.route, {
          status: 400,
          json: { error: { message: `Bad token ${token} in request` } },
        });
        const error = await failure(c.call(platforms), c.label);
        assert.equal(error.failure, "rejected");
        assert.match(error.message, /: Bad token \(token\) in request$/);
      });
    });
  }

  test("429 passes Retry-After on when it is a number of seconds", async () => {
    platforms.render.override(`GET /v1/services/${RENDER_SERVICE}`, {
      status: 429,
      json: {},
      headers: { "retry-after": "30" },
    });
    const client = new RenderClient(platforms.access.render, TIMEOUT_MS);
    const error = await failure(client.service(), "Render");
    assert.match(error.message, /\(HTTP 429\); retry after 30 s$/);
  });

  test("redirects are not followed: the token is not sent to another host", async () => {
    platforms.vercel.override("GET /v6/deployments", {
      status: 307,
      json: {},
      headers: { location: `${platforms.render.url}/steal` },
    });
    const client = new VercelClient(platforms.access.vercel, TIMEOUT_MS);
    const error = await failure(client.recentDeployments(), "Vercel");
    assert.equal(error.failure, "rejected");
    assert.equal(error.status, 307);
    assert.equal(platforms.render.received.length, 0, "nothing reached the other host");
  });
});
