import type { RunDeploys } from "../../../platform/index.ts";
import { applyAll, clearDigest, type StateOp, setEntry } from "../../apply.ts";
import { observe } from "../../observe.ts";
import { plan } from "../../plan.ts";
import { definePolicy, type Policy, type PolicyInput } from "../../policy-schema.ts";
import { NOTIFIER_TIER } from "../../routing.ts";
import {
  type AlertState,
  type ChannelName,
  type CheckLabels,
  type CheckResult,
  emptyState,
  type Notification,
  type Outcome,
  type RunKind,
} from "../../types.ts";

export const T0 = Date.parse("2026-11-26T02:00:00Z");
export const MINUTE = 60_000;

export function check(
  title: string,
  outcome: Outcome,
  labels: Partial<CheckLabels> & { error?: string } = {},
): CheckResult {
  const { error, ...rest } = labels;
  return {
    labels: {
      environment: "local",
      project: "api",
      file: "tests/api/health.spec.ts",
      title,
      tier: "backend",
      severity: "warning",
      tags: [],
      ...rest,
    },
    outcome,
    location: "tests/api/health.spec.ts:3",
    error: outcome === "passed" ? undefined : (error ?? `Error: ${title} broke`),
  };
}

export const critical = (
  title: string,
  outcome: Outcome,
  labels: Partial<CheckLabels> & { error?: string } = {},
) => check(title, outcome, { severity: "critical", tags: ["@critical"], ...labels });

/** A small policy whose numbers are easy to reason about in tests. */
export function testPolicy(overrides: Partial<PolicyInput> = {}): Policy {
  return definePolicy({
    thresholds: {
      acceptance: {
        critical: { failures: 1, passesToResolve: 1 },
        warning: { failures: 1, passesToResolve: 1 },
      },
      scheduled: {
        critical: { failures: 2, passesToResolve: 1 },
        warning: { failures: 3, minutes: 30, passesToResolve: 2 },
      },
    },
    routes: [
      { match: { severity: "critical" }, channels: ["sms"], continue: true },
      { channels: ["slack", "email"] },
    ],
    reminders: { intervalMinutes: 60, amount: 2 },
    digest: { channels: ["email"], intervalMinutes: { acceptance: 0, scheduled: 60 } },
    notifier: { channels: ["email", "slack"] },
    ...overrides,
  });
}

/**
 * Drives observe + plan run after run with an injected clock, and pretends the
 * channels in `failing` could not deliver (their log entries stay untouched).
 */
export class EngineHarness {
  state: AlertState = emptyState();
  readonly policy: Policy;
  kind: RunKind;
  configured: Set<ChannelName>;
  failing = new Set<ChannelName>();
  runs = 0;
  /** What the platforms say is live and deployed, for the runs from now on. */
  deploys: RunDeploys | undefined;

  constructor(
    policy: Policy = testPolicy(),
    kind: RunKind = "scheduled",
    configured: ChannelName[] = ["sms", "slack", "email"],
  ) {
    this.policy = policy;
    this.kind = kind;
    this.configured = new Set(configured);
  }

  /** `pass` picks the checks planned, as runAlerts does: the suite's first, then the notifiers'. */
  run(results: CheckResult[], at: number, pass: "checks" | "notifier" = "checks") {
    this.runs += 1;
    const run = {
      runId: `run-${this.runs}`,
      environment: "local",
      kind: this.kind,
      ...(this.deploys ? { deploys: this.deploys } : {}),
    };
    const seen = observe(this.state, {
      results,
      policy: this.policy,
      run,
      configured: this.configured,
      now: at,
    });
    const planned = plan(seen.state, {
      policy: this.policy,
      run,
      configured: this.configured,
      now: at,
      withDigest: pass === "checks",
      include: (r) => (r.labels.tier === NOTIFIER_TIER) === (pass === "notifier"),
    });
    const ops: StateOp[] = planned.silentUpdates.map((u) => setEntry(u.key, u.entry));
    const sent: Notification[] = [];
    for (const send of planned.sends) {
      if (this.failing.has(send.notification.channel)) continue;
      sent.push(send.notification);
      ops.push(
        send.notification.kind === "digest"
          ? clearDigest(send.notification, at)
          : setEntry(send.notification.key, send.entry),
      );
    }
    this.state = applyAll(seen.state, ops);
    return {
      sent,
      checks: seen.decisions,
      pairs: planned.decisions,
      planned: planned.sends.map((s) => s.notification),
    };
  }

  /** Only the alert messages of one channel. */
  static on(channel: ChannelName, sent: Notification[]) {
    return sent.filter((n) => n.channel === channel && n.kind === "alert");
  }
}

export const titles = (views: Array<{ title: string }>) => views.map((v) => v.title).sort();

/** A realistic notification, decided by the engine, re-addressed to `channel`. */
export function sampleNotification(channel: ChannelName, results?: CheckResult[]): Notification {
  const engine = new EngineHarness(testPolicy(), "acceptance");
  const { sent } = engine.run(
    results ?? [
      critical("auth › register returns 201", "failed", {
        error:
          "Error: expect(received).toBe(expected)\n\nExpected: 201\nReceived: 500\n  at register.spec.ts:12:5",
      }),
    ],
    T0,
  );
  const base = sent.find((n) => n.kind === "alert") ?? sent[0];
  if (!base) throw new Error("the engine sent nothing for the sample");
  return { ...base, channel, key: `${base.groupKey}|${channel}` };
}
