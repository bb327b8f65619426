import { setTimeout as sleep } from "node:timers/promises";
import type { SendOutcome, Transport } from "./transports/transport.ts";
import type { Notification } from "./types.ts";

export interface AttemptRecord {
  attempt: number;
  outcome: SendOutcome;
  durationMs: number;
  /** How long we wait before the next attempt, if there is one. */
  waitMs?: number;
}

export interface RetryOptions {
  /** Absolute time (Date.now scale) after which no attempt starts and no wait ends. */
  deadline: number;
  attemptTimeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  random?: () => number;
  onAttempt?: (record: AttemptRecord) => void;
}

export type DeliveryResult =
  | { ok: true; attempts: number; detail?: string }
  | { ok: false; attempts: number; reason: string; why: "final" | "attempts" | "budget" };

/** Exponential with jitter in [½, 1] of the step, so retries from many runs do not line up. */
export function backoffDelay(attempt: number, baseMs: number, random: () => number): number {
  return Math.round(baseMs * 2 ** (attempt - 1) * (0.5 + random() / 2));
}

async function attemptOnce(transport: Transport, n: Notification, timeoutMs: number) {
  const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
  try {
    return await transport.send(n, signal);
  } catch (error) {
    // A transport that throws is a bug, not a flaky network: do not hammer it.
    return {
      ok: false as const,
      retry: "no" as const,
      reason: `transport error: ${(error as Error).message}`,
    };
  }
}

/**
 * Sends with retries inside a deadline. Retries connection errors, timeouts and
 * 5xx; waits out 429's Retry-After when it fits; `once` failures (maybe sent,
 * not idempotent) get one more try at most.
 */
export async function sendWithRetry(
  transport: Transport,
  notification: Notification,
  options: RetryOptions,
): Promise<DeliveryResult> {
  const random = options.random ?? Math.random;
  let usedOnce = false;
  let last = "not attempted";
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    const remaining = options.deadline - Date.now();
    if (remaining <= 0)
      return {
        ok: false,
        attempts: attempt - 1,
        reason: `delivery budget exhausted; last: ${last}`,
        why: "budget",
      };
    const started = Date.now();
    const outcome = await attemptOnce(
      transport,
      notification,
      Math.min(options.attemptTimeoutMs, remaining),
    );
    const durationMs = Date.now() - started;
    if (outcome.ok) {
      options.onAttempt?.({ attempt, outcome, durationMs });
      return { ok: true, attempts: attempt, detail: outcome.detail };
    }
    last = outcome.reason;
    const stop = (why: "final" | "attempts" | "budget", reason = outcome.reason) => {
      options.onAttempt?.({ attempt, outcome, durationMs });
      return { ok: false as const, attempts: attempt, reason, why };
    };
    if (outcome.retry === "no") return stop("final");
    if (outcome.retry === "once" && usedOnce)
      return stop("final", `${outcome.reason} (not retried again: may have been sent)`);
    if (attempt === options.maxAttempts) return stop("attempts");
    usedOnce ||= outcome.retry === "once";
    const waitMs = outcome.retryAfterMs ?? backoffDelay(attempt, options.backoffMs, random);
    if (Date.now() + waitMs >= options.deadline) {
      const why =
        outcome.retryAfterMs !== undefined
          ? `Retry-After ${Math.ceil(waitMs / 1000)} s`
          : `next try in ${waitMs} ms`;
      return stop("budget", `${outcome.reason}; ${why} is past the delivery budget`);
    }
    options.onAttempt?.({ attempt, outcome, durationMs, waitMs });
    await sleep(waitMs);
  }
  return { ok: false, attempts: options.maxAttempts, reason: last, why: "attempts" };
}
