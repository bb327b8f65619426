import { createHash, randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type {
  Attachment,
  Label,
  Parameter,
  Stage,
  Status,
  StepResult,
  TestResult,
} from "allure-js-commons";
import { LOAD_PROJECT, LOAD_TIER } from "../contract/vocabulary.ts";
import { scenarioPath } from "./catalog.ts";
import type { SkippedScenario } from "./needs.ts";
import type { ScenarioResult } from "./run.ts";
import {
  describeBreach,
  type EndpointVerdict,
  formatValue,
  type RegressionRule,
} from "./verdict.ts";

/**
 * One Allure result per scenario file (Allure's `<uuid>-result.json`), with
 * its numbers as a CSV attachment, so load runs sit in the same report as the
 * Playwright journeys: epic "performance", feature = scenario, suite "load".
 * A scenario the app does not have is a skipped result with the reason, as
 * the suite's not-applicable checks are: a gap in its history has a reason.
 */

/** Allure's model with its enums as the strings they serialise to. */
type AllureStep = Omit<StepResult, "status" | "stage" | "steps"> & {
  status: `${Status}`;
  stage: `${Stage}`;
  steps: AllureStep[];
};
export type AllureResult = Omit<TestResult, "status" | "stage" | "steps"> & {
  status: `${Status}`;
  stage: `${Stage}`;
  steps: AllureStep[];
};

const CSV_HEADER = [
  "endpoint",
  "requests",
  "failed",
  "error_rate",
  "throughput_rps",
  "p50_ms",
  "p95_ms",
  "p99_ms",
  "sla_p95_ms",
  "sla_p99_ms",
  "sla_max_error_rate",
  "sla_min_throughput_rps",
  "baseline_p50_ms",
  "baseline_p95_ms",
  "baseline_p99_ms",
  "baseline_error_rate",
  "breaches",
];

export function numbersCsv(verdicts: readonly EndpointVerdict[]): string {
  const cell = (value: number | string | undefined) =>
    value === undefined ? "" : typeof value === "number" ? String(round(value)) : value;
  const rows = verdicts.map(({ stats, sla, baseline, breaches }) =>
    [
      stats.endpoint,
      stats.requests,
      stats.failed,
      stats.errorRate,
      stats.throughputRps,
      stats.p50Ms,
      stats.p95Ms,
      stats.p99Ms,
      sla.p95Ms,
      sla.p99Ms,
      sla.maxErrorRate,
      sla.minThroughputRps,
      baseline?.p50Ms,
      baseline?.p95Ms,
      baseline?.p99Ms,
      baseline?.errorRate,
      breaches.map((b) => `${b.kind}:${b.metric}`).join(" "),
    ]
      .map(cell)
      .join(","),
  );
  return `${[CSV_HEADER.join(","), ...rows].join("\n")}\n`;
}

export interface AllureRunInfo {
  env: string;
  runId: string;
  rule: RegressionRule;
}

export function scenarioTestResult(
  scenario: ScenarioResult,
  verdicts: readonly EndpointVerdict[],
  run: AllureRunInfo,
  uuid: string,
  attachmentSource: string,
): AllureResult {
  const { plan, artillery } = scenario;
  const breaches = verdicts.flatMap((v) => v.breaches.map((b) => describeBreach(b, run.rule)));
  const status: AllureResult["status"] = scenario.problem
    ? "broken"
    : breaches.length > 0
      ? "failed"
      : "passed";
  const parameters: Parameter[] = [
    { name: "environment", value: run.env },
    { name: "rate", value: `${plan.ratePerSecond}/s` },
    { name: "duration", value: `${plan.durationSeconds} s` },
    { name: "run id", value: run.runId, excluded: true },
  ];
  const steps: AllureStep[] = verdicts.map(({ stats, sla, breaches: found }) => ({
    name: stepName(stats, sla),
    status: found.length > 0 ? "failed" : "passed",
    statusDetails:
      found.length > 0 ? { message: found.map((b) => describeBreach(b, run.rule)).join("\n") } : {},
    stage: "finished",
    steps: [],
    attachments: [],
    parameters: [],
    start: artillery.startedAt,
    stop: artillery.stoppedAt,
  }));
  const attachment: Attachment = {
    name: "load numbers",
    type: "text/csv",
    source: attachmentSource,
  };
  return {
    ...identity(plan.scenario, run.env, uuid),
    status,
    statusDetails: {
      message: scenario.problem ?? (breaches.join("\n") || undefined),
    },
    description: `Artillery ${scenarioPath(plan.scenario)} at ${plan.ratePerSecond}/s for ${plan.durationSeconds} s against ${run.env}; limits from load/sla.json.`,
    steps,
    attachments: [attachment],
    parameters,
    start: artillery.startedAt,
    stop: artillery.stoppedAt,
  };
}

export function skippedTestResult(
  skipped: SkippedScenario,
  run: Pick<AllureRunInfo, "env" | "runId">,
  uuid: string,
  at: number,
): AllureResult {
  return {
    ...identity(skipped.scenario, run.env, uuid),
    status: "skipped",
    statusDetails: { message: `skipped: ${skipped.reason}` },
    description: `Artillery ${scenarioPath(skipped.scenario)} was not run against ${run.env}: ${skipped.reason}.`,
    steps: [],
    attachments: [],
    parameters: [
      { name: "environment", value: run.env },
      { name: "run id", value: run.runId, excluded: true },
    ],
    start: at,
    stop: at,
  };
}

/** What names a scenario's result across runs, whether it ran or was skipped. */
function identity(scenario: string, env: string, uuid: string) {
  const fullName = scenarioPath(scenario);
  const labels: Label[] = [
    { name: "epic", value: LOAD_TIER },
    { name: "feature", value: scenario },
    { name: "suite", value: LOAD_PROJECT },
    { name: "tag", value: "load" },
    { name: "framework", value: "artillery" },
    { name: "language", value: "javascript" },
  ];
  return {
    uuid,
    name: `load: ${scenario}`,
    fullName,
    testCaseId: md5(fullName),
    historyId: md5(`${fullName}|${env}`),
    stage: "finished" as const,
    labels,
    links: [],
  };
}

/** Writes the result and its attachment; returns the result file. */
export async function writeScenarioResult(
  dir: string,
  scenario: ScenarioResult,
  verdicts: readonly EndpointVerdict[],
  run: AllureRunInfo,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const uuid = randomUUID();
  const attachmentSource = `${uuid}-attachment.csv`;
  await writeFile(path.join(dir, attachmentSource), numbersCsv(verdicts));
  return writeResult(dir, scenarioTestResult(scenario, verdicts, run, uuid, attachmentSource));
}

/** Writes a skipped scenario's result; returns the result file. */
export async function writeSkippedResult(
  dir: string,
  skipped: SkippedScenario,
  run: Pick<AllureRunInfo, "env" | "runId">,
  at: Date,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  return writeResult(dir, skippedTestResult(skipped, run, randomUUID(), at.getTime()));
}

async function writeResult(dir: string, result: AllureResult): Promise<string> {
  const file = path.join(dir, `${result.uuid}-result.json`);
  await writeFile(file, JSON.stringify(result));
  return file;
}

function stepName(stats: EndpointVerdict["stats"], sla: EndpointVerdict["sla"]): string {
  const ms = (value: number | undefined) => (value === undefined ? "-" : `${Math.round(value)} ms`);
  return [
    `${stats.endpoint}: ${stats.requests} requests`,
    `p50 ${ms(stats.p50Ms)}`,
    `p95 ${ms(stats.p95Ms)} (max ${sla.p95Ms})`,
    `p99 ${ms(stats.p99Ms)} (max ${sla.p99Ms})`,
    `errors ${formatValue("errorRate", stats.errorRate)} (max ${formatValue("errorRate", sla.maxErrorRate)})`,
    `${formatValue("throughput", stats.throughputRps)} (min ${sla.minThroughputRps}/s)`,
  ].join(", ");
}

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
