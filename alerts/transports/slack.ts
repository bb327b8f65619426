import { renderSlack } from "../messages/slack.ts";
import type { Notification } from "../types.ts";
import { outcomeOf, postJson, warmHttp } from "./http.ts";
import type { Transport } from "./transport.ts";

/** Slack incoming webhook: 200 `ok`; errors are short codes in the body (invalid_payload, …). */
export function slackTransport(settings: { webhookUrl: string }): Transport {
  return {
    channel: "slack",
    warm: warmHttp,
    async send(notification: Notification, signal: AbortSignal) {
      const reply = await postJson(settings.webhookUrl, renderSlack(notification), signal);
      return outcomeOf(reply, { service: "Slack", idempotent: true });
    },
  };
}
