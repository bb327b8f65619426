import { mkdir } from "node:fs/promises";
import path from "node:path";
import junit from "junit-report-builder";
import { endpointCheckTitle, scenarioPath } from "./catalog.ts";
import type { LoadRun } from "./run.ts";
import type { SkippedEndpoint } from "./table.ts";
import { describeBreach, type EndpointVerdict, type RegressionRule } from "./verdict.ts";

/**
 * The run as JUnit XML for CI test views, the way the suite's junit.xml
 * reads: one test suite per scenario, one test case per endpoint (named as
 * its alert is), failed with every breach; a scenario that produced no
 * trustworthy numbers is an error; one the app does not have is skipped,
 * its reason in the test case's output.
 */
export async function writeLoadJunit(
  file: string,
  run: LoadRun,
  verdicts: readonly EndpointVerdict[],
  rule: RegressionRule,
  skipped: readonly SkippedEndpoint[] = [],
): Promise<void> {
  const report = junit.newBuilder().name(`load ${run.env} ${run.runId}`);
  const seconds = (run.stoppedAt.getTime() - run.startedAt.getTime()) / 1000;
  const suiteOf = (name: string) =>
    report
      .testSuite()
      .name(`load: ${name}`)
      .timestamp(run.startedAt)
      .time(seconds)
      .property("environment", run.env)
      .property("runId", run.runId);
  for (const scenario of run.scenarios) {
    const name = scenario.plan.scenario;
    const suite = suiteOf(name);
    if (scenario.problem) {
      suite
        .testCase()
        .className(`load.${name}`)
        .name(`${name} scenario run`)
        .file(scenarioPath(name))
        .error(scenario.problem, "no trustworthy numbers");
    }
    for (const { stats, breaches } of verdicts.filter((v) => v.stats.scenario === name)) {
      const testCase = suite
        .testCase()
        .className(`load.${name}`)
        .name(endpointCheckTitle(stats.endpoint))
        .file(scenarioPath(name))
        .time(seconds)
        .property("requests", String(stats.requests))
        .property("errorRate", String(stats.errorRate))
        .property("throughputRps", String(stats.throughputRps));
      for (const [metric, value] of [
        ["p50Ms", stats.p50Ms],
        ["p95Ms", stats.p95Ms],
        ["p99Ms", stats.p99Ms],
      ] as const) {
        if (value !== undefined) testCase.property(metric, String(value));
      }
      if (breaches.length > 0) {
        const kinds = new Set(
          breaches.map((b) => (b.kind === "sla" ? "SLA breach" : "regression")),
        );
        testCase.failure(
          breaches.map((breach) => describeBreach(breach, rule)).join("\n"),
          [...kinds].join(", "),
        );
      }
    }
  }
  for (const name of new Set(skipped.map((s) => s.scenario))) {
    const suite = suiteOf(name);
    for (const { endpoint, reason } of skipped.filter((s) => s.scenario === name)) {
      suite
        .testCase()
        .className(`load.${name}`)
        .name(endpointCheckTitle(endpoint))
        .file(scenarioPath(name))
        .skipped()
        .standardOutput(`skipped: ${reason}`);
    }
  }
  await mkdir(path.dirname(file), { recursive: true });
  report.writeTo(file);
}
