import { renderPagerDuty } from "../messages/pagerduty.ts";
import type { Notification } from "../types.ts";
import { outcomeOf, postJson, warmHttp } from "./http.ts";
import type { Transport } from "./transport.ts";

function describe(body: string): string {
  try {
    const json = JSON.parse(body) as { status?: string; message?: string; errors?: string[] };
    return [json.status, json.message, ...(json.errors ?? [])].filter(Boolean).join(": ");
  } catch {
    return body.trim().slice(0, 200);
  }
}

/** Events API v2: 202 accepted, 400 final, 429 and 5xx worth another try; dedup_key makes it idempotent. */
export function pagerDutyTransport(settings: { routingKey: string; apiUrl: string }): Transport {
  const url = new URL("/v2/enqueue", settings.apiUrl).toString();
  return {
    channel: "pagerduty",
    warm: warmHttp,
    async send(notification: Notification, signal: AbortSignal) {
      const reply = await postJson(url, renderPagerDuty(notification, settings.routingKey), signal);
      return outcomeOf(reply, { service: "PagerDuty", idempotent: true, describe });
    },
  };
}
