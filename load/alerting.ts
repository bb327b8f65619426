import { type AlertConfig, configFromEnv } from "../alerts/config.ts";
import { loadPolicy } from "../alerts/policy-file.ts";
import type { Policy } from "../alerts/policy-schema.ts";
import { type RunAlertsReport, runAlerts } from "../alerts/run.ts";
import type { CheckResult } from "../alerts/types.ts";
import { LOAD_PROJECT, LOAD_TIER, TAGS } from "../contract/vocabulary.ts";
import type { LoadCheckData } from "./alert-data.ts";
import { endpointCheckTitle, scenarioPath } from "./catalog.ts";
import { ROOT } from "./paths.ts";

/**
 * SLA breaches as alerts: each endpoint of a load run is one check for the
 * alert engine (project "load", tier "performance", tag @load), so breaches
 * go through the same policy, channels, state and redaction as the
 * functional suite's failures, and a passing endpoint resolves its alert.
 */

const LOAD_TAG = TAGS.load;

export interface LoadAlerting {
  config: AlertConfig;
  policy: Policy;
}

/**
 * Reads ALERT_* settings and the policy before any request is made, so a bad
 * setting stops the run at once instead of after it. Throws naming the problem.
 */
export async function prepareLoadAlerting(env: NodeJS.ProcessEnv): Promise<LoadAlerting> {
  const config = configFromEnv(env);
  const policy = await loadPolicy(config.policyPath, ROOT);
  return { config, policy };
}

/**
 * The same settings read again once the target is known: a stack booted for
 * the run adds its mail sink, and the run id and environment are the run's.
 */
export function forTarget(alerting: LoadAlerting, env: NodeJS.ProcessEnv): LoadAlerting {
  return { config: configFromEnv(env), policy: alerting.policy };
}

/** One check per endpoint; its identity is the environment, scenario file and endpoint. */
export function loadCheckResults(
  checks: readonly LoadCheckData[],
  context: { environment: string; reportUrl?: string },
): CheckResult[] {
  return checks.map((check) => {
    const file = scenarioPath(check.scenario);
    return {
      labels: {
        environment: context.environment,
        project: LOAD_PROJECT,
        file,
        title: endpointCheckTitle(check.endpoint),
        tier: LOAD_TIER,
        severity: "warning",
        tags: [LOAD_TAG],
      },
      outcome: check.passed ? "passed" : "failed",
      location: file,
      error: check.passed ? undefined : check.breaches.map((b) => b.message).join("\n"),
      links: context.reportUrl ? { report: context.reportUrl } : undefined,
    };
  });
}

export function alertLoadRun(
  checks: readonly LoadCheckData[],
  alerting: LoadAlerting,
  log: (line: string) => void,
): Promise<RunAlertsReport> {
  const { config, policy } = alerting;
  return runAlerts({
    results: loadCheckResults(checks, {
      environment: config.environment,
      reportUrl: config.reportUrl,
    }),
    config,
    policy,
    log,
  });
}
