import { failedCounter, latencySummary, requestsCounter } from "./metric-names.ts";
import type { Limits, ScenarioPlan } from "./profile.ts";
import { endpointsOfScenario, type Sla } from "./sla.ts";

/**
 * What `npm run load` lays over load/config.yml + load/scenarios/<name>.yml
 * (Artillery's --overrides): the phase from the profile, inside its caps, and
 * one `ensure` condition per SLA number, so Artillery itself fails a run that
 * breaks the SLA, wherever it runs (locally, on Fargate or Lambda).
 */

export interface EnsureCondition {
  expression: string;
  strict: true;
}

export function ensureConditions(
  sla: Sla,
  scenario: string,
  durationSeconds: number,
): EnsureCondition[] {
  return endpointsOfScenario(scenario, sla).flatMap((endpoint) => {
    const entry = sla.endpoints[endpoint];
    if (!entry) return [];
    const latency = latencySummary(endpoint);
    const requests = requestsCounter(endpoint);
    const failed = failedCounter(endpoint);
    // <= rather than `thresholds` (which test <), so Artillery and the verdict agree at the limit.
    return [
      `${latency}.p95 <= ${entry.p95Ms}`,
      `${latency}.p99 <= ${entry.p99Ms}`,
      `${failed} / ${requests} <= ${entry.maxErrorRate}`,
      `(${requests} - ${failed}) / ${durationSeconds} >= ${entry.minThroughputRps}`,
    ].map((expression) => ({ expression, strict: true as const }));
  });
}

export interface ArtilleryOverrides {
  config: {
    phases: Array<
      | { name: string; pause: number }
      | { name: string; duration: number; arrivalCount: number; maxVusers: number }
    >;
    http: { timeout: number };
    ensure: { conditions: EnsureCondition[] };
    processor?: string;
  };
}

export function artilleryOverrides(
  sla: Sla,
  plan: ScenarioPlan,
  limits: Limits,
  processor?: string,
): ArtilleryOverrides {
  return {
    config: {
      phases: [
        ...(plan.warmupSeconds > 0
          ? [{ name: "wait for the other scenarios to start", pause: plan.warmupSeconds }]
          : []),
        {
          name: `${plan.scenario} at ${plan.ratePerSecond}/s`,
          duration: plan.durationSeconds,
          arrivalCount: plan.arrivals,
          maxVusers: limits.maxConcurrentUsers,
        },
      ],
      http: { timeout: limits.requestTimeoutSeconds },
      ensure: { conditions: ensureConditions(sla, plan.scenario, plan.durationSeconds) },
      ...(processor ? { processor } : {}),
    },
  };
}
