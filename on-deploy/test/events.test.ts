import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decideRender, decideVercel, describeDelivery } from "../events.ts";

const vercel = (type: string, project = "prj_shop", extra: Record<string, unknown> = {}) => ({
  id: "dlv_1",
  type,
  createdAt: 1_760_000_000_000,
  payload: {
    deployment: { id: "dpl_1", url: "shop-abc.vercel.app", meta: { githubCommitSha: "abc1234" } },
    project: { id: project },
    target: "production",
    ...extra,
  },
});

describe("decideVercel", () => {
  test("deployment.succeeded of the project runs, with the deployment and its commit", () => {
    assert.deepEqual(decideVercel(vercel("deployment.succeeded"), { projectId: "prj_shop" }), {
      kind: "run",
      trigger: {
        source: "vercel",
        deliveryId: "dlv_1",
        eventType: "deployment.succeeded",
        deployment: { id: "dpl_1", url: "shop-abc.vercel.app", sha: "abc1234" },
      },
    });
  });

  test("other events and other projects are ignored, saying why", () => {
    const created = decideVercel(vercel("deployment.created"), { projectId: "prj_shop" });
    assert.equal(created.kind, "ignore");
    const other = decideVercel(vercel("deployment.succeeded", "prj_blog"), {
      projectId: "prj_shop",
    });
    assert.deepEqual(other, {
      kind: "ignore",
      reason: "project prj_blog is not VERCEL_PROJECT_ID",
    });
    // No project configured: every project's deployment counts.
    assert.equal(decideVercel(vercel("deployment.succeeded", "prj_blog")).kind, "run");
  });

  test("a body without what a run needs is invalid", () => {
    assert.equal(decideVercel([]).kind, "invalid");
    assert.equal(decideVercel({ id: "dlv_1" }).kind, "invalid");
    assert.equal(
      decideVercel({ id: "dlv_1", type: "deployment.succeeded", payload: {} }).kind,
      "invalid",
    );
  });
});

describe("decideRender", () => {
  const render = (type: string, status?: string, serviceId = "srv-api") => ({
    type,
    timestamp: "2026-12-03T11:00:00Z",
    data: { id: "evt-1", serviceId, serviceName: "api", ...(status ? { status } : {}) },
  });

  test("a deploy that ended succeeded for the service runs", () => {
    assert.deepEqual(
      decideRender(render("deploy_ended", "succeeded"), "msg_1", { serviceId: "srv-api" }),
      {
        kind: "run",
        trigger: {
          source: "render",
          deliveryId: "msg_1",
          eventType: "deploy_ended",
          serviceId: "srv-api",
        },
      },
    );
  });

  test("failed or canceled deploys, other events and other services are ignored", () => {
    for (const body of [
      render("deploy_ended", "failed"),
      render("deploy_ended", "canceled"),
      render("deploy_ended"),
      render("deploy_started"),
      render("deploy_ended", "succeeded", "srv-worker"),
    ])
      assert.equal(decideRender(body, "msg_1", { serviceId: "srv-api" }).kind, "ignore");
  });
});

test("describeDelivery reads the id and type without trusting the body", () => {
  assert.deepEqual(describeDelivery({ id: "dlv_1", type: "deployment.succeeded" }), {
    eventType: "deployment.succeeded",
    eventId: "dlv_1",
  });
  assert.deepEqual(describeDelivery({ type: "deploy_ended" }, "msg_9"), {
    eventType: "deploy_ended",
    eventId: "msg_9",
  });
  assert.deepEqual(describeDelivery("not an object"), {});
});
