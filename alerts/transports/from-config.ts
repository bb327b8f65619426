import type { ChannelSettings } from "../config.ts";
import type { ChannelName } from "../types.ts";
import { emailTransport } from "./email.ts";
import { pagerDutyTransport } from "./pagerduty.ts";
import { slackTransport } from "./slack.ts";
import type { Transport } from "./transport.ts";
import { twilioTransport } from "./twilio.ts";
import { webhookTransport } from "./webhook.ts";

/** One transport per configured channel; unconfigured channels simply have none. */
export function transportsFor(channels: ChannelSettings, attemptTimeoutMs: number) {
  const transports = new Map<ChannelName, Transport>();
  if (channels.email) transports.set("email", emailTransport(channels.email, attemptTimeoutMs));
  if (channels.slack) transports.set("slack", slackTransport(channels.slack));
  if (channels.sms) transports.set("sms", twilioTransport(channels.sms));
  if (channels.webhook) transports.set("webhook", webhookTransport(channels.webhook));
  if (channels.pagerduty) transports.set("pagerduty", pagerDutyTransport(channels.pagerduty));
  return transports;
}
