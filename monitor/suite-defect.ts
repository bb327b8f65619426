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
// resolved by the next cycle that finishes. An `errored` cycle (the run could
// not start its checks) fails it too; an interrupted or paused one is no data.

export const MONITOR_CHECK_FILE = "monitor/cycle.ts";

export function cycleCheckOf(record: CycleRecord, timeoutMinutes: number): CheckResult | undefined {
  if (record.status === "interrupted" || record.status === "paused") return undefined;
  const timedOut = record.status === "timed-out";
  const errored = record.status === "errored";
  return {
    labels: {
      environment: record.environment,
      project: "monitor",
      file: MONITOR_CHECK_FILE,
      title: `the monitor's cycles run to their end (location ${record.location})`,
      tier: "monitor",
      severity: "warning",
      tags: [],
    },
    outcome: timedOut || errored ? "failed" : "passed",
    error: timedOut
      ? `${record.job} cycle ${record.runId} was still running after ${timeoutMinutes} min and was stopped: a suite defect (a hung browser, a test without a timeout), not an outage of the target. Its checks recorded no verdict.`
      : errored
        ? `${record.job} cycle ${record.runId} ended before its checks ran (exit ${record.exitCode}): see its output.log in the monitor's directory.`
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
  const check = cycleCheckOf(record, timeoutMinutes);
  if (!check) return;
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
      results: [check],
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
  const { state } = configFromEnv(env);
  return state.kind === "postgres"
    ? { ALERT_STATE_KEY: `${state.key}-monitor` }
    : { ALERT_STATE_PATH: state.path.replace(/(\.json)?$/, ".monitor.json") };
}
