import assert from "node:assert/strict";
import { test } from "node:test";
import { configFromEnv } from "../config.ts";
import projectPolicy from "../policy.ts";
import { definePolicy, type PolicyInput } from "../policy-schema.ts";

test("defaults: local, acceptance, no channel, state in .alerts/", () => {
  const config = configFromEnv({});
  assert.equal(config.environment, "local");
  assert.equal(config.runKind, "acceptance");
  assert.deepEqual(config.channels, {});
  assert.equal(config.localDefault, false);
  assert.deepEqual(config.state, { kind: "file", path: ".alerts/state.json" });
  assert.equal(config.journalPath, ".alerts/journal.jsonl");
});

test("with no channel configured, the reference stack's mail sink is the local default", () => {
  const config = configFromEnv({ MAIL_SINK_SMTP_URL: "smtp://127.0.0.1:2525" });
  assert.equal(config.localDefault, true);
  assert.deepEqual(config.channels.email, {
    smtpUrl: "smtp://127.0.0.1:2525",
    from: "alerts@synthetic.local",
    to: ["oncall@synthetic.local"],
  });
  const real = configFromEnv({
    MAIL_SINK_SMTP_URL: "smtp://127.0.0.1:2525",
    ALERT_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/a/b/c",
  });
  assert.equal(real.localDefault, false, "a configured channel replaces the sink");
  assert.equal(real.channels.email, undefined);
});

const rejects = (env: Record<string, string>, ...names: RegExp[]) => {
  assert.throws(
    () => configFromEnv(env),
    (error: Error) => {
      for (const name of names) assert.match(error.message, name);
      return true;
    },
  );
};

test("a bad or half-configured value stops the run naming the variable", () => {
  rejects(
    { ALERT_TWILIO_ACCOUNT_SID: "AC1" },
    /ALERT_TWILIO_AUTH_TOKEN: is required/,
    /ALERT_SMS_TO: is required/,
    /ALERT_TWILIO_FROM/,
  );
  rejects({ ALERT_SMS_TO: "0170 1234567" }, /ALERT_SMS_TO: must be comma-separated E\.164/);
  rejects({ ALERT_SMTP_URL: "smtp://mail:25" }, /ALERT_EMAIL_TO: is required with ALERT_SMTP_URL/);
  rejects(
    { ALERT_SMTP_URL: "http://mail:25", ALERT_EMAIL_TO: "a@b.c" },
    /ALERT_SMTP_URL: must be a smtp:\/\/ or smtps:\/\/ URL/,
  );
  rejects({ SYNTHETIC_RUN_KIND: "nightly" }, /SYNTHETIC_RUN_KIND/);
  rejects(
    { ALERT_DELIVERY_BUDGET_MS: "ten" },
    /ALERT_DELIVERY_BUDGET_MS: must be a positive whole number/,
  );
  rejects({ ALERT_SILENCES: "[{" }, /ALERT_SILENCES: is not valid JSON/);
  rejects(
    {
      ALERT_SILENCES:
        '[{"matchers":{},"startsAt":"2026-01-02T00:00:00Z","endsAt":"2026-01-01T00:00:00Z"}]',
    },
    /ALERT_SILENCES:.*end after it starts/s,
  );
});

test("error messages name variables, never their secret values", () => {
  assert.throws(
    () => configFromEnv({ ALERT_SMTP_URL: "smtp://u:topsecretpw@mail:25" }),
    (error: Error) => !error.message.includes("topsecretpw"),
  );
});

test("channels, store and silences from env", () => {
  const config = configFromEnv({
    ALERT_TWILIO_ACCOUNT_SID: "AC1",
    ALERT_TWILIO_AUTH_TOKEN: "tok-123456",
    ALERT_TWILIO_MESSAGING_SERVICE_SID: "MG1",
    ALERT_SMS_TO: "+14155550100, +14155550101",
    ALERT_PAGERDUTY_ROUTING_KEY: "r".repeat(32),
    ALERT_STATE_DATABASE_URL: "postgres://postgres:pw@db:5432/postgres",
    ALERT_SILENCES:
      '[{"matchers":{"tier":"database"},"startsAt":"2026-11-26T01:00:00Z","endsAt":"2026-11-26T03:00:00Z","comment":"migration"}]',
    SYNTHETIC_ENV: "production",
    SYNTHETIC_RUN_KIND: "scheduled",
    GITHUB_RUN_ID: "987",
  });
  assert.deepEqual(config.channels.sms?.to, ["+14155550100", "+14155550101"]);
  assert.equal(config.channels.sms?.apiUrl, "https://api.twilio.com");
  assert.equal(config.channels.pagerduty?.apiUrl, "https://events.pagerduty.com");
  assert.deepEqual(config.state, {
    kind: "postgres",
    url: "postgres://postgres:pw@db:5432/postgres",
    key: "default",
  });
  assert.equal(config.silences[0]?.endsAt, Date.parse("2026-11-26T03:00:00Z"));
  assert.equal(config.runId, "gh-987-1");
  assert.ok(config.secrets.includes("tok-123456"));
  assert.ok(config.secrets.includes("r".repeat(32)));
});

const base: PolicyInput = {
  thresholds: {
    acceptance: { critical: { failures: 1 }, warning: { failures: 1 } },
    scheduled: { critical: { failures: 2 }, warning: { failures: 3 } },
  },
  routes: [{ channels: ["email"] }],
  digest: { channels: ["email"], intervalMinutes: { acceptance: 0, scheduled: 60 } },
  notifier: { channels: ["email"] },
};

test("the policy is validated: mistakes are named with their path", () => {
  assert.doesNotThrow(() => definePolicy(base));
  assert.doesNotThrow(() => definePolicy(projectPolicy), "the project policy re-validates");
  const bad: Array<[Partial<PolicyInput>, RegExp]> = [
    [{ channels: { sms: { fallback: "sms" } } }, /cannot fall back to itself/],
    [
      { digest: { channels: ["sms"], intervalMinutes: { acceptance: 0, scheduled: 0 } } },
      /must never page/,
    ],
    [{ flapping: { low: 60, high: 40 } }, /flapping.low must be below/],
    [{ routes: [{ channels: ["fax" as "email"] }] }, /routes/],
    [
      { routes: [{ channels: ["email"], escalate: [{ channels: ["sms"] }] }] },
      /afterMinutes or afterRuns/,
    ],
  ];
  for (const [change, message] of bad) {
    assert.throws(() => definePolicy({ ...base, ...change }), message);
  }
});
