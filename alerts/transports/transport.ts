import type { ChannelName, Notification } from "../types.ts";

/**
 * `once`: the request may have gone through (a timeout or 5xx on a call that is
 * not idempotent, like creating an SMS), so one more try at most.
 */
export type RetryClass = "no" | "yes" | "once";

export type SendOutcome =
  | { ok: true; detail?: string }
  | { ok: false; retry: RetryClass; retryAfterMs?: number; reason: string };

/** A thin sender: renders one notification for its channel and reports what happened. */
export interface Transport {
  readonly channel: ChannelName;
  send(notification: Notification, signal: AbortSignal): Promise<SendOutcome>;
  /** Prepares while tests still run (an SMTP session, the HTTP client), when an alert looks likely. */
  warm?(): void;
  close?(): Promise<void>;
}
