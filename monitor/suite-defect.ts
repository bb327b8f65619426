import { configFromEnv } from "../alerts/config.ts";
import { loadPolicy } from "../alerts/policy-file.ts";
import { runAlerts } from "../alerts/run.ts";
import type { CheckResult } from "../alerts/types.ts";
import { userSilences } from "./cycle.ts";
import type { CycleRecord } from "./types.ts";

// A cycle that hangs and is killed says nothing about the target: its alert
// reporter never ran. The monitor itself reports it, through the same alert
// engine, as one check of its own ("the monitor's cycle finishes in time"),
// tier "monitor": a suite defect, routed and deduplicated like any warning,
// resolved by the next cycle that finishes.

export const MONITOR_CHECK_FILE = "monitor/cycle.ts";

export function cycleCheckOf(record: CycleRecord, timeoutMinutes: number): CheckResult {
  const timedOut = record.status === "timed-out";
  return {
    labels: {
      environment: record.environment,
      project: "monitor",
      file: MONITOR_CHECK_FILE,
      title: `a ${record.job} cycle finishes within ${timeoutMinutes} min (location ${record.location})`,
      tier: "monitor",
      severity: "warning",
      tags: [],
    },
    outcome: timedOut ? "failed" : "passed",
    error: timedOut
      ? `cycle ${record.runId} was still running after ${timeoutMinutes} min and was stopped: a suite defect (a hung browser, a test without a timeout), not an outage of the target. Its checks recorded no verdict.`
      : undefined,
  };
}

/** Feeds the monitor's own check to the alert engine, with the cycle's environment and policy. */
export async function reportCycleCheck(
  record: CycleRecord,
  timeoutMinutes: number,
  env: NodeJS.ProcessEnv,
  root: string,
  log: (line: string) => void,
  silences: readonly unknown[] = [],
): Promise<void> {
  try {
    const config = configFromEnv({
      ...env,
      ...ownState(env),
      SYNTHETIC_RUN_KIND: "scheduled",
      SYNTHETIC_RUN_ID: `${record.runId}-monitor`,
      ALERT_SILENCES: JSON.stringify([...userSilences(env), ...silences]),
    });
    const policy = await loadPolicy(config.policyPath, root);
    const report = await runAlerts({
      results: [cycleCheckOf(record, timeoutMinutes)],
      config,
      policy,
      log: () => {},
    });
    for (const problem of report.problems) log(`alerts: ${problem}`);
  } catch (error) {
    log(
      `alerts: the monitor's own check could not be reported: ${(error as Error).message.split("\n")[0]}`,
    );
  }
}

/**
 * The monitor's check keeps its own alert state (beside the suite's): a pass
 * over the suite's state here, without the cycle's results or silences, would
 * announce what the cycle had reasons to keep quiet.
 */
function ownState(env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.ALERT_STATE_DATABASE_URL?.trim())
    return { ALERT_STATE_KEY: `${env.ALERT_STATE_KEY?.trim() || "default"}-monitor` };
  const file = env.ALERT_STATE_PATH?.trim() || ".alerts/state.json";
  return { ALERT_STATE_PATH: file.replace(/(\.json)?$/, ".monitor.json") };
}
