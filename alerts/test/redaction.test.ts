import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, test } from "node:test";
import { FOR_MESSAGES, Redactor } from "../../secrets/redactor.ts";
import { secretsFromEnv } from "../../secrets/variables.ts";
import { critical, T0 } from "./support/engine-harness.ts";
import { type Rig, SECRETS, startRig } from "./support/rig.ts";

const LEAKY_ERROR = [
  `Error: request failed with apikey ${SECRETS.serviceRole}`,
  "  config: password=hunter2xyz url=postgres://admin:dbpass-77@db.internal:5432/app",
  "  Authorization: Bearer abcdefghijklmnop0123",
].join("\n");
const ALL_SECRETS = [...Object.values(SECRETS), "hunter2xyz", "dbpass-77", "abcdefghijklmnop0123"];

function assertClean(where: string, text: string) {
  for (const secret of ALL_SECRETS) {
    assert.ok(!text.includes(secret), `${where} leaks ${secret.slice(0, 6)}…`);
  }
}

let rig: Rig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(() => rig.close());

test("no secret in any body, console line or journal entry", async () => {
  // A receiver that echoes the webhook path back puts the token into an error reason.
  rig.slack.respond = (req) => ({ status: 403, body: `invalid_token for ${req.path}` });
  const report = await rig.run([critical("auth › login", "failed", { error: LEAKY_ERROR })], T0);

  for (const mail of rig.email.mails) assertClean("email", mail.raw);
  assert.match(
    rig.email.mails[0]?.text ?? "",
    /apikey \[redacted\]/,
    "the error is still shown, minus the key",
  );
  for (const r of rig.slack.received) assertClean("slack", r.body);
  for (const r of rig.sms.received) assertClean("sms", r.body);
  for (const r of rig.webhook.received) assertClean("webhook", r.body);
  for (const r of rig.pagerduty.received) {
    const { routing_key, ...rest } = JSON.parse(r.body);
    assert.equal(
      routing_key,
      SECRETS.routingKey,
      "the routing key goes only where PagerDuty needs it",
    );
    assertClean("pagerduty", JSON.stringify(rest));
  }
  assertClean("console", report.lines.join("\n"));
  assertClean("problems", report.problems.join("\n"));
  assert.match(
    report.problems.join("\n"),
    /invalid_token for \[redacted\]/,
    "the reason survives, the token does not",
  );
  assertClean("journal", await readFile(rig.env.ALERT_JOURNAL_PATH as string, "utf8"));
  assertClean("state", await readFile(rig.env.ALERT_STATE_PATH as string, "utf8").catch(() => ""));
});

test("known values and secret shapes are both caught", () => {
  const redactor = new Redactor(
    ["literal-secret-1", "smtp://bob:p%40ss-word@mail:25"],
    FOR_MESSAGES,
  );
  const cases: Array<[string, string]> = [
    ["token literal-secret-1 here", "token [redacted] here"],
    ["pass p@ss-word", "pass [redacted]"],
    ["https://hooks.slack.com/services/T1/B2/abc", "[redacted:slack-webhook]"],
    ["smtp://user:pw12@host:25", "smtp://[redacted]@host:25"],
    ["key eyJhbGciOiJI.eyJzdWIiOiIx.sig-nature", "key [redacted:jwt]"],
    ["Bearer abcdefghijkl", "Bearer [redacted]"],
    ['{"api_key": "k-123456"}', '{"api_key": "[redacted]"}'],
    ["sb_secret_abcdefghij12", "[redacted:key]"],
    ["plain words stay", "plain words stay"],
  ];
  for (const [input, expected] of cases) assert.equal(redactor.text(input), expected, input);
});

test("env variables with secret-looking names are collected; PWD and short values are not", () => {
  const found = secretsFromEnv({
    SUPABASE_SERVICE_ROLE_KEY: "service-role-value",
    ALERT_TWILIO_AUTH_TOKEN: "tw-token-value",
    PWD: "/home/runner/work",
    SUPABASE_DB_URL: "postgres://postgres:db-pass-1@127.0.0.1:54322/postgres",
    SOME_DSN_LIKE: "mysql://app:hunter22@db/app",
    SOME_KEY: "abc",
    SYNTHETIC_ENV: "production",
  });
  assert.deepEqual(found.sort(), [
    "mysql://app:hunter22@db/app",
    "postgres://postgres:db-pass-1@127.0.0.1:54322/postgres",
    "service-role-value",
    "tw-token-value",
  ]);
});

test("state is stored without error texts' secrets too", async () => {
  await rig.run([critical("auth › login", "failed", { error: LEAKY_ERROR })], T0);
  const state = await readFile(rig.env.ALERT_STATE_PATH as string, "utf8");
  assertClean("state", state);
});
