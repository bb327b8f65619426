import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { linkedAssets } from "../../journeys/frontend.ts";
import { ConfigError } from "../../target/config.ts";
import { loadAlertData } from "../alert-data.ts";
import { numbersCsv } from "../allure.ts";
import { catalogProblems, scenarioFiles } from "../catalog.ts";
import { ensureConditions } from "../overrides.ts";
import { readProfile } from "../profile.ts";
import { assertLoadTargetsAllowed, isLoopbackHost, RemoteTargetRefused } from "../safety.ts";
import { parseLoadSettings } from "../settings.ts";
import { parseSla, readSla, SlaFileError } from "../sla.ts";
import { endpointStats } from "../stats.ts";
import { type BaselineEntry, describeBreach, judge, regressions, slaBreaches } from "../verdict.ts";

const sla = readSla();
const profile = readProfile();
const rule = sla.regression;
const health = sla.endpoints["backend.health"];
if (!health) throw new Error("load/sla.json lost backend.health");

function stats(overrides: Partial<ReturnType<typeof endpointStats>> = {}) {
  return {
    endpoint: "backend.health",
    scenario: "health",
    requests: 50,
    failed: 0,
    errorRate: 0,
    throughputRps: 5,
    offeredRps: 5,
    p50Ms: 4,
    p95Ms: 9,
    p99Ms: 12,
    ...overrides,
  };
}

function configProblems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the settings to be refused");
}

describe("the SLA file", () => {
  test("covers exactly the scenario files, each with a rate in the profile", () => {
    const scenarios = scenarioFiles();
    assert.deepEqual(scenarios, ["frontend", "health", "login", "register", "supabase-token"]);
    assert.deepEqual(catalogProblems(scenarios, sla, profile), []);
  });

  test("a bad SLA is refused naming the field", () => {
    const bad = structuredClone(sla) as Record<string, unknown>;
    const endpoints = bad.endpoints as Record<string, Record<string, unknown>>;
    endpoints["backend.health"] = { ...endpoints["backend.health"], p99Ms: 10, latencyMs: 3 };
    assert.throws(
      () => parseSla(bad),
      (error: Error) =>
        error instanceof SlaFileError &&
        /endpoints\.backend\.health\.p99Ms: p99Ms must not be below p95Ms/.test(error.message) &&
        /latencyMs/.test(error.message),
    );
  });

  test("Artillery's ensure conditions carry every number of the scenario's endpoints", () => {
    const conditions = ensureConditions(sla, "frontend", 7).map((c) => c.expression);
    for (const endpoint of ["frontend.page", "frontend.asset"]) {
      const entry = sla.endpoints[endpoint];
      assert.ok(entry);
      assert.ok(
        conditions.includes(
          `plugins.metrics-by-endpoint.response_time.${endpoint}.p95 <= ${entry.p95Ms}`,
        ),
      );
      assert.ok(
        conditions.includes(
          `plugins.metrics-by-endpoint.response_time.${endpoint}.p99 <= ${entry.p99Ms}`,
        ),
      );
      assert.ok(
        conditions.includes(
          `load.failed.${endpoint} / load.requests.${endpoint} <= ${entry.maxErrorRate}`,
        ),
      );
      assert.ok(
        conditions.includes(
          `(load.requests.${endpoint} - load.failed.${endpoint}) / 7 >= ${entry.minThroughputRps}`,
        ),
      );
    }
    assert.equal(conditions.length, 8);
  });
});

describe("the verdict", () => {
  test("the SLA is met at its limits and breached past them", () => {
    const atLimits = stats({
      p95Ms: health.p95Ms,
      p99Ms: health.p99Ms,
      errorRate: health.maxErrorRate,
      throughputRps: health.minThroughputRps,
    });
    assert.deepEqual(slaBreaches(atLimits, health), []);
    const past = stats({
      p95Ms: health.p95Ms + 1,
      p99Ms: health.p99Ms + 1,
      errorRate: health.maxErrorRate + 0.01,
      throughputRps: health.minThroughputRps - 0.1,
    });
    assert.deepEqual(
      slaBreaches(past, health).map((b) => [b.metric, b.limit]),
      [
        ["p95", health.p95Ms],
        ["p99", health.p99Ms],
        ["errorRate", health.maxErrorRate],
        ["throughput", health.minThroughputRps],
      ],
    );
  });

  test("a few milliseconds more than a tiny baseline is noise, not a regression", () => {
    const many = rule.minSamples.p99;
    const baseline: BaselineEntry = { p50Ms: 2, p95Ms: 4, p99Ms: 6, errorRate: 0, requests: many };
    // Three times slower, yet under the minimum delta.
    assert.deepEqual(
      regressions(stats({ requests: many, p50Ms: 6, p95Ms: 12, p99Ms: 18 }), baseline, rule),
      [],
    );
    const slowed = regressions(
      stats({ requests: many, p50Ms: 300, p95Ms: 320, p99Ms: 330 }),
      baseline,
      rule,
    );
    assert.deepEqual(
      slowed.map((b) => [b.metric, b.limit]),
      [
        ["p50", 2 + rule.minDeltaMs],
        ["p95", 4 + rule.minDeltaMs],
        ["p99", 6 + rule.minDeltaMs],
      ],
    );
  });

  test("a percentile is compared only when both runs had the samples for it", () => {
    const few = rule.minSamples.p95 - 1;
    const baseline: BaselineEntry = { p50Ms: 5, p95Ms: 9, p99Ms: 12, errorRate: 0, requests: few };
    const found = regressions(
      stats({ requests: few, p50Ms: 500, p95Ms: 900, p99Ms: 990 }),
      baseline,
      rule,
    );
    // With fewer requests than minSamples.p95, p95 and p99 are the slowest request or two.
    assert.deepEqual(
      found.map((b) => b.metric),
      ["p50"],
    );
  });

  test("on a slow baseline the ratio decides, and errors regress past the allowed increase", () => {
    const baseline: BaselineEntry = {
      p50Ms: 400,
      p95Ms: 600,
      p99Ms: 800,
      errorRate: 0.001,
      requests: rule.minSamples.p99,
    };
    const found = regressions(
      stats({
        requests: rule.minSamples.p99,
        p50Ms: 401,
        p95Ms: 600 * rule.ratio + 1,
        p99Ms: 800,
        errorRate: 0.5,
      }),
      baseline,
      rule,
    );
    assert.deepEqual(
      found.map((b) => [b.metric, b.limit]),
      [
        ["p95", 600 * rule.ratio],
        ["errorRate", 0.001 + rule.maxErrorRateIncrease],
      ],
    );
  });

  test("each breach names endpoint, metric, measured value and limit", () => {
    const requests = rule.minSamples.p95;
    const [verdict] = judge(
      [stats({ requests, p95Ms: 1204.4, errorRate: 0.5 })],
      sla,
      () => ({ p50Ms: 3, p95Ms: 5, p99Ms: 9, errorRate: 0, requests }),
      rule,
    );
    const lines = (verdict?.breaches ?? []).map((b) => describeBreach(b, rule));
    assert.ok(
      lines.includes(
        `SLA breach: backend.health p95 = 1204 ms, limit ≤ ${health.p95Ms} ms (load/sla.json)`,
      ),
      lines.join("\n"),
    );
    assert.ok(
      lines.includes("SLA breach: backend.health error rate = 50.0%, limit ≤ 1.0% (load/sla.json)"),
    );
    assert.ok(
      lines.includes(
        `Regression: backend.health p95 = 1204 ms, limit ≤ ${5 + rule.minDeltaMs} ms (baseline 5 ms × ${rule.ratio}, at least +${rule.minDeltaMs} ms)`,
      ),
      lines.join("\n"),
    );
  });

  test("alert data is plain, per endpoint, and keyed without the run id", () => {
    const verdicts = judge(
      [stats({ p95Ms: 1500 }), stats({ endpoint: "backend.login", scenario: "login" })],
      sla,
      () => undefined,
      rule,
    );
    const checks = loadAlertData(verdicts, { env: "staging", runId: "r1abc", rule });
    assert.deepEqual(
      checks.map((c) => [c.checkId, c.passed]),
      [
        ["load/health/backend.health", false],
        ["load/login/backend.login", true],
      ],
    );
    assert.deepEqual(checks[0]?.breaches[0], {
      kind: "sla",
      env: "staging",
      runId: "r1abc",
      scenario: "health",
      endpoint: "backend.health",
      metric: "p95",
      measured: 1500,
      limit: health.p95Ms,
      unit: "ms",
      message: `SLA breach: backend.health p95 = 1500 ms, limit ≤ ${health.p95Ms} ms (load/sla.json)`,
    });
    const csv = numbersCsv(verdicts).split("\n");
    assert.match(
      csv[0] ?? "",
      /^endpoint,requests,failed,error_rate,throughput_rps,p50_ms,p95_ms,p99_ms/,
    );
    assert.match(csv[1] ?? "", /^backend\.health,50,0,0,5,4,1500,12,1000,2000,/);
  });

  test("numbers come from Artillery's counters and metrics-by-endpoint's summary", () => {
    const report = {
      aggregate: {
        counters: { "load.requests.backend.login": 10, "load.failed.backend.login": 2 },
        summaries: {
          "plugins.metrics-by-endpoint.response_time.backend.login": {
            p50: 80,
            p95: 120,
            p99: 150,
          },
        },
      },
    };
    const read = endpointStats(report, "backend.login", "login", {
      durationSeconds: 4,
      ratePerSecond: 2.5,
    });
    assert.equal(read.errorRate, 0.2);
    assert.equal(read.throughputRps, 2);
    assert.deepEqual([read.p50Ms, read.p95Ms, read.p99Ms], [80, 120, 150]);
    const silent = endpointStats(undefined, "backend.login", "login", {
      durationSeconds: 4,
      ratePerSecond: 2.5,
    });
    assert.deepEqual([silent.requests, silent.throughputRps, silent.p95Ms], [0, 0, undefined]);
  });
});

describe("safety switches", () => {
  test("only loopback targets are allowed without LOAD_ALLOW_REMOTE", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "app.localhost", "[::1]"])
      assert.equal(isLoopbackHost(host), true, host);
    for (const host of [
      "10.0.0.1",
      "example.com",
      "localhost.example.com",
      "[::ffff:7f00:1]",
      "0.0.0.0",
    ])
      assert.equal(isLoopbackHost(host), false, host);
    const targets = {
      FRONTEND_URL: "http://127.0.0.1:3000",
      BACKEND_URL: "https://api.example.com",
      SUPABASE_URL: "http://localhost:54321",
    };
    assert.throws(
      () => assertLoadTargetsAllowed(targets, false),
      (error: Error) =>
        error instanceof RemoteTargetRefused &&
        error.message.includes("BACKEND_URL (api.example.com)") &&
        !error.message.includes("FRONTEND_URL") &&
        error.message.includes("LOAD_ALLOW_REMOTE=1"),
    );
    assert.doesNotThrow(() => assertLoadTargetsAllowed(targets, true));
  });

  test("duration and rate are capped by the profile, naming the variable", () => {
    const scenarios = scenarioFiles();
    const { limits } = profile;
    assert.deepEqual(
      configProblems(() =>
        parseLoadSettings(
          { LOAD_DURATION_SECONDS: String(limits.maxDurationSeconds + 1) },
          profile,
          scenarios,
        ),
      ),
      [
        `LOAD_DURATION_SECONDS must be at most ${limits.maxDurationSeconds} (limits.maxDurationSeconds in load/profile.json)`,
      ],
    );
    const fastest = Math.max(...Object.values(profile.ratePerSecond));
    const [rate] = configProblems(() =>
      parseLoadSettings(
        { LOAD_RATE_FACTOR: String((limits.maxRatePerSecond / fastest) * 2) },
        profile,
        scenarios,
      ),
    );
    assert.match(rate ?? "", /^LOAD_RATE_FACTOR would drive .* past 50\/s/);
    assert.match(
      configProblems(() =>
        parseLoadSettings({ LOAD_SCENARIOS: "health,nope" }, profile, scenarios),
      )[0] ?? "",
      /^LOAD_SCENARIOS must list scenarios among/,
    );
    const settings = parseLoadSettings({ LOAD_SCENARIOS: "health" }, profile, scenarios);
    assert.deepEqual(
      [settings.scenarios, settings.durationSeconds, settings.allowRemote],
      [["health"], profile.durationSeconds, false],
    );
  });
});

describe("shared frontend journey", () => {
  test("assets are the page's own scripts, styles and icons, once each", () => {
    const html = `<link rel="icon" href="/assets/icon.1.svg" type="image/svg+xml">
      <link rel="stylesheet" href="/assets/app.2.css">
      <script type="module" src="/assets/app.3.js"></script>
      <script src="https://cdn.example.com/x.js"></script>
      <script type="module" src="/assets/app.3.js"></script>`;
    assert.deepEqual(linkedAssets(html, "http://127.0.0.1:3000/login"), [
      { kind: "script", path: "/assets/app.3.js" },
      { kind: "style", path: "/assets/app.2.css" },
      { kind: "icon", path: "/assets/icon.1.svg" },
    ]);
  });
});
