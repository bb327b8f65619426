import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type HttpReceiver, httpReceiver } from "../../alerts/test/support/receivers.ts";
import { VercelClient } from "../../platform/index.ts";
import { deploymentFrontendUrl, isLoopbackHost } from "../deployment-url.ts";
import { DeploymentError, resolveDeployment } from "../resolve.ts";
import { platformApi } from "./support/platform-api.ts";

test("a deployment's FRONTEND_URL: https, http on loopback, the configured path kept", () => {
  assert.equal(deploymentFrontendUrl("shop-abc.vercel.app"), "https://shop-abc.vercel.app");
  assert.equal(
    deploymentFrontendUrl("https://shop-abc.vercel.app/x"),
    "https://shop-abc.vercel.app",
  );
  assert.equal(deploymentFrontendUrl("127.0.0.1:5173"), "http://127.0.0.1:5173");
  assert.equal(
    deploymentFrontendUrl("localhost:3000", "https://shop.example.com/app/"),
    "http://localhost:3000/app",
  );
  assert.equal(
    deploymentFrontendUrl("shop-abc.vercel.app", "https://shop.example.com/app"),
    "https://shop-abc.vercel.app/app",
  );
  assert.ok(
    isLoopbackHost("[::1]") &&
      isLoopbackHost("app.localhost") &&
      !isLoopbackHost("127.example.com"),
  );
});

describe("resolveDeployment", () => {
  let api: HttpReceiver;
  let vercel: VercelClient;
  before(async () => {
    api = await httpReceiver(
      platformApi([
        { id: "dpl_ready1", url: "shop-ready.vercel.app", readyState: "READY", sha: "abc1234def" },
        { id: "dpl_error1", url: "shop-error.vercel.app", readyState: "ERROR" },
      ]),
    );
    vercel = new VercelClient(
      { token: "token-for-tests", projectId: "prj_shop", apiUrl: api.url },
      2000,
    );
  });
  after(() => api?.close());

  test("asks the Vercel API, by id or by URL, and takes the deployment's host and commit", async () => {
    const byId = await resolveDeployment("dpl_ready1", { vercel });
    assert.equal(byId.frontendUrl, "https://shop-ready.vercel.app");
    assert.equal(byId.deploy?.commit?.sha, "abc1234def");
    const byUrl = await resolveDeployment("https://shop-ready.vercel.app/pricing", { vercel });
    assert.equal(byUrl.label, "dpl_ready1");
  });

  test("not READY, unknown, or an id without API access: a DeploymentError saying so", async () => {
    await assert.rejects(resolveDeployment("dpl_error1", { vercel }), (error: Error) => {
      assert.ok(error instanceof DeploymentError);
      assert.match(error.message, /deployment dpl_error1 is ERROR, not READY/);
      return true;
    });
    await assert.rejects(resolveDeployment("dpl_missing", { vercel }), /HTTP 404/);
    await assert.rejects(
      resolveDeployment("dpl_ready1", {}),
      /set VERCEL_TOKEN and VERCEL_PROJECT_ID/,
    );
    await assert.rejects(
      resolveDeployment("not a url at all", {}),
      /neither a Vercel deployment id/,
    );
  });

  test("without API access a URL is used as is", async () => {
    const resolved = await resolveDeployment("shop-git-x.vercel.app", {
      configuredFrontendUrl: "https://shop.example.com/app",
    });
    assert.deepEqual(resolved, {
      frontendUrl: "https://shop-git-x.vercel.app/app",
      label: "shop-git-x.vercel.app",
    });
  });
});
