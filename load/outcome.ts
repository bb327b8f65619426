import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { resultsDir as allureResultsDir } from "../allure/paths.ts";
import type { TargetConfig } from "../target/config.ts";
import { type LoadCheckData, loadAlertData } from "./alert-data.ts";
import { alertLoadRun, type LoadAlerting } from "./alerting.ts";
import { writeScenarioResult, writeSkippedResult } from "./allure.ts";
import {
  baselineEntry,
  baselineFile,
  mergeBaseline,
  readBaseline,
  writeBaseline,
} from "./baseline.ts";
import { writeLoadJunit } from "./junit.ts";
import type { LoadRun } from "./run.ts";
import type { LoadSettings } from "./settings.ts";
import { endpointsOfScenario, type Sla } from "./sla.ts";
import { type SkippedEndpoint, verdictTable } from "./table.ts";
import { describeBreach, type EndpointVerdict, judge, type RegressionRule } from "./verdict.ts";

/**
 * After the run: the verdict (SLA, and the baseline unless recording one),
 * the table, Allure results, the summary file, the alerts (not when
 * recording a baseline), and the exit code: 0 pass, 1 breach, regression or
 * undeliverable alert, 3 no trustworthy numbers. Skipped scenarios (the app
 * does not have them) are reported as skipped everywhere and fail nothing.
 */

export interface ConcludeOptions {
  target: TargetConfig;
  settings: LoadSettings;
  sla: Sla;
  recordBaseline: boolean;
  /** Where breaches go as alerts; without it the run only reports. */
  alerting?: LoadAlerting;
  say: (line: string) => void;
}

export async function concludeRun(run: LoadRun, options: ConcludeOptions): Promise<number> {
  const { target, settings, sla, say } = options;
  const rule: RegressionRule = {
    ...sla.regression,
    ratio: settings.regressionRatio ?? sla.regression.ratio,
  };
  const recording = options.recordBaseline;
  const file = baselineFile(settings.baselineDir, target.env);
  const baseline = recording ? undefined : await readBaseline(file);
  const stats = run.scenarios.flatMap((scenario) => scenario.stats);
  const verdicts = judge(stats, sla, (endpoint) => baselineEntry(baseline, endpoint), rule);
  const breaches = verdicts.flatMap((verdict) => verdict.breaches);
  const skipped: SkippedEndpoint[] = run.skipped.flatMap(({ scenario, reason }) =>
    endpointsOfScenario(scenario, sla).map((endpoint) => ({ endpoint, scenario, reason })),
  );
  const problems = [
    ...run.scenarios.flatMap((s) => (s.problem ? [`${s.plan.scenario}: ${s.problem}`] : [])),
    ...run.cleanupProblems,
  ];

  say("");
  say(verdictTable(verdicts, skipped));
  say("");
  const measured = run.scenarios.length > 0;
  if (!recording && measured) {
    say(
      baseline
        ? `Baseline: ${path.relative(process.cwd(), file)} (recorded ${baseline.recordedAt}); a percentile regresses past ×${rule.ratio} and +${rule.minDeltaMs} ms, compared from ${rule.minSamples.p50}/${rule.minSamples.p95}/${rule.minSamples.p99} requests for p50/p95/p99`
        : `No baseline for ${target.env} yet: only the SLA was checked (record one with npm run load:baseline).`,
    );
  }
  for (const breach of breaches) say(describeBreach(breach, rule));
  for (const problem of problems) say(`Problem: ${problem}`);
  for (const warning of run.warnings) say(`Warning: ${warning}`);
  for (const scenario of run.scenarios) {
    if (scenario.artillery.ensure.failed.length > 0)
      say(
        `Artillery ensure (${scenario.plan.scenario}): failed ${scenario.artillery.ensure.failed.join("; ")}`,
      );
  }

  const allureDir = allureResultsDir();
  for (const scenario of run.scenarios) {
    const own = verdicts.filter((v) => v.stats.scenario === scenario.plan.scenario);
    await writeScenarioResult(allureDir, scenario, own, {
      env: target.env,
      runId: run.runId,
      rule,
    });
  }
  for (const scenario of run.skipped)
    await writeSkippedResult(allureDir, scenario, run, run.startedAt);
  const checks = loadAlertData(verdicts, { env: run.env, runId: run.runId, rule });
  const summaryFile = await writeSummary(
    run,
    verdicts,
    checks,
    problems,
    skipped,
    settings.resultsDir,
  );
  // One stable path, like the suite's test-results/junit.xml, so CI can pick it up.
  const junitFile = path.join(settings.resultsDir, "junit.xml");
  await writeLoadJunit(junitFile, run, verdicts, rule, skipped);
  const shown = (file: string) => path.relative(process.cwd(), file);
  say(
    `Numbers: ${shown(summaryFile)}; JUnit: ${shown(junitFile)}; Allure results in ${shown(allureDir)}.`,
  );

  if (!measured) {
    say(
      `Nothing measured: every selected scenario was skipped${recording ? ", so no baseline was recorded" : ""}.`,
    );
    return 0;
  }
  if (recording) {
    const slaBreaches = breaches.filter((b) => b.kind === "sla");
    if (slaBreaches.length > 0 || problems.length > 0) {
      say("Baseline not recorded: a baseline must meet the SLA and come from a clean run.");
      return slaBreaches.length > 0 ? 1 : 3;
    }
    const previous = await readBaseline(file).catch(() => undefined);
    const at = { env: target.env, runId: run.runId, durationSeconds: settings.durationSeconds };
    await writeBaseline(file, mergeBaseline(previous, { ...at, at: run.stoppedAt }, stats));
    say(`Baseline recorded: ${path.relative(process.cwd(), file)}.`);
    return 0;
  }
  let alertsDelivered = true;
  if (options.alerting) {
    say("");
    const report = await alertLoadRun(checks, options.alerting, say);
    alertsDelivered = report.ok;
  }
  if (breaches.length > 0) return 1;
  if (problems.length > 0) return 3;
  if (!alertsDelivered) {
    say("Load run passed the SLA, but alerting failed (see above).");
    return 1;
  }
  const passed = baseline ? "passed the SLA and the baseline" : "passed the SLA";
  const notRun = run.skipped.map((s) => s.scenario);
  say(
    `Load run ${passed}${notRun.length > 0 ? ` (skipped as not applicable: ${notRun.join(", ")})` : ""}.`,
  );
  return 0;
}

/** Everything the run decided, as JSON: for CI artifacts and for the alert engine. */
async function writeSummary(
  run: LoadRun,
  verdicts: readonly EndpointVerdict[],
  checks: readonly LoadCheckData[],
  problems: string[],
  skipped: readonly SkippedEndpoint[],
  dir: string,
): Promise<string> {
  const file = path.join(dir, run.runId, "summary.json");
  await mkdir(path.dirname(file), { recursive: true });
  const summary = {
    runId: run.runId,
    env: run.env,
    startedAt: run.startedAt.toISOString(),
    stoppedAt: run.stoppedAt.toISOString(),
    endpoints: verdicts.map(({ stats, breaches }) => ({ ...stats, breaches })),
    skipped,
    checks,
    ensure: Object.fromEntries(run.scenarios.map((s) => [s.plan.scenario, s.artillery.ensure])),
    exitCodes: Object.fromEntries(
      run.scenarios.map((s) => [s.plan.scenario, s.artillery.exitCode]),
    ),
    problems,
    warnings: run.warnings,
  };
  await writeFile(file, `${JSON.stringify(summary, null, 2)}\n`);
  return file;
}
