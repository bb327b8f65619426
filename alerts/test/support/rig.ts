import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configFromEnv } from "../../config.ts";
import type { Policy } from "../../policy-schema.ts";
import { type RunAlertsInput, runAlerts } from "../../run.ts";
import type { CheckResult } from "../../types.ts";
import { httpReceiver, pagerDutyOk, slackOk, smtpReceiver, twilioOk } from "./receivers.ts";

/** Secrets the rig hands to the alerting code; none may leave it in clear. */
export const SECRETS = {
  smtpPass: "smtp-Pass-5ecret",
  slackToken: "slackSecretToken0123",
  twilioToken: "twilioSecretToken0123456789abcd",
  webhookToken: "webhookSecret0123",
  routingKey: "pdRoutingKeySecret0123456789abcd",
  serviceRole: "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXNlY3JldA",
};

/** Every channel with a live receiver on loopback, plus a temp folder for state and journal. */
export async function startRig(options: { parseMail?: boolean } = {}) {
  const smtp = await smtpReceiver(
    { user: "alerts", pass: SECRETS.smtpPass },
    { parse: options.parseMail },
  );
  const slack = await httpReceiver(slackOk);
  const twilio = await httpReceiver(twilioOk);
  const pagerduty = await httpReceiver(pagerDutyOk);
  const webhook = await httpReceiver(() => ({ status: 200, body: "" }));
  const dir = await mkdtemp(join(tmpdir(), "alerts-rig-"));
  const env: Record<string, string> = {
    SYNTHETIC_ENV: "local",
    SYNTHETIC_RUN_KIND: "acceptance",
    ALERT_SMTP_URL: smtp.url,
    ALERT_EMAIL_TO: "oncall@example.test",
    ALERT_SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/${SECRETS.slackToken}`,
    ALERT_TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef",
    ALERT_TWILIO_AUTH_TOKEN: SECRETS.twilioToken,
    ALERT_TWILIO_FROM: "+15005550006",
    ALERT_SMS_TO: "+14155550100",
    ALERT_TWILIO_API_URL: twilio.url,
    ALERT_WEBHOOK_URL: `${webhook.url}/hook?token=${SECRETS.webhookToken}`,
    ALERT_PAGERDUTY_ROUTING_KEY: SECRETS.routingKey,
    ALERT_PAGERDUTY_API_URL: pagerduty.url,
    ALERT_STATE_PATH: join(dir, "state.json"),
    ALERT_JOURNAL_PATH: join(dir, "journal.jsonl"),
    ALERT_DELIVERY_BUDGET_MS: "3000",
    ALERT_ATTEMPT_TIMEOUT_MS: "1000",
    SUPABASE_SERVICE_ROLE_KEY: SECRETS.serviceRole,
  };
  const receivers = { email: smtp, slack, sms: twilio, pagerduty, webhook };
  let run = 0;
  return {
    ...receivers,
    dir,
    env,
    /** How many messages each receiver has taken so far. */
    counts: () => ({
      email: smtp.mails.length,
      slack: slack.received.length,
      sms: twilio.received.length,
      pagerduty: pagerduty.received.length,
      webhook: webhook.received.length,
    }),
    journal: async () =>
      (await readFile(env.ALERT_JOURNAL_PATH as string, "utf8"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { type: string } & Record<string, unknown>),
    /** One alerting run with this rig's env and an injected clock. */
    run: (
      results: CheckResult[],
      now: number,
      extra: Partial<RunAlertsInput> & { policy?: Policy; env?: Record<string, string> } = {},
    ) => {
      run += 1;
      const { env: extraEnv, ...rest } = extra;
      const config = configFromEnv({ ...env, SYNTHETIC_RUN_ID: `rig-run-${run}`, ...extraEnv });
      const lines: string[] = [];
      return import("../../policy.ts").then(async ({ default: policy }) => {
        const report = await runAlerts({
          results,
          config,
          policy,
          now: () => now,
          log: (l) => lines.push(l),
          ...rest,
        });
        return { ...report, lines };
      });
    },
    close: async () => {
      await Promise.all(Object.values(receivers).map((r) => r.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type Rig = Awaited<ReturnType<typeof startRig>>;
