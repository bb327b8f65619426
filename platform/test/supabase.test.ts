import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { SUPABASE_HEALTH_SERVICES, SupabaseManagementClient } from "../index.ts";
import { type FakePlatforms, fakePlatforms, SUPABASE_REF } from "./support/platforms.ts";

describe("SupabaseManagementClient", () => {
  let platforms: FakePlatforms;
  let client: SupabaseManagementClient;
  before(async () => {
    platforms = await fakePlatforms();
    client = new SupabaseManagementClient(platforms.access.supabase, 2_000);
  });
  beforeEach(() => platforms.reset());
  after(() => platforms.close());

  test("the project and its status", async () => {
    assert.deepEqual(await client.project(), {
      ref: SUPABASE_REF,
      name: "shop",
      region: "eu-central-1",
      status: "ACTIVE_HEALTHY",
    });
    assert.equal(platforms.supabase.received[0]?.path, `/v1/projects/${SUPABASE_REF}`);
  });

  test("each service's health, asked for by name, the unhealthy one with its error", async () => {
    const health = await client.health();
    assert.equal(
      platforms.supabase.received[0]?.query.get("services"),
      SUPABASE_HEALTH_SERVICES.join(","),
    );
    assert.deepEqual(
      health.map((s) => s.name),
      [...SUPABASE_HEALTH_SERVICES],
    );
    assert.deepEqual(
      health.find((s) => s.name === "storage"),
      { name: "storage", healthy: false, status: "UNHEALTHY", error: "storage is restarting" },
    );
    assert.deepEqual(await client.health(["auth"]), [
      { name: "auth", healthy: true, status: "ACTIVE_HEALTHY" },
    ]);
  });

  test("the auth config yields its numeric rate limits and nothing else (no secrets)", async () => {
    const limits = await client.authConfig();
    assert.deepEqual(limits, {
      rate_limit_email_sent: 2,
      rate_limit_sms_sent: 30,
      rate_limit_verify: 30,
      rate_limit_token_refresh: 150,
      rate_limit_otp: 30,
    });
    assert.ok(!JSON.stringify(limits).includes("ptest-smtp-password"));
  });

  test("a 404 names the variable the ref came from", async () => {
    const fromUrl = new SupabaseManagementClient(
      { ...platforms.access.supabase, ref: "ptestwrongref", refVariable: "SUPABASE_URL" },
      2_000,
    );
    await assert.rejects(fromUrl.project(), {
      failure: "not-found",
      message:
        "Supabase found nothing for the project at GET /v1/projects/ptestwrongref (HTTP 404): check SUPABASE_URL",
    });
  });
});
