import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type HttpReceiver, httpReceiver } from "../alerts/test/support/receivers.ts";
import { signRender, signVercel } from "../on-deploy/signatures.ts";
import { platformApi } from "../on-deploy/test/support/platform-api.ts";
import { type ProcessResult, runProcess, startProcess } from "../scripts/process.ts";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";

// `npm run on-deploy` as users run it (node on-deploy/cli.ts), against the
// reference stack as a configured target and a loopback stand-in for Vercel's
// API and GitHub's statuses. The suite is narrowed to the backend's root
// check and the frontend's secrets scan: a few seconds a run, and the frontend
// is really fetched at the deployment's URL.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NARROW = [
  "--",
  "--project=api",
  "--project=security",
  "--grep=@root|frontend ships no secrets",
  "--retries=0",
];
const READY_ID = "dpl_4Hq8WzReadyXk2mNvY7cE";
const BUILDING_ID = "dpl_9TgB2kBuildingWx5sLqJ6hD";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const VERCEL_TOKEN = "vercel-token-never-printed";
const GITHUB_TOKEN = "ghp_github-token-never-printed";
const VERCEL_WEBHOOK_SECRET = "vercel-webhook-secret-e2e";
const RENDER_WEBHOOK_SECRET = `whsec_${Buffer.from("render-webhook-secret-e2e-key").toString("base64")}`;
const RENDER_SERVICE_ID = "srv-d0e2eondeploy00000";

interface Listening {
  child: ReturnType<typeof startProcess>["child"];
  log(): string;
  /** Resolves once the log satisfies `done`; rejects after `timeoutMs` with the log. */
  waitUntil(done: (log: string) => boolean, timeoutMs: number): Promise<string>;
  exited: Promise<number | null>;
}

/** The process environment without any target, platform or on-deploy variable of the developer's. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(FRONTEND|BACKEND|SUPABASE|SYNTHETIC|VERCEL|RENDER|GITHUB|ON_DEPLOY|STACK|ALERT)_/.test(
          key,
        ),
    ),
  );
}

describe("npm run on-deploy against the reference stack", () => {
  let stack: RunningStack;
  let api: HttpReceiver;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    [stack, api, dir] = await Promise.all([
      bootStack({ ports: FREE_PORTS, envFile: false }),
      httpReceiver(() => ({ status: 500 })),
      mkdtemp(path.join(tmpdir(), "on-deploy-")),
    ]);
    const frontendHost = new URL(stack.urls.frontend).host;
    api.respond = platformApi([
      { id: READY_ID, url: frontendHost, readyState: "READY", sha: SHA },
      { id: BUILDING_ID, url: "shop-git-next-acme.vercel.app", readyState: "BUILDING" },
    ]);
    env = {
      ...stack.env,
      SYNTHETIC_ENV: "local",
      // Nothing answers here: a passing run proves the suite was pointed at the deployment instead.
      FRONTEND_URL: "http://127.0.0.1:9",
      VERCEL_API_URL: api.url,
      VERCEL_TOKEN,
      VERCEL_PROJECT_ID: "prj_OnDeployE2eProject",
      GITHUB_API_URL: api.url,
      GITHUB_TOKEN,
      GITHUB_REPOSITORY: "acme/shop",
      ON_DEPLOY_DIR: path.join(dir, "on-deploy"),
      ALERT_STATE_PATH: path.join(dir, "alerts", "state.json"),
      ALERT_JOURNAL_PATH: path.join(dir, "alerts", "journal.jsonl"),
      SYNTHETIC_EMAIL_BUDGET_PATH: path.join(dir, "alerts", "email-budget.json"),
      PLAYWRIGHT_JUNIT_OUTPUT_FILE: path.join(dir, "junit.xml"),
      PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(dir, "playwright-report"),
      ALLURE_RESULTS_DIR: path.join(dir, "allure-results"),
    };
  });
  after(async () => {
    await Promise.all([stack?.stop(), api?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const runEnv = (extra: Record<string, string>) => ({
    ...cleanEnv(),
    ...env,
    ...extra,
    CI: "",
    FORCE_COLOR: "0",
  });
  const onDeploy = (args: string[], extra: Record<string, string> = {}): Promise<ProcessResult> =>
    runProcess(process.execPath, ["--import", "tsx", "on-deploy/cli.ts", ...args], {
      cwd: ROOT,
      env: runEnv(extra),
    });

  /** The receiver as a child process, its log collected and waited on. */
  const startListening = (args: string[], extra: Record<string, string>): Listening => {
    let text = "";
    const listeners = new Set<() => void>();
    const started = startProcess(
      process.execPath,
      ["--import", "tsx", "on-deploy/cli.ts", ...args],
      {
        cwd: ROOT,
        env: runEnv(extra),
        onOutput: (chunk) => {
          text += chunk;
          for (const listener of listeners) listener();
        },
      },
    );
    const exited = started.done.then((result) => result.code);
    return {
      child: started.child,
      log: () => text,
      exited,
      waitUntil: (done, timeoutMs) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            listeners.delete(check);
            reject(
              new Error(
                `the receiver's log never got there within ${timeoutMs} ms:\n${text.slice(-4000)}`,
              ),
            );
          }, timeoutMs);
          const check = () => {
            if (!done(text)) return;
            clearTimeout(timer);
            listeners.delete(check);
            resolve(text);
          };
          listeners.add(check);
          void exited.then(check);
          check();
        }),
    };
  };

  describe("--deployment", () => {
    test("a READY deployment by id: the suite runs at its URL, exit 0, GitHub status and Vercel check reported", async () => {
      const seen = api.received.length;
      const result = await onDeploy([
        "--deployment",
        READY_ID,
        "--github-status",
        "--vercel-check",
        ...NARROW,
        `--output=${path.join(dir, "results")}`,
      ]);
      const output = result.stdout + result.stderr;
      assert.equal(result.code, 0, output);
      assert.match(
        output,
        new RegExp(
          `the suite against ${stack.urls.frontend.replace(/\/$/, "")} \\(deployment ${READY_ID}, commit 0123456\\)`,
        ),
      );
      assert.match(
        output,
        /HTML and JavaScript contain no service-role key/,
        "the frontend scan ran",
      );
      assert.match(
        await readFile(path.join(dir, "junit.xml"), "utf8"),
        /<testsuites/,
        "JUnit written where the suite writes it",
      );
      for (const secret of [VERCEL_TOKEN, GITHUB_TOKEN])
        assert.ok(!output.includes(secret), "a token was printed");

      const calls = api.received.slice(seen).map((r) => ({
        path: r.path.split("?")[0],
        body: r.body ? JSON.parse(r.body) : undefined,
      }));
      const statuses = calls
        .filter((c) => c.path === `/repos/acme/shop/statuses/${SHA}`)
        .map((c) => c.body);
      assert.deepEqual(
        statuses.map((s) => [s.state, s.context]),
        [
          ["pending", "synthetic-monitor/acceptance"],
          ["success", "synthetic-monitor/acceptance"],
        ],
      );
      const checks = calls
        .filter((c) => c.path?.startsWith(`/v1/deployments/${READY_ID}/checks`))
        .map((c) => c.body);
      assert.deepEqual(
        checks.map((c) => [c.name ?? null, c.status ?? null, c.conclusion ?? null]),
        [
          ["Synthetic acceptance", null, null],
          [null, "running", null],
          [null, "completed", "succeeded"],
        ],
      );
      const auth = api.received.slice(seen).map((r) => r.headers.authorization);
      assert.ok(auth.includes(`Bearer ${VERCEL_TOKEN}`) && auth.includes(`Bearer ${GITHUB_TOKEN}`));
    });

    test("a deployment still building: exit 2, saying so, and no run", async () => {
      const result = await onDeploy(["--deployment", BUILDING_ID, ...NARROW]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, new RegExp(`deployment ${BUILDING_ID} is BUILDING, not READY`));
      assert.doesNotMatch(result.stdout, /the suite against|passed/);
    });

    test("an unknown deployment: exit 2 naming what to check", async () => {
      const result = await onDeploy(["--deployment", "dpl_NoSuchDeployment1"]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /Vercel found nothing for the deployment.* \(HTTP 404\)/);
    });

    test("an id without Vercel access names the variables; a URL alone is used as is", async () => {
      const noAccess = { VERCEL_TOKEN: "", VERCEL_PROJECT_ID: "" };
      const byId = await onDeploy(["--deployment", READY_ID], noAccess);
      assert.equal(byId.code, 2, byId.stdout + byId.stderr);
      assert.match(byId.stderr, /set VERCEL_TOKEN and VERCEL_PROJECT_ID/);

      const byUrl = await onDeploy(["--deployment", stack.urls.frontend, ...NARROW], noAccess);
      assert.equal(byUrl.code, 0, byUrl.stdout + byUrl.stderr);
      assert.match(
        byUrl.stdout,
        new RegExp(`the suite against ${stack.urls.frontend.replace(/\/$/, "")}\n`),
      );

      const check = await onDeploy(
        ["--deployment", stack.urls.frontend, "--vercel-check"],
        noAccess,
      );
      assert.equal(check.code, 2, "--vercel-check without access is refused before any run");
      assert.match(check.stderr, /--vercel-check needs the Vercel API/);
    });
  });

  test("with no target it boots the reference stack, whose Vercel stand-in knows its production deployment", async () => {
    // stack/src/platforms/ids.ts's VERCEL_PRODUCTION_DEPLOYMENT_ID (not exported through stack/index.ts).
    const production = "dpl_4Hq8WzR3fSt4ckProdXk2mNvY7cE";
    const result = await runProcess(
      process.execPath,
      [
        "--import",
        "tsx",
        "on-deploy/cli.ts",
        "--deployment",
        production,
        "--",
        "--project=api",
        "--grep=@root",
        "--retries=0",
        `--output=${path.join(dir, "own-stack")}`,
      ],
      {
        cwd: ROOT,
        env: {
          ...cleanEnv(),
          ALERT_STATE_PATH: env.ALERT_STATE_PATH,
          ALERT_JOURNAL_PATH: env.ALERT_JOURNAL_PATH,
          SYNTHETIC_EMAIL_BUDGET_PATH: env.SYNTHETIC_EMAIL_BUDGET_PATH,
          PLAYWRIGHT_JUNIT_OUTPUT_FILE: path.join(dir, "own-stack", "junit.xml"),
          PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(dir, "own-stack", "playwright-report"),
          ALLURE_RESULTS_DIR: path.join(dir, "own-stack", "allure-results"),
          CI: "",
          FORCE_COLOR: "0",
        },
      },
    );
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 0, output);
    assert.match(output, /target: the reference stack it booted/);
    assert.match(
      output,
      new RegExp(`the suite against http://127\\.0\\.0\\.1:\\d+ \\(deployment ${production}`),
    );
  });

  describe("--listen", () => {
    test("a signed Vercel delivery runs once (a redelivery is a duplicate), a forged one is refused and journaled, a Render one is verified", async () => {
      const receiver = startListening(["--listen", "--port", "0", ...NARROW], {
        VERCEL_WEBHOOK_SECRET,
        RENDER_WEBHOOK_SECRET,
        RENDER_SERVICE_ID,
        // A Render deploy is tested at the configured target: this one answers.
        FRONTEND_URL: stack.urls.frontend,
      });
      try {
        const listening = /listening on (http:\/\/\S+)/;
        const url = (await receiver.waitUntil((log) => listening.test(log), 20_000)).match(
          listening,
        )?.[1];
        const health = await fetch(`${url}/healthz`);
        assert.equal(health.status, 200);

        const vercelBody = JSON.stringify({
          id: "dlv_e2eVercel1",
          type: "deployment.succeeded",
          createdAt: Date.now(),
          payload: {
            deployment: { id: READY_ID, url: new URL(stack.urls.frontend).host, meta: {} },
            project: { id: "prj_OnDeployE2eProject" },
            target: "production",
          },
        });
        const vercelHeaders = {
          "content-type": "application/json",
          "x-vercel-signature": signVercel(vercelBody, VERCEL_WEBHOOK_SECRET),
        };
        const first = await fetch(`${url}/webhooks/vercel`, {
          method: "POST",
          headers: vercelHeaders,
          body: vercelBody,
        });
        assert.equal(first.status, 202, await first.text());
        const again = await fetch(`${url}/webhooks/vercel`, {
          method: "POST",
          headers: vercelHeaders,
          body: vercelBody,
        });
        assert.equal(again.status, 200);
        assert.equal(((await again.json()) as { verdict: string }).verdict, "duplicate");

        const forged = await fetch(`${url}/webhooks/vercel`, {
          method: "POST",
          headers: {
            ...vercelHeaders,
            "x-vercel-signature": signVercel(vercelBody, "not-the-secret"),
          },
          body: vercelBody.replace("dlv_e2eVercel1", "dlv_e2eForged"),
        });
        assert.equal(forged.status, 401);

        const renderBody = JSON.stringify({
          type: "deploy_ended",
          timestamp: new Date().toISOString(),
          data: {
            id: "evt-e2erender",
            serviceId: RENDER_SERVICE_ID,
            serviceName: "api",
            status: "succeeded",
          },
        });
        const renderId = "msg_e2eRender1";
        const timestamp = Math.floor(Date.now() / 1000);
        const render = await fetch(`${url}/webhooks/render`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "webhook-id": renderId,
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signRender(renderBody, RENDER_WEBHOOK_SECRET, renderId, timestamp),
          },
          body: renderBody,
        });
        assert.equal(render.status, 202, await render.text());

        const journalFile = path.join(env.ON_DEPLOY_DIR ?? "", "deliveries.jsonl");
        // Both runs, one after the other.
        await receiver.waitUntil(
          (log) => (log.match(/run \w+ \(\w+ delivery \S+\): \w+ \(exit \d+\)/g) ?? []).length >= 2,
          60_000,
        );
        const lines = (await readFile(journalFile, "utf8"))
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line));
        const deliveries = lines
          .filter((l) => l.kind === "delivery")
          .map((l) => [l.platform, l.deliveryId, l.verdict]);
        assert.deepEqual(deliveries, [
          ["vercel", "dlv_e2eVercel1", "queued"],
          ["vercel", "dlv_e2eVercel1", "duplicate"],
          ["vercel", "dlv_e2eForged", "unauthorized"],
          ["render", renderId, "queued"],
        ]);
        const finished = lines.filter((l) => l.kind === "run" && l.phase === "finished");
        assert.deepEqual(
          finished.map((l) => [l.platform, l.deliveryId, l.result, l.exitCode]),
          [
            ["vercel", "dlv_e2eVercel1", "passed", 0],
            ["render", renderId, "passed", 0],
          ],
        );
        assert.equal(finished[0].frontendUrl, stack.urls.frontend.replace(/\/$/, ""));
        const journalText = await readFile(journalFile, "utf8");
        for (const secret of [
          VERCEL_WEBHOOK_SECRET,
          vercelHeaders["x-vercel-signature"],
          "evt-e2erender",
        ])
          assert.ok(
            !journalText.includes(secret),
            "the journal holds a secret, a signature or a body",
          );

        // A stop during a run abandons it: interrupted (Playwright tears down), journaled, said.
        const third = vercelBody.replaceAll("dlv_e2eVercel1", "dlv_e2eVercel3");
        const queued = await fetch(`${url}/webhooks/vercel`, {
          method: "POST",
          headers: {
            ...vercelHeaders,
            "x-vercel-signature": signVercel(third, VERCEL_WEBHOOK_SECRET),
          },
          body: third,
        });
        assert.equal(queued.status, 202);
        await receiver.waitUntil(
          (log) => (log.match(/: the suite against/g) ?? []).length >= 3,
          20_000,
        );
        receiver.child.kill("SIGTERM");
        assert.equal(await receiver.exited, 0, receiver.log());
        assert.match(receiver.log(), /SIGTERM: stopping; a run in progress is abandoned/);
        assert.match(receiver.log(), /stopped: run \w+ interrupted/);
        const last = JSON.parse(
          (await readFile(journalFile, "utf8")).trim().split("\n").at(-1) ?? "{}",
        );
        assert.deepEqual(
          [last.deliveryId, last.phase, last.result],
          ["dlv_e2eVercel3", "finished", "interrupted"],
        );
      } finally {
        receiver.child.kill("SIGKILL");
      }
    });
  });
});
