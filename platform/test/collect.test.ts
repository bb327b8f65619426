import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { collectPlatform, type PlatformAccess } from "../index.ts";
import { closedPort } from "./support/fake-api.ts";
import {
  type FakePlatforms,
  fakePlatforms,
  leaksToken,
  RENDER_SERVICE,
  SUPABASE_REF,
  TOKENS,
  VERCEL_PROJECT,
} from "./support/platforms.ts";

describe("collectPlatform", () => {
  let platforms: FakePlatforms;
  let access: PlatformAccess;
  let logged: string[];
  const collect = (overrides: Partial<PlatformAccess> = {}) =>
    collectPlatform({ ...access, ...overrides }, { now: () => 42, log: (l) => logged.push(l) });

  before(async () => {
    platforms = await fakePlatforms();
    access = { timeoutMs: 2_000, ...platforms.access };
  });
  beforeEach(() => {
    platforms.reset();
    logged = [];
  });
  after(() => platforms.close());
  const apis = () => [platforms.vercel, platforms.render, platforms.supabase];

  test("all three read at once: data for each, no gaps, one line per platform", async () => {
    // Every request takes 400 ms: one after another, the seven would take about 2.8 s.
    for (const api of apis()) api.latencyMs = 400;
    const started = performance.now();
    const collection = await collect();
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 390, `the latency applies: took ${Math.round(elapsed)} ms`);
    assert.ok(elapsed < 1_200, `in parallel: took ${Math.round(elapsed)} ms`);

    assert.deepEqual(collection.gaps, []);
    assert.equal(collection.takenAt, 42);
    assert.equal(collection.vercel?.projectId, VERCEL_PROJECT);
    assert.equal(collection.vercel?.live?.id, "dpl_live2");
    assert.deepEqual(
      collection.vercel?.recent.map((d) => `${d.id}:${d.phase}`),
      ["dpl_preview3:building", "dpl_live2:live", "dpl_old1:superseded"],
    );
    assert.equal(collection.render?.service.id, RENDER_SERVICE);
    assert.equal(collection.render?.live?.id, "dep-live2");
    assert.equal(collection.render?.deploys.length, 3);
    assert.equal(collection.supabase?.ref, SUPABASE_REF);
    assert.equal(collection.supabase?.status, "ACTIVE_HEALTHY");
    assert.equal(collection.supabase?.services.length, 6);
    assert.equal(collection.supabase?.authRateLimits?.rate_limit_email_sent, 2);
    assert.deepEqual(logged, [
      "platform vercel: live dpl_live2 (commit bbb2222), 3 recent",
      "platform render: shop-api running, live dep-live2, 3 deploys",
      "platform supabase: ACTIVE_HEALTHY, unhealthy: storage",
    ]);
  });

  test("no platform configured: nothing read, nothing missing", async () => {
    const collection = await collectPlatform({ timeoutMs: 1_000 }, { now: () => 1 });
    assert.deepEqual(collection, { takenAt: 1, gaps: [] });
  });

  test("one platform down: a gap for it, data for the others", async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const collection = await collect({ render: { ...platforms.access.render, apiUrl: down } });
    assert.equal(collection.render, undefined);
    assert.ok(collection.vercel?.live, "Vercel still read");
    assert.ok(collection.supabase?.status, "Supabase still read");
    assert.equal(collection.gaps.length, 1, JSON.stringify(collection.gaps));
    assert.equal(collection.gaps[0]?.platform, "render");
    assert.match(
      collection.gaps[0]?.reason ?? "",
      /^Render could not be reached for the service .*ECONNREFUSED\)$/,
    );
    // Gaps are said once, by the run's summary, not in collect's log.
    assert.ok(!logged.some((line) => line.startsWith("platform render")), logged.join("\n"));
  });

  test("a token without the scope for the auth config: a gap beside the rest of Supabase", async () => {
    platforms.supabase.override(`GET /v1/projects/${SUPABASE_REF}/config/auth`, {
      status: 403,
      json: { message: "Forbidden resource" },
    });
    const collection = await collect();
    assert.equal(collection.supabase?.status, "ACTIVE_HEALTHY");
    assert.equal(collection.supabase?.services.length, 6);
    assert.equal(collection.supabase?.authRateLimits, undefined);
    assert.deepEqual(collection.gaps, [
      {
        platform: "supabase",
        reason: `Supabase refused SUPABASE_ACCESS_TOKEN for the auth config at GET /v1/projects/${SUPABASE_REF}/config/auth (HTTP 403): the token is invalid, expired or lacks the scope; the rest of Supabase's data was read`,
      },
    ]);
    assert.ok(collection.vercel && collection.render, "the other platforms are untouched");
  });

  test("Render's deploys failing keep the service; its failing service drops Render", async () => {
    platforms.render.override(`GET /v1/services/${RENDER_SERVICE}/deploys`, {
      status: 502,
      json: {},
    });
    const partial = await collect();
    assert.equal(partial.render?.service.name, "shop-api");
    assert.deepEqual(partial.render?.deploys, []);
    assert.match(partial.gaps[0]?.reason ?? "", /HTTP 502\); the service itself was read$/);

    platforms.render.override(`GET /v1/services/${RENDER_SERVICE}`, { status: 404, json: {} });
    const none = await collect();
    assert.equal(none.render, undefined);
    assert.deepEqual(
      none.gaps.map((gap) => gap.platform),
      ["render"],
      "one gap for Render, not one per call",
    );
    assert.match(none.gaps[0]?.reason ?? "", /check RENDER_SERVICE_ID$/);
  });

  test("Vercel's live read failing: the live one is taken from the recent list", async () => {
    platforms.vercel.override("GET /v6/deployments", ({ query }, documented) =>
      query.get("state") === "READY" ? { status: 500, json: {} } : documented(),
    );
    const collection = await collect();
    assert.equal(collection.vercel?.live?.id, "dpl_live2");
    assert.equal(collection.gaps.length, 1);
    assert.match(collection.gaps[0]?.reason ?? "", /the rest of Vercel's data was read$/);
  });

  test("no token text in any gap or log line, even when every API echoes it", async () => {
    for (const [api, token] of [
      [platforms.vercel, TOKENS.vercel],
      [platforms.render, TOKENS.render],
      [platforms.supabase, TOKENS.supabase],
    ] as const) {
      api.override("*", {
        status: 400,
        json: { message: `invalid request for ${token} / ${encodeURIComponent(token)}` },
      });
    }
    const collection = await collect();
    assert.equal(collection.gaps.length, 3, JSON.stringify(collection.gaps));
    const everything = JSON.stringify(collection) + logged.join("\n");
    assert.ok(!leaksToken(everything), everything);
    assert.match(everything, /invalid request for \(token\)/);
  });
});
