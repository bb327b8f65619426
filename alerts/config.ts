import { randomBytes } from "node:crypto";
import { z } from "zod";
import { listedSecrets, secretsFromEnv } from "../secrets/variables.ts";
import { type Silence, silenceSchema } from "./policy-schema.ts";
import type { EmailSettings } from "./transports/email.ts";
import type { TwilioSettings } from "./transports/twilio.ts";
import type { ChannelName, RunKind } from "./types.ts";

const LOCAL_FROM = "alerts@synthetic.local";
const LOCAL_TO = "oncall@synthetic.local";
const E164 = /^\+[1-9]\d{6,14}$/;

const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));
const url = (protocols: string[]) =>
  optional.refine((v) => v === undefined || protocols.includes(safeProtocol(v)), {
    message: `must be a ${protocols.map((p) => `${p}//`).join(" or ")} URL`,
  });
const list = optional.transform((v) =>
  v
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [],
);
const positiveInt = optional.refine((v) => v === undefined || /^[1-9]\d*$/.test(v), {
  message: "must be a positive whole number",
});

function safeProtocol(value: string) {
  try {
    return new URL(value).protocol;
  } catch {
    return "";
  }
}

const envSchema = z.object({
  SYNTHETIC_ENV: optional.transform((v) => v ?? "local"),
  SYNTHETIC_RUN_KIND: z.enum(["acceptance", "scheduled"]).default("acceptance"),
  SYNTHETIC_RUN_ID: optional,
  GITHUB_RUN_ID: optional,
  GITHUB_RUN_ATTEMPT: optional,
  ALERT_SMTP_URL: url(["smtp:", "smtps:"]),
  ALERT_EMAIL_FROM: optional,
  ALERT_EMAIL_TO: list,
  MAIL_SINK_SMTP_URL: url(["smtp:", "smtps:"]),
  ALERT_SLACK_WEBHOOK_URL: url(["https:", "http:"]),
  ALERT_TWILIO_ACCOUNT_SID: optional,
  ALERT_TWILIO_AUTH_TOKEN: optional,
  ALERT_TWILIO_FROM: optional,
  ALERT_TWILIO_MESSAGING_SERVICE_SID: optional,
  ALERT_SMS_TO: list.refine((numbers) => numbers.every((n) => E164.test(n)), {
    message: "must be comma-separated E.164 numbers like +14155550100",
  }),
  ALERT_TWILIO_API_URL: url(["https:", "http:"]).transform((v) => v ?? "https://api.twilio.com"),
  ALERT_WEBHOOK_URL: url(["https:", "http:"]),
  ALERT_PAGERDUTY_ROUTING_KEY: optional,
  ALERT_PAGERDUTY_API_URL: url(["https:", "http:"]).transform(
    (v) => v ?? "https://events.pagerduty.com",
  ),
  ALERT_STATE_PATH: optional.transform((v) => v ?? ".alerts/state.json"),
  ALERT_STATE_DATABASE_URL: url(["postgres:", "postgresql:"]),
  ALERT_STATE_KEY: optional.transform((v) => v ?? "default"),
  ALERT_JOURNAL_PATH: optional.transform((v) => v ?? ".alerts/journal.jsonl"),
  ALERT_DELIVERY_BUDGET_MS: positiveInt,
  ALERT_ATTEMPT_TIMEOUT_MS: positiveInt,
  ALERT_REPORT_URL: url(["https:", "http:"]),
  ALERT_ARTIFACTS_URL: url(["https:", "http:"]),
  ALERT_POLICY: optional,
  ALERT_SILENCES: optional,
});

type Env = z.output<typeof envSchema>;

export interface ChannelSettings {
  email?: EmailSettings;
  slack?: { webhookUrl: string };
  sms?: TwilioSettings;
  webhook?: { url: string };
  pagerduty?: { routingKey: string; apiUrl: string };
}

export interface AlertConfig {
  environment: string;
  runKind: RunKind;
  runId: string;
  reportUrl?: string;
  artifactsUrl?: string;
  channels: ChannelSettings;
  /** No channel configured, so alerts go to the reference stack's mail sink and the console. */
  localDefault: boolean;
  state: { kind: "file"; path: string } | { kind: "postgres"; url: string; key: string };
  journalPath: string;
  delivery: { budgetMs?: number; attemptTimeoutMs?: number };
  silences: Silence[];
  policyPath?: string;
  /** Every secret value the redactor must hide (it adds their URL parts itself). */
  secrets: string[];
}

/** Names the env variables a half-configured channel still needs. */
function requireTogether(env: Env, names: Array<keyof Env>, ctx: z.RefinementCtx) {
  const present = names.filter((n) => {
    const v = env[n];
    return Array.isArray(v) ? v.length > 0 : v !== undefined;
  });
  if (present.length === 0 || present.length === names.length) return;
  for (const name of names.filter((n) => !present.includes(n))) {
    ctx.addIssue({
      code: "custom",
      path: [name],
      message: `is required with ${present.join(", ")}`,
    });
  }
}

const checkedEnv = envSchema.superRefine((env, ctx) => {
  requireTogether(env, ["ALERT_SMTP_URL", "ALERT_EMAIL_TO"], ctx);
  requireTogether(
    env,
    ["ALERT_TWILIO_ACCOUNT_SID", "ALERT_TWILIO_AUTH_TOKEN", "ALERT_SMS_TO"],
    ctx,
  );
  if (
    env.ALERT_TWILIO_ACCOUNT_SID &&
    !env.ALERT_TWILIO_FROM &&
    !env.ALERT_TWILIO_MESSAGING_SERVICE_SID
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["ALERT_TWILIO_FROM"],
      message: "or ALERT_TWILIO_MESSAGING_SERVICE_SID is required to send SMS",
    });
  }
});

function parseSilences(raw: string | undefined): Silence[] {
  if (!raw) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("ALERT_SILENCES: is not valid JSON (expected an array of silences)");
  }
  const parsed = z.array(silenceSchema).safeParse(json);
  if (!parsed.success) throw new Error(`ALERT_SILENCES: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function channelsOf(env: Env): ChannelSettings {
  const channels: ChannelSettings = {};
  if (env.ALERT_SMTP_URL) {
    channels.email = {
      smtpUrl: env.ALERT_SMTP_URL,
      from: env.ALERT_EMAIL_FROM ?? LOCAL_FROM,
      to: env.ALERT_EMAIL_TO,
    };
  }
  if (env.ALERT_SLACK_WEBHOOK_URL) channels.slack = { webhookUrl: env.ALERT_SLACK_WEBHOOK_URL };
  if (env.ALERT_TWILIO_ACCOUNT_SID && env.ALERT_TWILIO_AUTH_TOKEN) {
    channels.sms = {
      accountSid: env.ALERT_TWILIO_ACCOUNT_SID,
      authToken: env.ALERT_TWILIO_AUTH_TOKEN,
      from: env.ALERT_TWILIO_FROM,
      messagingServiceSid: env.ALERT_TWILIO_MESSAGING_SERVICE_SID,
      to: env.ALERT_SMS_TO,
      apiUrl: env.ALERT_TWILIO_API_URL,
    };
  }
  if (env.ALERT_WEBHOOK_URL) channels.webhook = { url: env.ALERT_WEBHOOK_URL };
  if (env.ALERT_PAGERDUTY_ROUTING_KEY) {
    channels.pagerduty = {
      routingKey: env.ALERT_PAGERDUTY_ROUTING_KEY,
      apiUrl: env.ALERT_PAGERDUTY_API_URL,
    };
  }
  return channels;
}

/** Bad ALERT_* settings, one problem per variable, never a value. */
export class AlertConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`alert configuration is invalid:\n  ${problems.join("\n  ")}`);
    this.name = "AlertConfigError";
  }
}

/** Reads the alerting configuration once; a bad value throws naming its variable. */
export function configFromEnv(source: NodeJS.ProcessEnv = process.env): AlertConfig {
  const parsed = checkedEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new AlertConfigError(lines);
  }
  const env = parsed.data;
  const channels = channelsOf(env);
  const localDefault = Object.keys(channels).length === 0 && env.MAIL_SINK_SMTP_URL !== undefined;
  if (localDefault && env.MAIL_SINK_SMTP_URL) {
    channels.email = { smtpUrl: env.MAIL_SINK_SMTP_URL, from: LOCAL_FROM, to: [LOCAL_TO] };
  }
  const github = env.GITHUB_RUN_ID && `gh-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? "1"}`;
  return {
    environment: env.SYNTHETIC_ENV,
    runKind: env.SYNTHETIC_RUN_KIND,
    runId:
      env.SYNTHETIC_RUN_ID ??
      github ??
      `run-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`,
    reportUrl: env.ALERT_REPORT_URL,
    artifactsUrl: env.ALERT_ARTIFACTS_URL,
    channels,
    localDefault,
    state: env.ALERT_STATE_DATABASE_URL
      ? { kind: "postgres", url: env.ALERT_STATE_DATABASE_URL, key: env.ALERT_STATE_KEY }
      : { kind: "file", path: env.ALERT_STATE_PATH },
    journalPath: env.ALERT_JOURNAL_PATH,
    delivery: {
      budgetMs: env.ALERT_DELIVERY_BUDGET_MS ? Number(env.ALERT_DELIVERY_BUDGET_MS) : undefined,
      attemptTimeoutMs: env.ALERT_ATTEMPT_TIMEOUT_MS
        ? Number(env.ALERT_ATTEMPT_TIMEOUT_MS)
        : undefined,
    },
    silences: parseSilences(env.ALERT_SILENCES),
    policyPath: env.ALERT_POLICY,
    // The one list of secret variables, plus anything whose name looks secret.
    secrets: [...secretsFromEnv(source), ...listedSecrets(source).map((secret) => secret.value)],
  };
}

export function configuredChannels(config: Pick<AlertConfig, "channels">): Set<ChannelName> {
  return new Set(Object.keys(config.channels) as ChannelName[]);
}
