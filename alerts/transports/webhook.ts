import { renderWebhook } from "../messages/webhook.ts";
import type { Notification } from "../types.ts";
import { outcomeOf, postJson, warmHttp } from "./http.ts";
import type { Transport } from "./transport.ts";

/** A generic JSON webhook; receivers deduplicate on `groupKey` + `decidedAt`. */
export function webhookTransport(settings: { url: string }): Transport {
  return {
    channel: "webhook",
    warm: warmHttp,
    async send(notification: Notification, signal: AbortSignal) {
      const reply = await postJson(settings.url, renderWebhook(notification), signal, {
        "user-agent": "synthetic-monitor-alerts",
      });
      return outcomeOf(reply, { service: "Webhook", idempotent: true });
    },
  };
}
