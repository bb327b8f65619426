import type { NotifyEntry } from "./types.ts";

export type UpdateDecision =
  | { action: "send"; reason: "new" | "grown" | "resolved" | "reminder" }
  | { action: "record"; reason: "resolved" }
  | { action: "none"; reason: "nothing-firing" | "unchanged" | "muted" | "reminders-exhausted" };

export interface UpdateQuestion {
  /** What this (group, channel) was last told; undefined if never. */
  entry: NotifyEntry | undefined;
  /** Unmuted firing alerts of the group routed to this channel. */
  firing: ReadonlySet<string>;
  /** Alerts in `entry.firing` that have resolved since (never-announced ones cannot be here). */
  resolved: ReadonlySet<string>;
  sendResolved: boolean;
  reminders: { intervalMinutes: number; amount: number };
  now: number;
}

/**
 * Alertmanager's needsUpdate, with two changes written down in the README:
 * reminders are counted (`amount`), and a channel that does not want resolved
 * notices still has its log updated ("record"), so an alert that resolves and
 * fires again is announced again instead of hiding until the next reminder.
 */
export function needsUpdate(q: UpdateQuestion): UpdateDecision {
  if (!q.entry || q.entry.firing.length === 0) {
    return q.firing.size > 0
      ? { action: "send", reason: "new" }
      : { action: "none", reason: "nothing-firing" };
  }
  const announced = new Set(q.entry.firing);
  for (const fingerprint of q.firing) {
    if (!announced.has(fingerprint)) return { action: "send", reason: "grown" };
  }
  if (q.resolved.size > 0) {
    return q.sendResolved
      ? { action: "send", reason: "resolved" }
      : { action: "record", reason: "resolved" };
  }
  if (q.firing.size === 0) return { action: "none", reason: "muted" };
  if (q.now - q.entry.sentAt < q.reminders.intervalMinutes * 60_000) {
    return { action: "none", reason: "unchanged" };
  }
  if (q.entry.reminders >= q.reminders.amount) {
    return { action: "none", reason: "reminders-exhausted" };
  }
  return { action: "send", reason: "reminder" };
}
