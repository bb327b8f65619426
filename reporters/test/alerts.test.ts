import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { type Rig, startRig } from "../../alerts/test/support/rig.ts";
import { runPlaywright, writeProject } from "./support/playwright-project.ts";

const SPEC = `
import { existsSync, writeFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
const app = process.env.APP_URL;

test("backend › /health answers 200", { tag: ["@critical", "@root"] }, async ({ request }) => {
  const response = await request.get(app + "/health");
  expect(response.status(), "GET /health should answer 200").toBe(200);
});

test("profile answers 200", { tag: ["@smoke"] }, async ({ request }) => {
  const response = await request.get(app + "/profile");
  expect(response.status(), "GET /profile should answer 200").toBe(200);
});

test("search sometimes needs a retry", async () => {
  const marker = process.env.FLAKY_MARKER;
  if (marker && !existsSync(marker)) {
    writeFileSync(marker, "failed once");
    throw new Error("first attempt fails");
  }
});

test("not for this environment", async () => {
  test.skip(true, "runs only against production");
});
`;

/** A tiny app whose fault switch takes /health and /profile down. */
async function startApp() {
  const app = { fault: false, url: "", close: async () => {} };
  const server = createServer((req, res) => {
    res.writeHead(app.fault ? 503 : 200, { "content-type": "text/plain" });
    res.end(app.fault ? `${req.url} down` : "ok");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return app;
}

describe("the alert reporter in a real playwright run", () => {
  let rig: Rig;
  let app: Awaited<ReturnType<typeof startApp>>;
  let dir: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    rig = await startRig();
    app = await startApp();
    dir = join(rig.dir, "project");
    await writeProject(dir, { "checks.spec.ts": SPEC });
    env = { ...rig.env, APP_URL: app.url };
  });
  afterEach(async () => {
    await app.close();
    await rig.close();
  });

  test("scheduled: one alert per channel after N failed runs, one resolved notice after K passes", async () => {
    env.SYNTHETIC_RUN_KIND = "scheduled";
    app.fault = true;
    const first = await runPlaywright(dir, env);
    assert.equal(first.code, 1, "tests failed");
    assert.deepEqual(
      rig.counts(),
      { email: 0, slack: 0, sms: 0, pagerduty: 0, webhook: 0 },
      "one bad run is not an outage",
    );

    const second = await runPlaywright(dir, env);
    // Counted the moment the process is gone: the alerts arrived before it exited.
    assert.deepEqual(
      rig.counts(),
      { email: 1, slack: 1, sms: 1, pagerduty: 1, webhook: 1 },
      second.output,
    );
    const mail = rig.email.mails[0];
    assert.match(mail?.subject ?? "", /^\[FIRING:1\] critical local · backend: 1 check failing$/);
    assert.match(
      mail?.text ?? "",
      /✖ backend › \/health answers 200\n {2}tests\/checks\.spec\.ts:6 · tier backend · project api · critical/,
    );
    assert.match(mail?.text ?? "", /GET \/health should answer 200/);
    assert.doesNotMatch(
      mail?.text ?? "",
      /profile answers 200/,
      "inhibited by the failing @root check",
    );

    app.fault = false;
    assert.equal((await runPlaywright(dir, env)).code, 0);
    assert.equal(rig.counts().email, 1, "K=2 passes for a critical check in scheduled runs");
    await runPlaywright(dir, env);
    assert.deepEqual(rig.counts(), { email: 2, slack: 2, sms: 2, pagerduty: 2, webhook: 2 });
    assert.match(rig.email.mails[1]?.subject ?? "", /^\[RESOLVED:1\] local · backend/);
    assert.equal(JSON.parse(rig.pagerduty.received[1]?.body ?? "{}").event_action, "resolve");
  });

  test("flaky is a digest item, never a page", async () => {
    const result = await runPlaywright(dir, {
      ...env,
      RETRIES: "1",
      FLAKY_MARKER: join(dir, "flaky-marker"),
    });
    assert.equal(result.code, 0, result.output);
    // The project policy sends the digest to the first configured of Slack, email.
    assert.deepEqual(
      rig.counts(),
      { email: 0, slack: 1, sms: 0, pagerduty: 0, webhook: 0 },
      result.output,
    );
    const digest = JSON.parse(rig.slack.received[0]?.body ?? "{}");
    assert.match(digest.text, /^\[DIGEST\] local: 1 low-priority item/);
    assert.match(
      JSON.stringify(digest.blocks),
      /search sometimes needs a retry \[local\/backend\] flaky \(passed on retry\)/,
    );
  });

  test("a hanging receiver cannot stall the run beyond the budget", async () => {
    app.fault = true;
    rig.webhook.respond = () => "hang";
    const started = Date.now();
    const result = await runPlaywright(dir, {
      ...env,
      ALERT_DELIVERY_BUDGET_MS: "1000",
      ALERT_ATTEMPT_TIMEOUT_MS: "400",
    });
    const elapsed = Date.now() - started;
    assert.equal(result.code, 1);
    const end = (await rig.journal()).find((e) => e.type === "run.end");
    assert.ok(
      Number(end?.durationMs) < 1_600,
      `alerting took ${end?.durationMs} ms with a 1000 ms budget`,
    );
    assert.ok(elapsed < 15_000, `the whole run took ${elapsed} ms`);
    assert.equal(rig.counts().pagerduty, 1, "the other channels still delivered");
    assert.match(
      rig.email.mails.map((m) => m.subject).join("\n"),
      /local · notifier/,
      "webhook reported broken",
    );
    assert.match(
      result.output,
      /\[alerts\] PROBLEM: critical alert synthetic\/local\/backend was not delivered via webhook/,
    );
  });

  test("a bad alert setting fails an otherwise green run, naming the variable", async () => {
    const result = await runPlaywright(dir, { ...env, ALERT_SMS_TO: "not-a-number" });
    assert.equal(result.code, 1, "green tests, but alerting cannot work");
    assert.match(result.output, /ALERT_SMS_TO: must be comma-separated E\.164 numbers/);
  });
});
