import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { loadAppProfile } from "../../contract/load.ts";
import type { AppProfile } from "../../contract/profile.ts";
import type { TargetConfig } from "../../target/config.ts";
import type { AllureResult } from "../allure.ts";
import { APP_PATHS_VAR, appPaths, readAppPaths, requirePath } from "../app-paths.ts";
import { SCENARIO_DIR } from "../artillery.ts";
import { scenarioFiles } from "../catalog.ts";
import { applicableScenarios, skipReason } from "../needs.ts";
import { concludeRun } from "../outcome.ts";
import { planScenario, readProfile } from "../profile.ts";
import { artilleryEnv, type LoadRun, runLoad, type ScenarioResult } from "../run.ts";
import type { LoadSettings } from "../settings.ts";
import { readSla } from "../sla.ts";
import { endpointStats } from "../stats.ts";

// Scenarios the app does not have are skipped with their reason, decided
// from the profile and the target, and reported as skipped: never run,
// never failed, never silently dropped.

const NO_BACKEND = "no backend configured (BACKEND_URL is unset)";
const sla = readSla();
const profile = readProfile();
let reference: AppProfile;

// Nothing listens on port 9 (discard): a request the code should not send fails at once.
const target: TargetConfig = {
  env: "local",
  frontendUrl: "http://127.0.0.1:9",
  backendUrl: undefined,
  supabaseUrl: "http://127.0.0.1:9",
  anonKey: "anon",
  serviceRoleKey: "service",
  dbUrl: undefined,
  emailDomain: "example.com",
  emailPrefix: "synthetic",
  vercelBypass: undefined,
  jwtSecret: undefined,
  runId: "skip1test",
  runKind: "acceptance",
  readOnly: false,
};

before(async () => {
  reference = await loadAppProfile({});
});

describe("which scenarios apply", () => {
  test("without a backend, the backend's scenarios are skipped and the rest run", () => {
    const { run, skipped } = applicableScenarios(scenarioFiles(), reference, undefined);
    assert.deepEqual(run, ["frontend", "supabase-token"]);
    assert.deepEqual(skipped, [
      { scenario: "health", reason: NO_BACKEND },
      { scenario: "login", reason: NO_BACKEND },
      { scenario: "register", reason: NO_BACKEND },
    ]);
    assert.equal(
      skipReason("health", { backend: undefined }, "http://127.0.0.1:8080"),
      "no backend configured (the app profile declares none)",
    );
  });

  test("a backend without sign-up and sign-in endpoints runs health only", () => {
    const { run, skipped } = applicableScenarios(
      scenarioFiles(),
      { backend: { health: "/health" } },
      "http://127.0.0.1:8080",
    );
    assert.deepEqual(run, ["frontend", "health", "supabase-token"]);
    assert.deepEqual(skipped, [
      {
        scenario: "login",
        reason: "the app profile declares no backend sign-in endpoint (backend.login)",
      },
      {
        scenario: "register",
        reason: "the app profile declares no backend sign-up endpoint (backend.register)",
      },
    ]);
  });

  test("the reference app with its backend runs every scenario", () => {
    const { run, skipped } = applicableScenarios(scenarioFiles(), reference, "http://x.test");
    assert.deepEqual([run, skipped], [scenarioFiles(), []]);
  });

  test("exactly the scenario files that target BACKEND_URL need a backend", () => {
    for (const scenario of scenarioFiles()) {
      const file = readFileSync(path.join(SCENARIO_DIR, `${scenario}.yml`), "utf8");
      const targetsBackend = file.includes("$env.BACKEND_URL");
      assert.equal(
        skipReason(scenario, reference, undefined) !== undefined,
        targetsBackend,
        `load/scenarios/${scenario}.yml ${targetsBackend ? "targets" : "does not target"} BACKEND_URL`,
      );
    }
  });
});

describe("what Artillery is told", () => {
  test("no BACKEND_URL without a backend; the profile's paths in one variable", () => {
    const env = artilleryEnv(target, appPaths({ ...reference, backend: undefined }), []);
    assert.equal("BACKEND_URL" in env, false);
    const paths = readAppPaths(env);
    assert.deepEqual(paths, {
      pages: ["/", "/register", "/login", "/dashboard"],
      nameKey: "full_name",
    });
    assert.throws(
      () => requirePath(paths, "login"),
      /LOAD_APP_PATHS has no login path: the app profile declares no backend login/,
    );
    assert.throws(() => readAppPaths({}), new RegExp(`${APP_PATHS_VAR} is unset`));
    const full = readAppPaths(
      artilleryEnv({ ...target, backendUrl: "http://127.0.0.1:8080" }, appPaths(reference), []),
    );
    assert.deepEqual(
      [full.health, full.login, full.register],
      ["/health", "/api/auth/login", "/api/auth/register"],
    );
  });
});

describe("a run with skipped scenarios", () => {
  let dir: string;
  let settings: LoadSettings;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "load-skip-"));
    process.env.ALLURE_RESULTS_DIR = path.join(dir, "allure");
    settings = {
      allowRemote: false,
      scenarios: ["frontend", "health", "login", "register"],
      durationSeconds: 10,
      rateFactor: 1,
      regressionRatio: undefined,
      resultsDir: path.join(dir, "results"),
      baselineDir: path.join(dir, "baselines"),
    };
  });
  /** The run's verdict and reports, and what it printed. */
  async function conclude(run: LoadRun): Promise<{ code: number; out: string }> {
    const said: string[] = [];
    const code = await concludeRun(run, {
      target,
      settings,
      sla,
      recordBaseline: false,
      say: (line) => said.push(line),
    });
    return { code, out: said.join("\n") };
  }
  after(async () => {
    delete process.env.ALLURE_RESULTS_DIR;
    await rm(dir, { recursive: true, force: true });
  });

  test("only skipped scenarios: nothing is sent, no user made, exit 0", async () => {
    const lines: string[] = [];
    const run = await runLoad({
      target,
      app: reference,
      settings: { ...settings, scenarios: ["health", "register"] },
      sla,
      profile,
      log: (line) => lines.push(line),
    });
    assert.deepEqual(run.scenarios, []);
    assert.deepEqual(
      run.skipped.map((s) => s.scenario),
      ["health", "register"],
    );
    assert.deepEqual(lines, [`Skipped health: ${NO_BACKEND}.`, `Skipped register: ${NO_BACKEND}.`]);
    const { code, out } = await conclude(run);
    assert.equal(code, 0, out);
    assert.match(out, /Nothing measured: every selected scenario was skipped\./);
  });

  test("the table, summary, JUnit and Allure say skipped with the reason; the run passes", async () => {
    const plan = planScenario(profile, "frontend", {
      durationSeconds: 10,
      rateFactor: 1,
      alone: true,
    });
    const report = {
      aggregate: {
        counters: {
          "load.requests.frontend.page": 40,
          "load.failed.frontend.page": 0,
          "load.requests.frontend.asset": 40,
          "load.failed.frontend.asset": 0,
        },
        summaries: {
          "plugins.metrics-by-endpoint.response_time.frontend.page": { p50: 3, p95: 8, p99: 9 },
          "plugins.metrics-by-endpoint.response_time.frontend.asset": { p50: 2, p95: 5, p99: 6 },
        },
      },
    };
    const frontend: ScenarioResult = {
      plan,
      artillery: {
        scenario: "frontend",
        exitCode: 0,
        timedOut: false,
        report,
        reportFile: path.join(dir, "frontend.json"),
        ensure: { passed: [], failed: [] },
        outputTail: "",
        startedAt: Date.now() - 10_000,
        phaseStarts: [],
        stoppedAt: Date.now(),
      },
      stats: ["frontend.page", "frontend.asset"].map((e) =>
        endpointStats(report, e, "frontend", plan),
      ),
      problem: undefined,
    };
    const run = {
      runId: "skip2test",
      env: "local",
      startedAt: new Date(Date.now() - 10_000),
      stoppedAt: new Date(),
      scenarios: [frontend],
      skipped: ["health", "login", "register"].map((scenario) => ({
        scenario,
        reason: NO_BACKEND,
      })),
      cleanupProblems: [],
      warnings: [],
    };
    const { code, out } = await conclude(run);
    assert.equal(code, 0, out);
    for (const endpoint of ["backend.health", "backend.login", "backend.register"])
      assert.match(
        out,
        new RegExp(
          `^${endpoint.replace(".", "\\.")}\\s+-.*skipped: ${NO_BACKEND.replace(/[()]/g, "\\$&")}$`,
          "m",
        ),
      );
    assert.match(out, /^frontend\.page\s+40\s.*\sok$/m);
    assert.match(
      out,
      /Load run passed the SLA \(skipped as not applicable: health, login, register\)\./,
    );

    const summary = JSON.parse(
      await readFile(path.join(settings.resultsDir, "skip2test", "summary.json"), "utf8"),
    );
    assert.deepEqual(
      summary.skipped.map((s: { endpoint: string }) => s.endpoint),
      ["backend.health", "backend.login", "backend.register"],
    );
    assert.deepEqual(
      summary.checks.map((c: { endpoint: string }) => c.endpoint),
      ["frontend.page", "frontend.asset"],
      "a skipped endpoint is no check: its alert neither fires nor resolves",
    );

    const xml = await readFile(path.join(settings.resultsDir, "junit.xml"), "utf8");
    assert.equal(xml.match(/<testsuite /g)?.length, 4, xml);
    assert.equal(xml.match(/<skipped\/>/g)?.length, 3, xml);
    assert.match(
      xml,
      /<testcase classname="load\.login" name="backend\.login under load"[^>]*>\s*<skipped\/>\s*<system-out>\s*<!\[CDATA\[skipped: no backend configured/,
    );

    const allureDir = path.join(dir, "allure");
    const results = await Promise.all(
      (await readdir(allureDir))
        .filter((f) => f.endsWith("-result.json"))
        .map(
          async (f) => JSON.parse(await readFile(path.join(allureDir, f), "utf8")) as AllureResult,
        ),
    );
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    assert.equal(byName["load: frontend"]?.status, "passed");
    for (const scenario of ["health", "login", "register"]) {
      const result = byName[`load: ${scenario}`];
      assert.equal(result?.status, "skipped");
      assert.equal(result?.statusDetails.message, `skipped: ${NO_BACKEND}`);
      assert.equal(result?.fullName, `load/scenarios/${scenario}.yml`);
    }
  });
});
