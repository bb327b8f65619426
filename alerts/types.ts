/** Data shared by the deciding side (engine) and the sending side (transports). */

import type { LiveAtFailure, RunDeploys } from "../platform/index.ts";

export type Severity = "critical" | "warning";
export type RunKind = "acceptance" | "scheduled";
export const CHANNEL_NAMES = ["email", "slack", "sms", "webhook", "pagerduty"] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** The final outcome of one check in one run; skipped and interrupted never get here. */
export type Outcome = "passed" | "failed" | "flaky";

/** Stable identity plus the labels routes, silences and inhibition match on. */
export interface CheckLabels {
  environment: string;
  project: string;
  file: string;
  /** Title path inside the file, joined with " › ". */
  title: string;
  tier: string;
  severity: Severity;
  tags: string[];
}

export interface Links {
  report?: string;
  trace?: string;
}

export interface CheckResult {
  labels: CheckLabels;
  outcome: Outcome;
  /** "file:line", shown to people, not part of the identity. */
  location?: string;
  error?: string;
  links?: Links;
  /** Channel this check is about (notifier-health checks): never routed to it. */
  avoidChannel?: ChannelName;
  /** The failure's tier and cause in one line (fixtures/diagnosis.ts), shown first. */
  diagnosis?: string;
}

export interface RunInfo {
  runId: string;
  environment: string;
  kind: RunKind;
  reportUrl?: string;
  /** What the platforms said was live and deployed recently, when the run could read them. */
  deploys?: RunDeploys;
}

export type CheckStatus = "ok" | "pending" | "firing";
export type HistoryMark = "P" | "F";

export interface CheckRecord {
  fingerprint: string;
  labels: CheckLabels;
  location?: string;
  avoidChannel?: ChannelName;
  status: CheckStatus;
  consecutiveFailures: number;
  consecutivePasses: number;
  /** Failed runs in the current incident (kept until it resolves, for the resolved notice). */
  failedRuns: number;
  failingSince?: number;
  firingSince?: number;
  firingRuns: number;
  resolvedAt?: number;
  history: HistoryMark[];
  flapping: boolean;
  lastError?: string;
  lastDiagnosis?: string;
  /** The deploys live when the current (or last) incident began: a resolve tells a rollback. */
  liveAtFailure?: LiveAtFailure[];
  lastRunId?: string;
  lastSeenAt: number;
  links?: Links;
}

/** What a (group, channel) pair was last told — Alertmanager's notification log entry. */
export interface NotifyEntry {
  firing: string[];
  sentAt: number;
  reminders: number;
}

export type DigestKind = "flaky" | "flapping-start" | "flapping-stop";

export interface DigestItem {
  kind: DigestKind;
  fingerprint: string;
  environment: string;
  tier: string;
  title: string;
  location?: string;
  count: number;
  lastAt: number;
  error?: string;
}

export interface DigestBox {
  items: DigestItem[];
  lastSentAt?: number;
}

export interface AlertState {
  version: 1;
  checks: Record<string, CheckRecord>;
  /** Keyed by `${groupKey}|${channel}`. */
  notifications: Record<string, NotifyEntry>;
  /** Pending low-priority items per digest channel. */
  digests: Partial<Record<ChannelName, DigestBox>>;
}

export function emptyState(): AlertState {
  return { version: 1, checks: {}, notifications: {}, digests: {} };
}

/** One alert as a message shows it. */
export interface AlertView {
  fingerprint: string;
  title: string;
  project: string;
  tier: string;
  severity: Severity;
  location?: string;
  failingSince?: number;
  failedRuns: number;
  resolvedAt?: number;
  error?: string;
  diagnosis?: string;
  liveAtFailure?: LiveAtFailure[];
  links?: Links;
}

export type NotificationReason = "new" | "grown" | "resolved" | "reminder" | "digest" | "fallback";

export interface Notification {
  /** `${groupKey}|${channel}`: the notification-log key. */
  key: string;
  groupKey: string;
  channel: ChannelName;
  kind: "alert" | "digest";
  reason: NotificationReason;
  group: Record<string, string>;
  severity: Severity;
  firing: AlertView[];
  resolved: AlertView[];
  digest: DigestItem[];
  run: RunInfo;
  /** When the engine decided (the injected clock), so messages agree with the journal. */
  decidedAt: number;
  /** Set when this is another channel standing in for a broken one. */
  fallbackFor?: { channel: ChannelName; reason: string };
}
