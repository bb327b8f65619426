import type { EndpointSla, Sla } from "./sla.ts";
import type { EndpointStats } from "./stats.ts";

/**
 * Deciding, apart from measuring and reporting: a run's numbers against the
 * SLA (absolute) and against the environment's baseline (relative).
 */

export type Metric = "p50" | "p95" | "p99" | "errorRate" | "throughput";

export interface Breach {
  kind: "sla" | "regression";
  endpoint: string;
  scenario: string;
  metric: Metric;
  measured: number;
  limit: number;
  /** For regressions: the baseline value the limit came from. */
  baseline?: number;
}

export interface BaselineEntry {
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
  errorRate: number;
  requests: number;
}

export type RegressionRule = Sla["regression"];

const PERCENTILES = [
  ["p50", "p50Ms"],
  ["p95", "p95Ms"],
  ["p99", "p99Ms"],
] as const;

export function slaBreaches(stats: EndpointStats, sla: EndpointSla): Breach[] {
  const breaches: Breach[] = [];
  const at = { endpoint: stats.endpoint, scenario: stats.scenario, kind: "sla" as const };
  if (stats.p95Ms !== undefined && stats.p95Ms > sla.p95Ms)
    breaches.push({ ...at, metric: "p95", measured: stats.p95Ms, limit: sla.p95Ms });
  if (stats.p99Ms !== undefined && stats.p99Ms > sla.p99Ms)
    breaches.push({ ...at, metric: "p99", measured: stats.p99Ms, limit: sla.p99Ms });
  if (stats.errorRate > sla.maxErrorRate)
    breaches.push({
      ...at,
      metric: "errorRate",
      measured: stats.errorRate,
      limit: sla.maxErrorRate,
    });
  if (stats.throughputRps < sla.minThroughputRps)
    breaches.push({
      ...at,
      metric: "throughput",
      measured: stats.throughputRps,
      limit: sla.minThroughputRps,
    });
  return breaches;
}

/**
 * A percentile regresses past baseline × ratio and baseline + minDeltaMs,
 * when both runs had the samples to mean it; errors past baseline + the
 * allowed increase.
 */
export function regressions(
  stats: EndpointStats,
  baseline: BaselineEntry | undefined,
  rule: RegressionRule,
): Breach[] {
  if (!baseline) return [];
  const breaches: Breach[] = [];
  const at = { endpoint: stats.endpoint, scenario: stats.scenario, kind: "regression" as const };
  for (const [metric, field] of PERCENTILES) {
    const measured = stats[field];
    const base = baseline[field];
    if (measured === undefined || base === undefined) continue;
    const needed = rule.minSamples[metric];
    if (stats.requests < needed || baseline.requests < needed) continue;
    const limit = Math.max(base * rule.ratio, base + rule.minDeltaMs);
    if (measured > limit) breaches.push({ ...at, metric, measured, limit, baseline: base });
  }
  const errorLimit = baseline.errorRate + rule.maxErrorRateIncrease;
  if (stats.requests > 0 && stats.errorRate > errorLimit) {
    breaches.push({
      ...at,
      metric: "errorRate",
      measured: stats.errorRate,
      limit: errorLimit,
      baseline: baseline.errorRate,
    });
  }
  return breaches;
}

export function formatValue(metric: Metric, value: number): string {
  if (metric === "errorRate") return `${(value * 100).toFixed(1)}%`;
  if (metric === "throughput") return `${value.toFixed(2)}/s`;
  return `${Math.round(value)} ms`;
}

const LABEL: Record<Metric, string> = {
  p50: "p50",
  p95: "p95",
  p99: "p99",
  errorRate: "error rate",
  throughput: "throughput",
};

/** One line naming endpoint, metric, measured value and limit. */
export function describeBreach(breach: Breach, rule?: RegressionRule): string {
  const { metric } = breach;
  const comparison = metric === "throughput" ? "≥" : "≤";
  const head = `${breach.endpoint} ${LABEL[metric]} = ${formatValue(metric, breach.measured)}, limit ${comparison} ${formatValue(metric, breach.limit)}`;
  if (breach.kind === "sla") return `SLA breach: ${head} (load/sla.json)`;
  const base = formatValue(metric, breach.baseline ?? 0);
  const why =
    metric === "errorRate"
      ? `baseline ${base} + ${formatValue(metric, rule?.maxErrorRateIncrease ?? 0)}`
      : `baseline ${base} × ${rule?.ratio ?? "ratio"}, at least +${rule?.minDeltaMs ?? 0} ms`;
  return `Regression: ${head} (${why})`;
}

export interface EndpointVerdict {
  stats: EndpointStats;
  sla: EndpointSla;
  baseline: BaselineEntry | undefined;
  breaches: Breach[];
}

/** Every endpoint's numbers against the SLA, and against the baseline when there is one. */
export function judge(
  stats: readonly EndpointStats[],
  sla: Sla,
  baselineOf: (endpoint: string) => BaselineEntry | undefined,
  rule: RegressionRule,
): EndpointVerdict[] {
  return stats.map((item) => {
    const entry = sla.endpoints[item.endpoint];
    if (!entry) throw new Error(`load/sla.json has no endpoint named ${item.endpoint}`);
    const baseline = baselineOf(item.endpoint);
    return {
      stats: item,
      sla: entry,
      baseline,
      breaches: [...slaBreaches(item, entry), ...regressions(item, baseline, rule)],
    };
  });
}
