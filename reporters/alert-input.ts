import { dirname, relative, sep } from "node:path";
import type { FullConfig, TestCase, TestResult } from "@playwright/test/reporter";
import { DEGRADED_SUFFIX, TITLE_SEPARATOR } from "../alerts/identity.ts";
import type { CheckResult, Outcome } from "../alerts/types.ts";
import { TAGS, TIER_BY_PROJECT } from "../contract/vocabulary.ts";
import { DIAGNOSIS, SLA_TABLE } from "../fixtures/attachments/names.ts";

const ERROR_CHARS = 4_000;
const OUTCOMES: Record<string, Outcome | undefined> = {
  expected: "passed",
  unexpected: "failed",
  flaky: "flaky",
};

export interface ResultContext {
  config: FullConfig;
  environment: string;
  /** Base URL where CI publishes test artifacts (traces); local paths otherwise. */
  artifactsUrl?: string;
  reportUrl?: string;
}

const posix = (path: string) => path.split(sep).join("/");

/** Paths relative to the config's folder stay the same on every machine, so identities do too. */
function baseDir(config: FullConfig) {
  return config.configFile ? dirname(config.configFile) : config.rootDir;
}

function errorText(result: TestResult): string | undefined {
  const text = result.errors
    .map((error) => error.message ?? error.value ?? "")
    .filter(Boolean)
    .join("\n");
  return text ? text.slice(0, ERROR_CHARS) : undefined;
}

function traceLink(result: TestResult, ctx: ResultContext): string | undefined {
  const trace = result.attachments.find((a) => a.name === "trace" && a.path);
  if (!trace?.path) return undefined;
  if (!ctx.artifactsUrl) return trace.path;
  return new URL(
    posix(relative(baseDir(ctx.config), trace.path)),
    `${ctx.artifactsUrl.replace(/\/?$/, "/")}`,
  ).toString();
}

/** The stable labels of a test: what identifies it across runs and routes its alerts. */
export function labelsOf(test: TestCase, ctx: Pick<ResultContext, "config" | "environment">) {
  const [, project = "", , ...titles] = test.titlePath();
  const file = posix(relative(baseDir(ctx.config), test.location.file));
  const tierAnnotation = test.annotations.find((a) => a.type === "tier" && a.description);
  return {
    environment: ctx.environment,
    project,
    file,
    title: titles.join(TITLE_SEPARATOR),
    tier: tierAnnotation?.description ?? TIER_BY_PROJECT[project]?.epic ?? (project || "default"),
    severity: test.tags.includes(TAGS.critical) ? ("critical" as const) : ("warning" as const),
    tags: [...new Set(test.tags)],
  };
}

/**
 * The final outcome of a test as a check result, or undefined when there is
 * no data: skipped, did not run, or interrupted.
 */
export function checkResultOf(test: TestCase, ctx: ResultContext): CheckResult | undefined {
  const outcome = OUTCOMES[test.outcome()];
  const last = test.results.at(-1);
  if (!outcome || !last || last.status === "interrupted") return undefined;
  const labels = labelsOf(test, ctx);
  // For a flaky test the interesting error is the attempt that failed.
  const telling = outcome === "flaky" ? test.results.find((r) => r.status !== "passed") : last;
  const diagnosis = outcome === "passed" ? undefined : telling && diagnosisOf(telling);
  return {
    labels,
    outcome,
    location: `${labels.file}:${test.location.line}`,
    error: outcome === "passed" || !telling ? undefined : errorText(telling),
    links: {
      trace: telling && outcome !== "passed" ? traceLink(telling, ctx) : undefined,
      report: ctx.reportUrl,
    },
    ...(diagnosis ? { diagnosis } : {}),
  };
}

/** The tier and cause fixtures/diagnosis.ts found for a failed attempt. */
export function diagnosisOf(result: TestResult): string | undefined {
  return result.annotations.find((a) => a.type === DIAGNOSIS && a.description)?.description;
}

/**
 * A check that passed but recorded timings (its `sla` table) has a companion
 * "(degraded)" warning check in scheduled runs: failed while it is over a
 * degraded budget, passed when it is back within, so slowness alerts as a
 * warning after the warning threshold and resolves, and never fails the check.
 */
export function degradedResultOf(test: TestCase, ctx: ResultContext): CheckResult | undefined {
  const last = test.results.at(-1);
  if (test.outcome() !== "expected" || !last) return undefined;
  if (!last.attachments.some((a) => a.name === SLA_TABLE)) return undefined;
  const labels = labelsOf(test, ctx);
  const degraded = [...test.annotations, ...last.annotations].filter((a) => a.type === "degraded");
  return {
    labels: { ...labels, title: `${labels.title}${DEGRADED_SUFFIX}`, severity: "warning" },
    outcome: degraded.length > 0 ? "failed" : "passed",
    location: `${labels.file}:${test.location.line}`,
    error: degraded.length > 0 ? degraded.map((a) => a.description).join("\n") : undefined,
    links: { report: ctx.reportUrl },
  };
}
