import { liveAtFailureOf } from "../platform/index.ts";
import { type CheckEvent, observeCheck } from "./check-state.ts";
import { fingerprintOf } from "./identity.ts";
import type { Policy, Threshold } from "./policy-schema.ts";
import { NOTIFIER_TIER } from "./routing.ts";
import type {
  AlertState,
  ChannelName,
  CheckRecord,
  CheckResult,
  DigestItem,
  DigestKind,
  Outcome,
  RunInfo,
} from "./types.ts";

const NOTIFIER_THRESHOLD: Threshold = { failures: 1, passesToResolve: 1 };
const DIGEST_LIMIT = 200;
const DAY = 86_400_000;

export interface CheckDecision {
  type: "check";
  fingerprint: string;
  title: string;
  outcome: Outcome;
  status: CheckRecord["status"];
  consecutiveFailures: number;
  events: CheckEvent[];
}

const WORST_FIRST: Outcome[] = ["failed", "flaky", "passed"];

/** `--repeat-each` runs a test several times under one identity: the worst outcome counts. */
export function mergeByFingerprint(results: readonly CheckResult[]): Map<string, CheckResult> {
  const merged = new Map<string, CheckResult>();
  for (const result of results) {
    const fingerprint = fingerprintOf(result.labels);
    const seen = merged.get(fingerprint);
    if (!seen || WORST_FIRST.indexOf(result.outcome) < WORST_FIRST.indexOf(seen.outcome)) {
      merged.set(fingerprint, result);
    }
  }
  return merged;
}

/** The digest goes to the first configured channel of the policy's list. */
export function digestChannel(policy: Policy, configured: ReadonlySet<ChannelName>) {
  return policy.digest.channels.find((channel) => configured.has(channel));
}

function addDigestItem(
  items: DigestItem[],
  record: CheckRecord,
  kind: DigestKind,
  now: number,
  error: string | undefined,
) {
  const same = items.find((i) => i.kind === kind && i.fingerprint === record.fingerprint);
  if (same) {
    same.error = error ?? same.error;
    same.count += 1;
    same.lastAt = now;
    return;
  }
  items.push({
    kind,
    fingerprint: record.fingerprint,
    environment: record.labels.environment,
    tier: record.labels.tier,
    title: record.labels.title,
    location: record.location,
    count: 1,
    lastAt: now,
    error,
  });
}

export interface ObserveInput {
  results: readonly CheckResult[];
  policy: Policy;
  run: RunInfo;
  configured: ReadonlySet<ChannelName>;
  now: number;
}

/**
 * Feeds one run's final outcomes into the state. Checks without a result this
 * run (skipped, interrupted, filtered out) keep their counters.
 */
export function observe(state: AlertState, input: ObserveInput) {
  const { policy, run, now } = input;
  const checks = { ...state.checks };
  const decisions: CheckDecision[] = [];
  const digestTo = digestChannel(policy, input.configured);
  const digestItems = [...(digestTo ? (state.digests[digestTo]?.items ?? []) : [])].map((i) => ({
    ...i,
  }));
  for (const [fingerprint, result] of mergeByFingerprint(input.results)) {
    const threshold =
      result.labels.tier === NOTIFIER_TIER
        ? NOTIFIER_THRESHOLD
        : policy.thresholds[run.kind][result.labels.severity];
    const { record, events } = observeCheck(checks[fingerprint], result, {
      now,
      runId: run.runId,
      threshold,
      flapping: policy.flapping,
      live: liveAtFailureOf(run.deploys),
    });
    checks[fingerprint] = record;
    for (const event of events) {
      if (event === "flaky" || event === "flapping-start" || event === "flapping-stop") {
        const error = event === "flaky" ? result.error : record.lastError;
        addDigestItem(digestItems, record, event, now, error);
      }
    }
    decisions.push({
      type: "check",
      fingerprint,
      title: record.labels.title,
      outcome: result.outcome,
      status: record.status,
      consecutiveFailures: record.consecutiveFailures,
      events,
    });
  }
  for (const [fingerprint, record] of Object.entries(checks)) {
    if (now - record.lastSeenAt > policy.forgetAfterDays * DAY) delete checks[fingerprint];
  }
  const digests = { ...state.digests };
  if (digestTo && digestItems.length > 0) {
    digests[digestTo] = {
      ...state.digests[digestTo],
      items: digestItems.slice(-DIGEST_LIMIT),
    };
  }
  return { state: { ...state, checks, digests }, decisions };
}
