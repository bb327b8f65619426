import type { Redactor } from "../secrets/redactor.ts";
import type { PlannedSend } from "./plan.ts";
import type { Policy } from "./policy-schema.ts";
import { type AttemptRecord, type DeliveryResult, sendWithRetry } from "./retry.ts";
import type { Transport } from "./transports/transport.ts";
import type { ChannelName, Notification } from "./types.ts";

export interface Delivered {
  send: PlannedSend;
  /** What the receiver was actually given (redacted). */
  notification: Notification;
  result: DeliveryResult;
  /** Milliseconds since delivery started when the receiver accepted it. */
  acceptedAfterMs?: number;
}

export interface DeliveryContext {
  transports: ReadonlyMap<ChannelName, Transport>;
  delivery: Policy["delivery"];
  redactor: Redactor;
  onAttempt: (notification: Notification, record: AttemptRecord) => void;
  random?: () => number;
}

/**
 * Channels work in parallel and independently; within a channel messages go
 * one after another, because receivers like Slack rate-limit per webhook.
 */
export async function deliverAll(
  sends: readonly PlannedSend[],
  ctx: DeliveryContext,
  window: { startedAt: number; deadline: number },
): Promise<Delivered[]> {
  const byChannel = new Map<ChannelName, PlannedSend[]>();
  for (const send of sends) {
    const queue = byChannel.get(send.notification.channel) ?? [];
    queue.push(send);
    byChannel.set(send.notification.channel, queue);
  }
  const queues = [...byChannel].map(async ([channel, queue]) => {
    const transport = ctx.transports.get(channel);
    const out: Delivered[] = [];
    for (const send of queue) {
      const notification = ctx.redactor.deep(send.notification);
      if (!transport) {
        const result = {
          ok: false as const,
          attempts: 0,
          reason: `channel ${channel} is not configured`,
          why: "final" as const,
        };
        out.push({ send, notification, result });
        continue;
      }
      const result = await sendWithRetry(transport, notification, {
        deadline: window.deadline,
        attemptTimeoutMs: ctx.delivery.attemptTimeoutMs,
        maxAttempts: ctx.delivery.maxAttempts,
        backoffMs: ctx.delivery.backoffMs,
        random: ctx.random,
        onAttempt: (record) => ctx.onAttempt(notification, record),
      });
      const acceptedAfterMs = result.ok ? Date.now() - window.startedAt : undefined;
      out.push({ send, notification, result, acceptedAfterMs });
    }
    return out;
  });
  return (await Promise.all(queues)).flat();
}

/**
 * Stand-ins for critical alert messages that could not be delivered: the
 * channel's declared fallback, following the chain past channels that are
 * themselves broken this run, unless that channel already carried the group.
 */
export function fallbackSends(
  delivered: readonly Delivered[],
  policy: Pick<Policy, "channels">,
  transports: ReadonlyMap<ChannelName, Transport>,
): PlannedSend[] {
  const broken = new Set(
    delivered.filter((d) => !d.result.ok).map((d) => d.send.notification.channel),
  );
  const carried = new Set(delivered.filter((d) => d.result.ok).map((d) => d.send.notification.key));
  const out: PlannedSend[] = [];
  for (const failed of delivered) {
    const n = failed.send.notification;
    if (failed.result.ok || n.kind !== "alert" || n.severity !== "critical") continue;
    let channel = policy.channels[n.channel]?.fallback;
    const seen = new Set<ChannelName>([n.channel]);
    while (channel && !seen.has(channel) && (broken.has(channel) || !transports.has(channel))) {
      seen.add(channel);
      channel = policy.channels[channel]?.fallback;
    }
    if (!channel || seen.has(channel)) continue;
    const key = `${n.groupKey}|${channel}`;
    if (carried.has(key)) continue;
    carried.add(key);
    out.push({
      entry: null,
      notification: {
        ...n,
        key,
        channel,
        reason: "fallback",
        fallbackFor: { channel: n.channel, reason: failed.result.ok ? "" : failed.result.reason },
      },
    });
  }
  return out;
}
