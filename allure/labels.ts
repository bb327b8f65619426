import type { Label, StepResult, TestResult } from "allure-js-commons";
import type { LifecycleListener } from "allure-js-commons/sdk/reporter";
import { TAGS, TIER_BY_PROJECT, UNKNOWN_TIER } from "../contract/vocabulary.ts";
import { DIAGNOSIS, PAGE_PROBLEMS } from "../fixtures/attachments/names.ts";

/** Label on failures whose page was itself failing: categories file them as product, not suite, defects. */
export const PAGE_HEALTH_LABEL = { name: "pageHealth", value: "errors on the page" } as const;

/**
 * Allure labels derived from what every test already declares (its project,
 * describe block, title and tags), so specs carry no reporting boilerplate:
 * epic = tier, feature = journey group, story = journey, severity from tags,
 * owner from the tier. A label a test sets itself wins.
 */
export function labelsFor(result: Pick<TestResult, "name" | "labels" | "parameters">): Label[] {
  const project =
    result.parameters.find((parameter) => parameter.name === "Project")?.value ??
    labelValue(result.labels, "parentSuite") ??
    "";
  const tier = TIER_BY_PROJECT[project] ?? UNKNOWN_TIER;
  const tags = result.labels
    .filter((label) => label.name === "tag")
    .map((label) => label.value ?? "");
  const derived: Label[] = [
    { name: "epic", value: tier.epic },
    { name: "feature", value: labelValue(result.labels, "subSuite") ?? result.name ?? "" },
    { name: "story", value: result.name ?? "" },
    { name: "severity", value: severityFor(tags) },
    { name: "owner", value: tier.owner },
  ];
  return derived.filter((label) => labelValue(result.labels, label.name) === undefined);
}

/** @root failing makes the rest noise; @critical pages someone; @smoke is the fast confidence set. */
export function severityFor(tags: string[]): string {
  const has = (tag: string) => tags.some((item) => item.replace(/^@/, "") === tag.slice(1));
  if (has(TAGS.root)) return "blocker";
  if (has(TAGS.critical)) return "critical";
  if (has(TAGS.smoke)) return "normal";
  return "minor";
}

/**
 * A result that passed on a retry is flaky: Playwright only retries after a
 * failure. Allure 3 otherwise only infers flakiness from history.
 */
export function passedOnRetry(result: Pick<TestResult, "status" | "parameters">): boolean {
  const retry = Number(result.parameters.find((parameter) => parameter.name === "Retry")?.value);
  return result.status === "passed" && retry > 0;
}

export const labelsListener: LifecycleListener = {
  beforeTestResultWrite(result) {
    result.labels.push(...labelsFor(result));
    if (hasAttachment(result, PAGE_PROBLEMS)) result.labels.push({ ...PAGE_HEALTH_LABEL });
    // The failure's tier and cause (fixtures/diagnosis.ts) is the first thing its message says.
    const diagnosis = labelValue(result.labels, DIAGNOSIS);
    if (diagnosis && result.statusDetails?.message !== undefined)
      result.statusDetails.message = `⚑ ${diagnosis}\n\n${result.statusDetails.message}`;
    // Allure 3 reads statusDetails.flaky; allure-js-commons' type does not list it yet.
    if (passedOnRetry(result))
      result.statusDetails = Object.assign({}, result.statusDetails, { flaky: true });
  },
};

function labelValue(labels: Label[], name: string): string | undefined {
  return labels.find((label) => label.name === name)?.value;
}

function hasAttachment(
  item: Pick<TestResult | StepResult, "attachments" | "steps">,
  name: string,
): boolean {
  return (
    item.attachments.some((attachment) => attachment.name === name) ||
    item.steps.some((step) => hasAttachment(step, name))
  );
}
