// The alert journal of a seeded history's incidents: the lines the alert
// engine writes (alerts/run.ts, alerts/pipeline.ts) for the cycles where
// something happened: a check pending, firing, reminded, resolved; the
// decisions per channel; every delivery attempt, accepted or refused.
// Replayed from the generated results with the default scheduled-run policy
// (alerts/policy.ts): critical fires on its 2nd failure, warning on its 3rd,
// both resolve after 2 passes, a reminder every 240 minutes (3 at most).
import { type GROUP_LABELS, groupKeyOf } from "../../../alerts/identity.ts";
import type { JournalEntry } from "../../../alerts/journal.ts";
import type { CheckDecision } from "../../../alerts/observe.ts";
import type { PairDecision } from "../../../alerts/plan.ts";
import type { AttemptRecord } from "../../../alerts/retry.ts";
import type { AlertState, CheckRecord } from "../../../alerts/types.ts";
import type { CycleStatus, ResultStatus } from "../../../monitor/types.ts";
import { labelsOf, type SeededCheck } from "./seed-checks.ts";
import { incidentHits } from "./seed-cycles.ts";
import { type AlertChannel, INCIDENTS, type StoryIncident } from "./seed-story.ts";

const MINUTE = 60_000;
const REMINDER_MS = 240 * MINUTE;
const REMINDERS = 3;
const PASSES_TO_RESOLVE = 2;
const GROUP_BY: Array<(typeof GROUP_LABELS)[number]> = ["environment", "tier"];

/** One cycle as the summary keeps it: each check's status, by the check's index (null: not run). */
export interface SeededRun {
  runId: string;
  startedAt: number;
  endedAt: number;
  status: CycleStatus;
  maintenance: string[];
  results: Array<ResultStatus | null>;
}

export interface ExpectedNotification {
  at: number;
  channel: AlertChannel;
  reason: "new" | "grown" | "resolved" | "reminder";
  accepted: boolean;
}

/** What /api/incidents should say about one check's alert. */
export interface ExpectedAlert {
  incident: string;
  fingerprint: string;
  title: string;
  firedAt: number;
  resolvedAt: number | null;
  notifications: ExpectedNotification[];
}

interface CheckState {
  status: "ok" | "pending" | "firing";
  failures: number;
  passes: number;
}

interface Sent {
  sentAt: number;
  reminders: number;
  firing: Set<string>;
}

const REFUSALS: Record<AlertChannel, string> = {
  slack: "HTTP 503 from hooks.slack.com",
  email: "SMTP 451 4.3.0 try again later",
  webhook: "HTTP 502 from the webhook receiver",
  pagerduty: "HTTP 429 from events.pagerduty.com",
};

function attemptsOf(refuses: "first-attempt" | "always" | undefined, channel: AlertChannel) {
  const refused = (attempt: number, last = false): AttemptRecord => ({
    attempt,
    outcome: { ok: false, retry: "yes", reason: REFUSALS[channel] },
    durationMs: 120 + attempt * 17,
    ...(last ? {} : { waitMs: 1_000 * 2 ** (attempt - 1) }),
  });
  const accepted = (attempt: number): AttemptRecord => ({
    attempt,
    outcome: { ok: true },
    durationMs: 180 + attempt * 11,
  });
  if (refuses === "always") return [refused(1), refused(2), refused(3, true)];
  if (refuses === "first-attempt") return [refused(1), accepted(2)];
  return [accepted(1)];
}

function outcomeOf(status: ResultStatus): CheckDecision["outcome"] {
  if (status === "failed" || status === "timed-out") return "failed";
  return status === "flaky" ? "flaky" : "passed";
}

function step(
  state: CheckState,
  outcome: CheckDecision["outcome"],
  threshold: number,
): CheckDecision["events"] {
  if (outcome === "failed") {
    state.failures += 1;
    state.passes = 0;
    if (state.status === "firing") return ["still-firing"];
    state.status = state.failures >= threshold ? "firing" : "pending";
    return [state.status === "firing" ? "triggered" : "pending"];
  }
  state.failures = 0;
  state.passes += 1;
  if (state.status === "firing") {
    if (state.passes < PASSES_TO_RESOLVE) return ["still-firing"];
    state.status = "ok";
    return ["resolved"];
  }
  if (state.status === "pending") {
    state.status = "ok";
    return ["recovered-before-firing"];
  }
  return outcome === "flaky" ? ["flaky"] : [];
}

function replay(
  incident: StoryIncident,
  checks: readonly SeededCheck[],
  runs: readonly SeededRun[],
  environment: string,
  now: number,
): { entries: JournalEntry[]; alerts: ExpectedAlert[] } {
  const entries: JournalEntry[] = [];
  const hit = checks.flatMap((check, index) => (incidentHits(incident, check) ? [index] : []));
  const first = runs.findIndex((run) => run.startedAt >= now - incident.startsAgo);
  const leader = checks[hit[0] ?? -1];
  if (first < 0 || !leader || incident.channels.length === 0) return { entries, alerts: [] };
  const labels = { ...leader, environment };
  const groupKey = groupKeyOf(labels, GROUP_BY);
  const states = new Map(
    hit.map((i) => [i, { status: "ok", failures: 0, passes: 0 } as CheckState]),
  );
  const sent = new Map<AlertChannel, Sent>();
  const alerts = new Map<string, ExpectedAlert>();
  const endsAt = incident.endsAgo === null ? Number.POSITIVE_INFINITY : now - incident.endsAgo;

  for (const run of runs.slice(first)) {
    const at = run.endedAt;
    const line = (entry: JournalEntry) =>
      entries.push({ ts: new Date(at).toISOString(), runId: run.runId, ...entry });
    const checkLines: CheckDecision[] = [];
    for (const index of hit) {
      const status = run.results[index];
      const check = checks[index];
      const state = states.get(index);
      if (!status || status === "skipped" || !check || !state) continue;
      const outcome = outcomeOf(status);
      const events = step(state, outcome, check.severity === "critical" ? 2 : 3);
      if (outcome === "passed" && state.status === "ok" && events.length === 0) continue;
      checkLines.push({
        type: "check",
        fingerprint: check.checkId,
        title: check.title,
        outcome,
        status: state.status,
        consecutiveFailures: state.failures,
        events,
      });
      if (events.includes("triggered"))
        alerts.set(check.checkId, {
          incident: incident.id,
          fingerprint: check.checkId,
          title: check.title,
          firedAt: at,
          resolvedAt: null,
          notifications: [],
        });
      const alert = alerts.get(check.checkId);
      if (events.includes("resolved") && alert) alert.resolvedAt = at;
    }
    const firing = new Set(
      hit.filter((i) => states.get(i)?.status === "firing").map((i) => checks[i]?.checkId ?? ""),
    );
    const sends: Array<{ channel: AlertChannel; decision: PairDecision; resolved: string[] }> = [];
    for (const { channel } of incident.channels) {
      const entry = sent.get(channel);
      const resolved = entry ? [...entry.firing].filter((fp) => !firing.has(fp)) : [];
      const reason =
        !entry || entry.firing.size === 0
          ? firing.size > 0
            ? "new"
            : undefined
          : [...firing].some((fp) => !entry.firing.has(fp))
            ? "grown"
            : resolved.length > 0
              ? "resolved"
              : firing.size > 0 && at - entry.sentAt >= REMINDER_MS && entry.reminders < REMINDERS
                ? "reminder"
                : undefined;
      if (!reason) continue;
      sends.push({
        channel,
        resolved,
        decision: {
          type: "decision",
          key: `${groupKey}|${channel}`,
          decision: { action: "send", reason },
          firing: [...firing],
          resolved,
          muted: [],
        },
      });
    }
    if (checkLines.length > 0 || sends.length > 0) {
      line({
        type: "run.start",
        environment,
        kind: "scheduled",
        results: run.results.filter((s) => s !== null).length,
        channels: incident.channels.map((c) => c.channel),
        store: "file .monitor/alerts/state.json",
        at,
      });
      for (const decision of checkLines) line({ ...decision, at });
      for (const { decision } of sends) line({ ...decision, at });
      const problems: string[] = [];
      for (const { channel, decision, resolved } of sends) {
        const refuses = incident.channels.find((c) => c.channel === channel)?.refuses;
        const attempts = attemptsOf(refuses, channel);
        for (const attempt of attempts)
          line({ type: "attempt", key: decision.key, channel, ...attempt });
        const accepted = attempts.at(-1)?.outcome.ok === true;
        const reason = decision.decision.reason as ExpectedNotification["reason"];
        line(
          accepted
            ? {
                type: "delivered",
                key: decision.key,
                channel,
                reason,
                ok: true,
                attempts: attempts.length,
                acceptedAfterMs: 240 + attempts.length * 1_100,
              }
            : {
                type: "undelivered",
                key: decision.key,
                channel,
                ok: false,
                attempts: attempts.length,
                reason: REFUSALS[channel],
                why: "attempts",
              },
        );
        if (!accepted)
          problems.push(
            `critical alert ${groupKey} was not delivered via ${channel}: ${REFUSALS[channel]}`,
          );
        const told = [...firing, ...resolved];
        for (const fp of told)
          alerts.get(fp)?.notifications.push({ at, channel, reason, accepted });
        if (accepted) {
          const entry = sent.get(channel);
          sent.set(channel, {
            sentAt: reason === "resolved" && entry ? entry.sentAt : at,
            reminders:
              reason === "reminder"
                ? (entry?.reminders ?? 0) + 1
                : reason === "new"
                  ? 0
                  : (entry?.reminders ?? 0),
            firing: new Set(firing),
          });
        }
      }
      line({ type: "state.saved", revision: entries.length });
      line({
        type: "run.end",
        ok: problems.length === 0,
        problems,
        durationMs: 900 + sends.length * 400,
      });
    }
    const quiet = [...states.values()].every((s) => s.status === "ok");
    if (run.startedAt >= endsAt && quiet) break;
  }
  return { entries, alerts: [...alerts.values()] };
}

/** The journal of every incident someone was told about, in time order. */
export function seededJournal(
  checks: readonly SeededCheck[],
  runs: readonly SeededRun[],
  environment: string,
  now: number,
): { entries: JournalEntry[]; alerts: ExpectedAlert[] } {
  const replays = INCIDENTS.map((incident) => replay(incident, checks, runs, environment, now));
  const entries = replays.flatMap((r) => r.entries);
  // Stable: lines of one cycle keep their order.
  entries.sort((a, b) => String(a.ts).localeCompare(String(b.ts)));
  return { entries, alerts: replays.flatMap((r) => r.alerts) };
}

/**
 * The alert state the runs leave (alerts/store/file-store.ts's file): every
 * check's labels, firing where its alert is still open.
 */
export function seededAlertState(
  checks: readonly SeededCheck[],
  alerts: readonly ExpectedAlert[],
  environment: string,
  now: number,
): { revision: number; writtenAt: string; writer: string; state: AlertState } {
  const records = checks.map((check): CheckRecord => {
    const open = alerts.find((a) => a.fingerprint === check.checkId && a.resolvedAt === null);
    return {
      fingerprint: check.checkId,
      labels: { environment, ...labelsOf(check) },
      status: open ? "firing" : "ok",
      consecutiveFailures: open ? 3 : 0,
      consecutivePasses: open ? 0 : 2,
      failedRuns: open ? 3 : 0,
      ...(open ? { failingSince: open.firedAt, firingSince: open.firedAt } : {}),
      firingRuns: open ? 2 : 0,
      history: [],
      flapping: false,
      lastSeenAt: now,
    };
  });
  return {
    revision: alerts.length + 1,
    writtenAt: new Date(now).toISOString(),
    writer: "dashboard seed",
    state: {
      version: 1,
      checks: Object.fromEntries(records.map((r) => [r.fingerprint, r])),
      notifications: {},
      digests: {},
    },
  };
}
