import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { RenderClient } from "../index.ts";
import {
  type FakePlatforms,
  fakePlatforms,
  RENDER_SERVICE,
  RENDER_SERVICE_REPLY,
  T0,
} from "./support/platforms.ts";

describe("RenderClient", () => {
  let platforms: FakePlatforms;
  let client: RenderClient;
  before(async () => {
    platforms = await fakePlatforms();
    client = new RenderClient(platforms.access.render, 2_000);
  });
  beforeEach(() => platforms.reset());
  after(() => platforms.close());

  test("the service: name, suspended or not, plan, region, instances, URL", async () => {
    assert.deepEqual(await client.service(), {
      id: RENDER_SERVICE,
      name: "shop-api",
      suspended: false,
      plan: "free",
      region: "frankfurt",
      instances: 1,
      url: "https://shop-api-ptest.onrender.com",
    });
    assert.equal(platforms.render.received[0]?.path, `/v1/services/${RENDER_SERVICE}`);
  });

  test("a suspended service says so; missing details stay absent", async () => {
    platforms.render.override(`GET /v1/services/${RENDER_SERVICE}`, {
      json: { ...RENDER_SERVICE_REPLY, suspended: "suspended", serviceDetails: null },
    });
    assert.deepEqual(await client.service(), {
      id: RENDER_SERVICE,
      name: "shop-api",
      suspended: true,
    });
  });

  test("deploys unwrapped from [{ deploy, cursor }], newest first, in one vocabulary", async () => {
    const deploys = await client.deploys(5);
    assert.deepEqual(
      deploys.map((d) => [d.id, d.status, d.phase, d.trigger, d.commit?.sha]),
      [
        ["dep-failed3", "build_failed", "failed", "manual", "ccc3333"],
        ["dep-live2", "live", "live", "new_commit", "bbb2222"],
        ["dep-old1", "deactivated", "superseded", "new_commit", "aaa1111"],
      ],
    );
    const live = deploys[1];
    assert.equal(live?.createdAt, T0 + 20 * 60_000);
    assert.equal(live?.liveAt, T0 + 25 * 60_000, "finishedAt of a live deploy");
    assert.equal(live?.commit?.message, "Faster checkout");
    assert.equal(deploys[0]?.liveAt, undefined, "a failed build never went live");
    assert.equal(platforms.render.received[0]?.query.get("limit"), "5");
  });

  test("a deploy whose createdAt is not a date is a shape error naming the entry and path", async () => {
    platforms.render.override(`GET /v1/services/${RENDER_SERVICE}/deploys`, {
      json: [{ deploy: { id: "dep-x", status: "live", createdAt: "yesterday" }, cursor: "c" }],
    });
    await assert.rejects(client.deploys(), {
      failure: "wrong-shape",
      message: `Render's reply to the deploys at GET /v1/services/${RENDER_SERVICE}/deploys is not the documented shape: 0.deploy.createdAt is not a date`,
    });
  });

  test("a deploys reply that is an object, not the documented list, is a shape error", async () => {
    platforms.render.override(`GET /v1/services/${RENDER_SERVICE}/deploys`, {
      json: { deploys: [] },
    });
    await assert.rejects(client.deploys(), {
      failure: "wrong-shape",
      message: /is not the documented shape: the reply itself is not an array$/,
    });
  });
});
