import { matches } from "./matchers.ts";
import type { Policy, Route } from "./policy-schema.ts";
import type { ChannelName, CheckRecord } from "./types.ts";

/** Tier of the synthetic checks that watch our own channels ("notifier broken"). */
export const NOTIFIER_TIER = "notifier";

function escalationReached(record: CheckRecord, step: Route["escalate"][number], now: number) {
  if (record.status !== "firing" || record.firingSince === undefined) return false;
  const byTime =
    step.afterMinutes !== undefined && now - record.firingSince >= step.afterMinutes * 60_000;
  const byRuns = step.afterRuns !== undefined && record.firingRuns >= step.afterRuns;
  return byTime || byRuns;
}

/**
 * Walks the routes top-down; the first match wins unless it says `continue`.
 * Escalation steps a still-firing check has reached add their channels.
 */
export function routeChannels(
  record: CheckRecord,
  policy: Pick<Policy, "routes" | "notifier">,
  now: number,
): Set<ChannelName> {
  const channels = new Set<ChannelName>();
  if (record.labels.tier === NOTIFIER_TIER) {
    for (const channel of policy.notifier.channels) channels.add(channel);
  } else {
    for (const route of policy.routes) {
      if (!matches(route.match, record.labels)) continue;
      for (const channel of route.channels) channels.add(channel);
      for (const step of route.escalate) {
        if (!escalationReached(record, step, now)) continue;
        for (const channel of step.channels) channels.add(channel);
      }
      if (!route.continue) break;
    }
  }
  if (record.avoidChannel) channels.delete(record.avoidChannel);
  return channels;
}
