import type { LiveAtFailure } from "../platform/index.ts";
import { nextFlapping, pushHistory } from "./flapping.ts";
import { fingerprintOf } from "./identity.ts";
import type { Threshold } from "./policy-schema.ts";
import type { CheckRecord, CheckResult } from "./types.ts";

export type CheckEvent =
  | "pending"
  | "triggered"
  | "still-firing"
  | "resolved"
  | "recovered-before-firing"
  | "flaky"
  | "flapping-start"
  | "flapping-stop";

export interface ObserveContext {
  now: number;
  runId: string;
  threshold: Threshold;
  flapping: { low: number; high: number };
  /** The deploys live during this run, recorded when an incident begins. */
  live?: LiveAtFailure[];
}

function fresh(result: CheckResult, now: number): CheckRecord {
  return {
    fingerprint: fingerprintOf(result.labels),
    labels: result.labels,
    status: "ok",
    consecutiveFailures: 0,
    consecutivePasses: 0,
    failedRuns: 0,
    firingRuns: 0,
    history: [],
    flapping: false,
    lastSeenAt: now,
  };
}

function thresholdReached(record: CheckRecord, threshold: Threshold, now: number): boolean {
  if (record.consecutiveFailures >= threshold.failures) return true;
  if (threshold.minutes === undefined || record.failingSince === undefined) return false;
  return now - record.failingSince >= threshold.minutes * 60_000;
}

function afterFailure(prev: CheckRecord, ctx: ObserveContext): [CheckRecord, CheckEvent] {
  const newIncident = prev.status === "ok";
  const next: CheckRecord = {
    ...prev,
    consecutiveFailures: prev.consecutiveFailures + 1,
    consecutivePasses: 0,
    failedRuns: newIncident ? 1 : prev.failedRuns + 1,
    failingSince: newIncident ? ctx.now : (prev.failingSince ?? ctx.now),
    resolvedAt: newIncident ? undefined : prev.resolvedAt,
    liveAtFailure: newIncident ? ctx.live : prev.liveAtFailure,
  };
  if (prev.status === "firing") {
    return [{ ...next, firingRuns: prev.firingRuns + 1 }, "still-firing"];
  }
  if (thresholdReached(next, ctx.threshold, ctx.now)) {
    return [{ ...next, status: "firing", firingSince: ctx.now, firingRuns: 1 }, "triggered"];
  }
  return [{ ...next, status: "pending", firingSince: undefined, firingRuns: 0 }, "pending"];
}

function afterPass(prev: CheckRecord, ctx: ObserveContext): [CheckRecord, CheckEvent | undefined] {
  const next: CheckRecord = {
    ...prev,
    consecutiveFailures: 0,
    consecutivePasses: prev.consecutivePasses + 1,
  };
  if (prev.status === "firing") {
    if (next.consecutivePasses >= ctx.threshold.passesToResolve) {
      return [{ ...next, status: "ok", resolvedAt: ctx.now }, "resolved"];
    }
    return [{ ...next, firingRuns: prev.firingRuns + 1 }, "still-firing"];
  }
  if (prev.status === "pending") {
    const cleared = { ...next, status: "ok" as const, failingSince: undefined, failedRuns: 0 };
    return [cleared, "recovered-before-firing"];
  }
  return [next, undefined];
}

/** One check, one final outcome: the next record and what happened to it. */
export function observeCheck(
  prev: CheckRecord | undefined,
  result: CheckResult,
  ctx: ObserveContext,
): { record: CheckRecord; events: CheckEvent[] } {
  const base: CheckRecord = {
    ...(prev ?? fresh(result, ctx.now)),
    labels: result.labels,
    location: result.location,
    avoidChannel: result.avoidChannel,
    lastSeenAt: ctx.now,
    lastRunId: ctx.runId,
    links: result.links,
  };
  const failed = result.outcome === "failed";
  const [updated, event] = failed ? afterFailure(base, ctx) : afterPass(base, ctx);
  const history = pushHistory(base.history, failed ? "F" : "P");
  const flapping = nextFlapping(base.flapping, history, ctx.flapping);
  const record: CheckRecord = {
    ...updated,
    history,
    flapping,
    lastError: failed ? result.error : updated.lastError,
    lastDiagnosis: failed ? result.diagnosis : updated.lastDiagnosis,
  };
  const events: CheckEvent[] = event ? [event] : [];
  if (result.outcome === "flaky") events.push("flaky");
  if (flapping && !base.flapping) events.push("flapping-start");
  if (!flapping && base.flapping) events.push("flapping-stop");
  return { record, events };
}
