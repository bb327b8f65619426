// The one list of secret variables, seen from both sides: a leak of any of
// them into an artifact is found and redacted, and alert messages hide the
// same variables. Written first against the two old lists, where it failed:
// ALERT_STATE_DATABASE_URL was missing from the artifact side and
// VERCEL_PROTECTION_BYPASS from the alert side.
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import AdmZip from "adm-zip";
import { configFromEnv } from "../../alerts/config.ts";
import { FOR_MESSAGES, Redactor } from "../redactor.ts";
import { scanForSecrets } from "../scan.ts";
import { configuredSecrets, SECRET_VARIABLES } from "../variables.ts";

const STATE_DB = "postgres://monitor:S3cret-pass-42@db.example.com:5432/alerts";
const TARGET = {
  FRONTEND_URL: "https://app.example.com",
  BACKEND_URL: "https://api.example.com",
  SUPABASE_URL: "https://abc.supabase.co",
  SUPABASE_ANON_KEY: "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
};
/** A value for every secret variable, each valid where its side parses it. */
const SAMPLES: Record<string, string> = {
  SUPABASE_SERVICE_ROLE_KEY:
    "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ",
  SUPABASE_DB_URL: "postgresql://postgres:db-Pass-0123@db.example.com:5432/postgres",
  VERCEL_PROTECTION_BYPASS: "bypass-0123456789abcdef",
  SUPABASE_JWT_SECRET: "jwt-secret-0123456789abcdef",
  ALERT_SMTP_URL: "smtp://alerts:smtp-Pass-0123@mail.example.com:587",
  ALERT_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T000/B000/slackToken0123",
  ALERT_TWILIO_AUTH_TOKEN: "twilio-token-0123456789",
  ALERT_PAGERDUTY_ROUTING_KEY: "routing-key-0123456789",
  ALERT_WEBHOOK_URL: "https://ops.example.com/notify?token=webhookToken0123",
  ALERT_STATE_DATABASE_URL: STATE_DB,
  MONITOR_DATABASE_URL: "postgres://monitor:history-password-42@db.example.com:5432/postgres",
  MONITOR_HEARTBEAT_URL: "https://hc-ping.com/0b5c6f3e-1111-4222-8333-944445555666",
  VERCEL_TOKEN: "vercelToken0123456789abc",
  RENDER_API_KEY: "rnd_renderKey0123456789abcdefABCDEF01",
  SUPABASE_ACCESS_TOKEN: "sbp_0123456789abcdef0123456789abcdef01234567",
  VERCEL_WEBHOOK_SECRET: "vercelWebhookSecret0123",
  RENDER_WEBHOOK_SECRET: "whsec_cmVuZGVyLXdlYmhvb2stc2VjcmV0LTAxMjM=",
  GITHUB_TOKEN: "ghp_githubToken0123456789abcdefABCDEF01",
  MONITOR_DASHBOARD_TOKEN: "dashboard-token-0123456789",
};
/** What the alert configuration needs besides the secrets to accept them. */
const CHANNEL_COMPANIONS = {
  ALERT_EMAIL_TO: "oncall@example.com",
  ALERT_TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef",
  ALERT_TWILIO_FROM: "+15005550006",
  ALERT_SMS_TO: "+14155550100",
};

describe("ALERT_STATE_DATABASE_URL in a trace", () => {
  test("is found by the scan, named by its variable, and redacted by the artifact redactor", async () => {
    const env = { ...TARGET, ALERT_STATE_DATABASE_URL: STATE_DB };
    const root = await mkdtemp(path.join(tmpdir(), "state-db-leak-"));
    const trace = path.join(root, "trace.zip");
    const zip = new AdmZip();
    zip.addFile("0-trace.network", Buffer.from(JSON.stringify({ error: `connect ${STATE_DB}` })));
    await writeFile(trace, zip.toBuffer());

    const secrets = configuredSecrets(env);
    assert.deepEqual(
      scanForSecrets([root], secrets).findings.map((f) => `${f.entry}: ${f.secret}`),
      [
        "0-trace.network: ALERT_STATE_DATABASE_URL",
        "0-trace.network: ALERT_STATE_DATABASE_URL (part)",
      ],
      "the scan names the variable whose value leaked, the URL and its password alone",
    );
    assert.equal(new Redactor(secrets).file(trace), true, "the trace had to be rewritten");
    const text = new AdmZip(await readFile(trace)).readAsText("0-trace.network");
    assert.equal(text, JSON.stringify({ error: "connect [REDACTED:ALERT_STATE_DATABASE_URL]" }));
    assert.deepEqual(scanForSecrets([root], secrets).findings, [], "redacted, it scans clean");
  });
});

describe("both sides read one list", () => {
  const env = { ...TARGET, ...CHANNEL_COMPANIONS, ...SAMPLES };
  const artifacts = new Redactor(configuredSecrets(env));
  const messages = new Redactor(configFromEnv(env).secrets, FOR_MESSAGES);

  test("every listed variable has a sample here, so a new one is checked on both sides", () => {
    assert.deepEqual(
      Object.keys(SAMPLES).sort(),
      SECRET_VARIABLES.map((variable) => variable.name).sort(),
    );
  });

  for (const [name, value] of Object.entries(SAMPLES)) {
    test(`${name}: replaced in artifacts by its name, and hidden in alert messages`, () => {
      assert.equal(artifacts.text(`x ${value} y`), `x [REDACTED:${name}] y`);
      const message = messages.text(`x ${value} y`);
      assert.ok(!message.includes(value), `alert message keeps ${name}: ${message}`);
      assert.match(message, /^x \S*\[redacted[^\]]*\]\S* y$/);
    });
  }
});

describe("the two sides' options", () => {
  test("artifacts name the variable and leave unknown secret-looking text alone; messages blank shapes too", () => {
    const secrets = [{ name: "ALERT_TWILIO_AUTH_TOKEN", value: "twilio-token-0123456789" }];
    const text = "token twilio-token-0123456789, Authorization: Bearer abcdefghijklmnop";
    assert.equal(
      new Redactor(secrets).text(text),
      "token [REDACTED:ALERT_TWILIO_AUTH_TOKEN], Authorization: Bearer abcdefghijklmnop",
    );
    assert.equal(
      new Redactor(secrets, FOR_MESSAGES).text(text),
      "token [redacted], Authorization: Bearer [redacted]",
    );
  });
});

describe("a URL's password on its own", () => {
  const smtp = "smtp://alerts:hunt3r@mail.example.com:587";

  test("alert messages hide it even when short, as they always did", () => {
    const messages = new Redactor([smtp], FOR_MESSAGES);
    assert.equal(messages.text("535 auth failed for hunt3r"), "535 auth failed for [redacted]");
  });

  test("artifacts hide it from 8 characters, so a short one does not blank ordinary text", () => {
    const artifacts = new Redactor([{ name: "ALERT_SMTP_URL", value: smtp }]);
    assert.equal(artifacts.text("hunt3r"), "hunt3r");
    const long = new Redactor([
      { name: "ALERT_SMTP_URL", value: "smtp://alerts:hunt3r-long@mail.example.com:587" },
    ]);
    assert.equal(long.text("pw hunt3r-long"), "pw [REDACTED:ALERT_SMTP_URL (part)]");
  });
});

test("overlapping secrets: the longer one is replaced whole, in text as in bytes", () => {
  const redactor = new Redactor([
    { name: "LONG", value: "wxyz-secret-long" },
    { name: "SHORT", value: "abc-wxyz" },
  ]);
  assert.equal(redactor.text("abc-wxyz-secret-long"), "abc-[REDACTED:LONG]");
  assert.equal(
    redactor.bytes(Buffer.from("abc-wxyz-secret-long"))?.toString(),
    "abc-[REDACTED:LONG]",
  );
});
