import type { AlertState, Notification, NotifyEntry } from "./types.ts";

/** A state change, kept as a function so a run can replay it onto a newer state after a write race. */
export type StateOp = (state: AlertState) => AlertState;

export function setEntry(key: string, entry: NotifyEntry | null): StateOp {
  return (state) => {
    const notifications = { ...state.notifications };
    if (entry) notifications[key] = entry;
    else delete notifications[key];
    return { ...state, notifications };
  };
}

/** The entry a stand-in channel keeps after carrying a message, so it also hears the resolve. */
export function fallbackEntry(
  previous: NotifyEntry | undefined,
  notification: Notification,
  now: number,
): NotifyEntry | null {
  const resolved = new Set(notification.resolved.map((view) => view.fingerprint));
  const firing = new Set([
    ...(previous?.firing ?? []).filter((f) => !resolved.has(f)),
    ...notification.firing.map((view) => view.fingerprint),
  ]);
  return firing.size > 0 ? { firing: [...firing], sentAt: now, reminders: 0 } : null;
}

export function clearDigest(notification: Notification, now: number): StateOp {
  const sent = new Set(notification.digest.map((item) => `${item.kind}|${item.fingerprint}`));
  return (state) => {
    const box = state.digests[notification.channel];
    const items = (box?.items ?? []).filter(
      (item) => !sent.has(`${item.kind}|${item.fingerprint}`),
    );
    return {
      ...state,
      digests: { ...state.digests, [notification.channel]: { items, lastSentAt: now } },
    };
  };
}

export function applyAll(state: AlertState, ops: readonly StateOp[]): AlertState {
  return ops.reduce((current, op) => op(current), state);
}
