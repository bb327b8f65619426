import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { deploymentKey, markSuperseded, VercelClient } from "../index.ts";
import {
  type FakePlatforms,
  fakePlatforms,
  T0,
  TOKENS,
  VERCEL_PROJECT,
} from "./support/platforms.ts";

describe("VercelClient", () => {
  let platforms: FakePlatforms;
  let client: VercelClient;
  before(async () => {
    platforms = await fakePlatforms();
    client = new VercelClient(platforms.access.vercel, 2_000);
  });
  beforeEach(() => platforms.reset());
  after(() => platforms.close());

  test("the live deployment: the newest READY production one, asked for by filter", async () => {
    const live = await client.liveDeployment();
    assert.deepEqual(live, {
      platform: "vercel",
      id: "dpl_live2",
      status: "READY",
      phase: "live",
      createdAt: T0 + 20 * 60_000,
      liveAt: T0 + 22 * 60_000,
      target: "production",
      url: "shop-live2-ptest.vercel.app",
      commit: { sha: "bbb2222", ref: "main", message: "Faster checkout" },
    });
    const [asked] = platforms.vercel.received;
    assert.equal(asked?.path, "/v6/deployments");
    assert.equal(asked?.authorization, `Bearer ${TOKENS.vercel}`);
    assert.deepEqual(Object.fromEntries(asked?.query ?? []), {
      projectId: VERCEL_PROJECT,
      target: "production",
      state: "READY",
      limit: "1",
    });
  });

  test("recent deployments, newest first, preview for a null target, any Git provider's commit", async () => {
    const recent = await client.recentDeployments(10);
    assert.deepEqual(
      recent.map((d) => [d.id, d.phase, d.target, d.commit?.sha]),
      [
        ["dpl_preview3", "building", "preview", "ccc3333"],
        ["dpl_live2", "live", "production", "bbb2222"],
        ["dpl_old1", "live", "production", "aaa1111"],
      ],
    );
    assert.equal(recent[0]?.liveAt, undefined, "a deployment that is not READY has no liveAt");
    assert.equal(platforms.vercel.received[0]?.query.get("limit"), "10");
  });

  test("markSuperseded: an older READY production deployment no longer serves", async () => {
    const live = await client.liveDeployment();
    const marked = markSuperseded(await client.recentDeployments(), live);
    assert.deepEqual(
      marked.map((d) => [d.id, d.phase]),
      [
        ["dpl_preview3", "building"],
        ["dpl_live2", "live"],
        ["dpl_old1", "superseded"],
      ],
    );
  });

  test("a team's project: teamId goes on every request", async () => {
    const team = new VercelClient({ ...platforms.access.vercel, teamId: "team_ptest1" }, 2_000);
    await team.liveDeployment();
    await team.deployment("dpl_live2");
    assert.deepEqual(
      platforms.vercel.received.map((r) => r.query.get("teamId")),
      ["team_ptest1", "team_ptest1"],
    );
  });

  test("one deployment by id or by URL, read through /v13 (id, readyState, createdAt)", async () => {
    const byId = await client.deployment("dpl_live2");
    const byUrl = await client.deployment("https://Shop-Live2-ptest.vercel.app/checkout?x=1");
    assert.deepEqual(byUrl, byId);
    assert.equal(byId.status, "READY");
    assert.equal(byId.createdAt, T0 + 20 * 60_000);
    assert.deepEqual(
      platforms.vercel.received.map((r) => r.path),
      ["/v13/deployments/dpl_live2", "/v13/deployments/shop-live2-ptest.vercel.app"],
    );
  });

  test("deploymentKey refuses what is neither an id nor a host", () => {
    assert.equal(deploymentKey(" dpl_AbC123 "), "dpl_AbC123");
    assert.equal(deploymentKey("shop.vercel.app:443/x"), "shop.vercel.app:443");
    assert.throws(() => deploymentKey("not a url at all"), TypeError);
  });

  test("a check is created and completed through the Checks API", async () => {
    const created = await client.createCheck("dpl_live2", {
      name: "synthetic",
      blocking: true,
      detailsUrl: "https://reports.example.test/run/1",
      rerequestable: true,
    });
    assert.deepEqual(created, {
      id: "check_ptest1",
      name: "synthetic",
      status: "registered",
      blocking: true,
      deploymentId: "dpl_live2",
      detailsUrl: "https://reports.example.test/run/1",
    });
    const done = await client.updateCheck("dpl_live2", "check_ptest1", {
      status: "completed",
      conclusion: "failed",
    });
    assert.equal(done.conclusion, "failed");
    const [post, patch] = platforms.vercel.received;
    assert.equal(post?.method, "POST");
    assert.deepEqual(post?.body, {
      name: "synthetic",
      blocking: true,
      detailsUrl: "https://reports.example.test/run/1",
      rerequestable: true,
    });
    assert.equal(patch?.method, "PATCH");
    assert.deepEqual(patch?.body, { status: "completed", conclusion: "failed" });
  });

  test("an account token cannot create checks: Vercel's 400 is passed on in one sentence", async () => {
    platforms.vercel.override("POST /v1/deployments/dpl_live2/checks", {
      status: 400,
      json: { error: { code: "bad_request", message: "Only integrations can create checks" } },
    });
    await assert.rejects(client.createCheck("dpl_live2", { name: "synthetic", blocking: false }), {
      name: "PlatformApiError",
      failure: "rejected",
      message:
        "Vercel rejected a check on deployment dpl_live2 at POST /v1/deployments/dpl_live2/checks (HTTP 400): Only integrations can create checks",
    });
  });

  test("a list entry without any id is a shape error naming the entry", async () => {
    platforms.vercel.override("GET /v6/deployments", {
      json: { deployments: [{ state: "READY", created: T0 }] },
    });
    await assert.rejects(client.recentDeployments(), {
      failure: "wrong-shape",
      message:
        "Vercel's reply to the recent deployments at GET /v6/deployments (deployments.0) is not the documented shape: uid is missing",
    });
  });
});
