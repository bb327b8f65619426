import type { Delivered } from "./deliver.ts";
import { NOTIFIER_TIER } from "./routing.ts";
import type { ChannelName, CheckResult } from "./types.ts";

/**
 * Each channel is itself a check: it fails when it could not carry a critical
 * group's message, passes when it delivered anything. Its alert is never
 * routed to the channel it is about.
 */
export function notifierResults(
  delivered: readonly Delivered[],
  environment: string,
): CheckResult[] {
  const failures = new Map<ChannelName, string>();
  const successes = new Set<ChannelName>();
  for (const { send, result } of delivered) {
    const n = send.notification;
    if (result.ok) successes.add(n.channel);
    else if (n.kind === "alert" && n.severity === "critical" && !failures.has(n.channel)) {
      failures.set(n.channel, result.reason);
    }
  }
  const channels = new Set([...failures.keys(), ...successes]);
  return [...channels].map((channel) => ({
    labels: {
      environment,
      project: "alerts",
      file: "alerts/notifier",
      title: `notifier ${channel} delivers alerts`,
      tier: NOTIFIER_TIER,
      severity: "critical",
      tags: ["@notifier"],
    },
    outcome: failures.has(channel) ? "failed" : "passed",
    error: failures.get(channel),
    avoidChannel: channel,
  }));
}
