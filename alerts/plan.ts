import { groupKeyOf, groupLabelsOf } from "./identity.ts";
import { type MuteReason, muteReasons } from "./mute.ts";
import { needsUpdate, type UpdateDecision } from "./needs-update.ts";
import { digestChannel } from "./observe.ts";
import type { Policy } from "./policy-schema.ts";
import { routeChannels } from "./routing.ts";
import type {
  AlertState,
  AlertView,
  ChannelName,
  CheckRecord,
  Notification,
  NotifyEntry,
  RunInfo,
} from "./types.ts";

export interface PlannedSend {
  notification: Notification;
  /** The log entry to store once the notification is accepted; null removes it. */
  entry: NotifyEntry | null;
}

export interface PairDecision {
  type: "decision";
  key: string;
  decision: UpdateDecision;
  firing: string[];
  resolved: string[];
  muted: Array<{ fingerprint: string; reason: MuteReason }>;
}

export interface PlanInput {
  policy: Policy;
  run: RunInfo;
  configured: ReadonlySet<ChannelName>;
  now: number;
  /** Which checks this pass is about (the notifier pass plans its own tier only). */
  include: (record: CheckRecord) => boolean;
  withDigest: boolean;
}

export function viewOf(record: CheckRecord): AlertView {
  return {
    fingerprint: record.fingerprint,
    title: record.labels.title,
    project: record.labels.project,
    tier: record.labels.tier,
    severity: record.labels.severity,
    location: record.location,
    failingSince: record.failingSince,
    failedRuns: record.failedRuns,
    resolvedAt: record.resolvedAt,
    error: record.lastError,
    diagnosis: record.lastDiagnosis,
    liveAtFailure: record.liveAtFailure,
    links: record.links,
  };
}

interface Pair {
  groupKey: string;
  channel: ChannelName;
  group: Record<string, string>;
  routed: Set<string>;
}

function collectPairs(state: AlertState, records: CheckRecord[], input: PlanInput) {
  const pairs = new Map<string, Pair>();
  const groupOf = new Map<string, { key: string; labels: Record<string, string> }>();
  const pairFor = (groupKey: string, channel: ChannelName, group: Record<string, string>) => {
    const key = `${groupKey}|${channel}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { groupKey, channel, group, routed: new Set() };
      pairs.set(key, pair);
    }
    return pair;
  };
  for (const record of records) {
    const group = {
      key: groupKeyOf(record.labels, input.policy.groupBy),
      labels: groupLabelsOf(record.labels, input.policy.groupBy),
    };
    groupOf.set(record.fingerprint, group);
    for (const channel of routeChannels(record, input.policy, input.now)) {
      if (input.configured.has(channel))
        pairFor(group.key, channel, group.labels).routed.add(record.fingerprint);
    }
  }
  // Whoever was told an alert fires hears when it resolves, even if routing changed since.
  for (const [key, entry] of Object.entries(state.notifications)) {
    const [groupKey = "", channel] = key.split("|") as [string, ChannelName];
    if (!input.configured.has(channel)) continue;
    const member = entry.firing.map((f) => groupOf.get(f)).find((g) => g?.key === groupKey);
    if (member) pairFor(groupKey, channel, member.labels);
  }
  return pairs;
}

/** Critical first, then the longest-failing, then by title: the worst news leads. */
function messageOrder(a: CheckRecord | undefined, b: CheckRecord | undefined): number {
  const rank = (r: CheckRecord | undefined) => (r?.labels.severity === "critical" ? 0 : 1);
  return (
    rank(a) - rank(b) ||
    (a?.failingSince ?? 0) - (b?.failingSince ?? 0) ||
    (a?.labels.title ?? "").localeCompare(b?.labels.title ?? "")
  );
}

function severityOf(views: AlertView[]) {
  return views.some((view) => view.severity === "critical") ? "critical" : "warning";
}

/** Decides which (group, channel) pairs get a message this run, and what they are told. */
export function plan(state: AlertState, input: PlanInput) {
  const { policy, now } = input;
  const records = Object.values(state.checks).filter(
    (record) => record.labels.environment === input.run.environment && input.include(record),
  );
  const byFingerprint = new Map(records.map((record) => [record.fingerprint, record]));
  const mutes = muteReasons(records, policy, now);
  const sends: PlannedSend[] = [];
  const silentUpdates: Array<{ key: string; entry: NotifyEntry | null }> = [];
  const decisions: PairDecision[] = [];
  // One view object per alert, shared by every channel's message.
  const viewCache = new Map<string, AlertView>();
  const viewFor = (fingerprint: string) => {
    let view = viewCache.get(fingerprint);
    if (!view) {
      view = viewOf(byFingerprint.get(fingerprint) as CheckRecord);
      viewCache.set(fingerprint, view);
    }
    return view;
  };

  for (const [key, pair] of collectPairs(state, records, input)) {
    const entry = state.notifications[key];
    const firing = [...pair.routed]
      .filter((f) => byFingerprint.get(f)?.status === "firing" && !mutes.has(f))
      .sort((a, b) => messageOrder(byFingerprint.get(a), byFingerprint.get(b)));
    const announced = (entry?.firing ?? []).filter((f) => byFingerprint.has(f));
    const resolved = announced.filter(
      (f) => byFingerprint.get(f)?.status === "ok" && !mutes.has(f),
    );
    const kept = announced.filter((f) => !firing.includes(f) && !resolved.includes(f));
    const settings = policy.channels[pair.channel];
    const decision = needsUpdate({
      entry,
      firing: new Set(firing),
      resolved: new Set(resolved),
      sendResolved: settings?.sendResolved ?? true,
      reminders: settings?.reminders ?? policy.reminders,
      now,
    });
    decisions.push({
      type: "decision",
      key,
      decision,
      firing,
      resolved,
      muted: [...pair.routed, ...announced]
        .filter((f, i, all) => mutes.has(f) && all.indexOf(f) === i)
        .map((fingerprint) => ({ fingerprint, reason: mutes.get(fingerprint) as MuteReason })),
    });
    if (decision.action === "none") continue;
    const nextFiring = [...firing, ...kept];
    const sentAt = decision.action === "send" ? now : (entry?.sentAt ?? now);
    const reminders = decision.reason === "reminder" ? (entry?.reminders ?? 0) + 1 : 0;
    const next = nextFiring.length > 0 ? { firing: nextFiring, sentAt, reminders } : null;
    if (decision.action === "record") {
      silentUpdates.push({ key, entry: next });
      continue;
    }
    const views = (ids: string[]) => ids.map(viewFor);
    const firingViews = views(firing);
    const resolvedViews = views(resolved);
    sends.push({
      entry: next,
      notification: {
        key,
        groupKey: pair.groupKey,
        channel: pair.channel,
        kind: "alert",
        reason: decision.reason,
        group: pair.group,
        severity: severityOf(firingViews.length > 0 ? firingViews : resolvedViews),
        firing: firingViews,
        resolved: resolvedViews,
        digest: [],
        run: input.run,
        decidedAt: now,
      },
    });
  }
  // Log entries whose alerts were all forgotten (renamed or deleted tests) would linger forever.
  for (const [key, entry] of Object.entries(state.notifications)) {
    if (!entry.firing.some((f) => f in state.checks)) silentUpdates.push({ key, entry: null });
  }
  const digest = input.withDigest ? planDigest(state, input) : undefined;
  if (digest) sends.push(digest);
  return { sends, silentUpdates, decisions };
}

function planDigest(state: AlertState, input: PlanInput): PlannedSend | undefined {
  const channel = digestChannel(input.policy, input.configured);
  const box = channel ? state.digests[channel] : undefined;
  if (!channel || !box || box.items.length === 0) return undefined;
  const interval = input.policy.digest.intervalMinutes[input.run.kind] * 60_000;
  const flapping = box.items.some((item) => item.kind !== "flaky");
  const due = box.lastSentAt === undefined || input.now - box.lastSentAt >= interval;
  if (!flapping && !due) return undefined;
  const groupKey = `synthetic/digest/${input.run.environment}`;
  return {
    entry: null,
    notification: {
      key: `${groupKey}|${channel}`,
      groupKey,
      channel,
      kind: "digest",
      reason: "digest",
      group: { environment: input.run.environment },
      severity: "warning",
      firing: [],
      resolved: [],
      digest: box.items,
      run: input.run,
      decidedAt: input.now,
    },
  };
}
