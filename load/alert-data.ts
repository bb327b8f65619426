import {
  describeBreach,
  type EndpointVerdict,
  type Metric,
  type RegressionRule,
} from "./verdict.ts";

/**
 * A load run's outcome as plain data for the alert engine: one check per
 * endpoint (passing ones too, so an alert can resolve), each breach with
 * endpoint, metric, measured value, limit, environment and run id. Nothing
 * here carries a URL, key or credential.
 */

export interface LoadBreachData {
  kind: "sla" | "regression";
  env: string;
  runId: string;
  scenario: string;
  endpoint: string;
  metric: Metric;
  /** ms for p50/p95/p99, a fraction for errorRate, per second for throughput. */
  measured: number;
  limit: number;
  unit: "ms" | "ratio" | "per-second";
  message: string;
}

export interface LoadCheckData {
  env: string;
  runId: string;
  scenario: string;
  endpoint: string;
  /** Stable per environment and endpoint: the alert's identity, never the run id. */
  checkId: string;
  passed: boolean;
  breaches: LoadBreachData[];
}

const UNIT: Record<Metric, LoadBreachData["unit"]> = {
  p50: "ms",
  p95: "ms",
  p99: "ms",
  errorRate: "ratio",
  throughput: "per-second",
};

export function loadAlertData(
  verdicts: readonly EndpointVerdict[],
  run: { env: string; runId: string; rule: RegressionRule },
): LoadCheckData[] {
  return verdicts.map(({ stats, breaches }) => ({
    env: run.env,
    runId: run.runId,
    scenario: stats.scenario,
    endpoint: stats.endpoint,
    checkId: `load/${stats.scenario}/${stats.endpoint}`,
    passed: breaches.length === 0,
    breaches: breaches.map((breach) => ({
      kind: breach.kind,
      env: run.env,
      runId: run.runId,
      scenario: breach.scenario,
      endpoint: breach.endpoint,
      metric: breach.metric,
      measured: breach.measured,
      limit: breach.limit,
      unit: UNIT[breach.metric],
      message: describeBreach(breach, run.rule),
    })),
  }));
}
