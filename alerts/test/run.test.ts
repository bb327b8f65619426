import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { configFromEnv } from "../config.ts";
import policy from "../policy.ts";
import { definePolicy } from "../policy-schema.ts";
import { runAlerts } from "../run.ts";
import { critical, MINUTE, T0 } from "./support/engine-harness.ts";
import { smtpReceiver, twilioError, twilioOk } from "./support/receivers.ts";
import { type Rig, startRig } from "./support/rig.ts";

const health = (outcome: "failed" | "passed") =>
  critical("backend › /health answers 200", outcome, {
    error: "Error: GET /health → 503 Service Unavailable",
  });

describe("runAlerts against live receivers", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test("one message per channel, nothing more while unchanged, then a resolved notice everywhere", async () => {
    const first = await rig.run([health("failed")], T0);
    assert.equal(first.ok, true, first.problems.join("\n"));
    assert.deepEqual(rig.counts(), { email: 1, slack: 1, sms: 1, pagerduty: 1, webhook: 1 });
    await rig.run([health("failed")], T0 + 5 * MINUTE);
    assert.deepEqual(
      rig.counts(),
      { email: 1, slack: 1, sms: 1, pagerduty: 1, webhook: 1 },
      "unchanged: no repeat",
    );
    await rig.run([health("passed")], T0 + 10 * MINUTE);
    assert.deepEqual(rig.counts(), { email: 2, slack: 2, sms: 2, pagerduty: 2, webhook: 2 });

    assert.match(rig.email.mails[1]?.subject ?? "", /^\[RESOLVED:1\] local · backend/);
    assert.match(
      rig.email.mails[1]?.text ?? "",
      /passing again at 2026-11-26 02:10 UTC after 2 runs/,
    );
    const events = rig.pagerduty.received.map((r) => JSON.parse(r.body));
    assert.deepEqual(
      events.map((e) => [e.event_action, e.dedup_key]),
      [
        ["trigger", "synthetic/local/backend"],
        ["resolve", "synthetic/local/backend"],
      ],
    );
    assert.match(
      new URLSearchParams(rig.sms.received[1]?.body).get("Body") ?? "",
      /^RESOLVED local\/backend/,
    );
  });

  test("50 failing checks in one group: still one message per channel, listing all 50", async () => {
    const results = Array.from({ length: 50 }, (_, i) =>
      critical(`backend › check ${i} answers 200`, "failed"),
    );
    const report = await rig.run(results, T0);
    assert.equal(report.ok, true, report.problems.join("\n"));
    assert.deepEqual(rig.counts(), { email: 1, slack: 1, sms: 1, pagerduty: 1, webhook: 1 });
    assert.match(
      rig.email.mails[0]?.subject ?? "",
      /^\[FIRING:50\] critical local · backend: 50 checks failing$/,
    );
    assert.equal(JSON.parse(rig.webhook.received[0]?.body ?? "{}").firing.length, 50);
    assert.match(new URLSearchParams(rig.sms.received[0]?.body).get("Body") ?? "", /\(\+49 more\)/);
  });

  test("the journal records every decision and every delivery attempt", async () => {
    rig.slack.respond = (_req, i) =>
      i === 0 ? { status: 500, body: "rollup_error" } : { status: 200, body: "ok" };
    await rig.run([health("failed")], T0);
    const journal = await rig.journal();
    const types = new Set(journal.map((e) => e.type));
    for (const type of [
      "run.start",
      "check",
      "decision",
      "attempt",
      "delivered",
      "state.saved",
      "run.end",
    ]) {
      assert.ok(types.has(type), `journal has ${type}`);
    }
    const slackAttempts = journal.filter((e) => e.type === "attempt" && e.channel === "slack");
    assert.equal(slackAttempts.length, 2, "the failed try and the retry are both there");
    assert.equal((slackAttempts[0]?.outcome as { retry?: string } | undefined)?.retry, "yes");
  });

  test("a broken channel for a critical group: fallback, a notifier-broken alert, and a failed run", async () => {
    const fallbackPolicy = definePolicy({
      thresholds: {
        acceptance: { critical: { failures: 1 }, warning: { failures: 1 } },
        scheduled: { critical: { failures: 2 }, warning: { failures: 3 } },
      },
      routes: [{ match: { severity: "critical" }, channels: ["sms"] }, { channels: ["email"] }],
      channels: { sms: { fallback: "email" } },
      digest: { channels: ["email"], intervalMinutes: { acceptance: 0, scheduled: 60 } },
      notifier: { channels: ["email", "slack", "sms"] },
    });
    rig.sms.respond = () => twilioError(401, 20003, "Authenticate");
    const broken = await rig.run([health("failed")], T0, { policy: fallbackPolicy });
    assert.equal(broken.ok, false, "the run must say a critical alert was not delivered");
    assert.match(
      broken.problems.join("\n"),
      /not delivered via sms: Twilio answered 401 code 20003.*it reached email \(fallback\)/,
    );
    assert.equal(rig.sms.received.length, 1, "401 is final: no retry");
    const subjects = rig.email.mails.map((m) => m.subject).sort();
    assert.deepEqual(subjects, [
      "[FIRING:1] critical local · backend: 1 check failing",
      "[FIRING:1] critical local · notifier: 1 check failing",
    ]);
    const fallback = rig.email.mails.find((m) => m.subject?.includes("backend"));
    assert.match(
      fallback?.text ?? "",
      /Sent here because channel "sms" failed: Twilio answered 401/,
    );
    assert.equal(rig.slack.received.length, 1, "notifier alert also on Slack");
    assert.match(
      JSON.parse(rig.slack.received[0]?.body ?? "{}").text,
      /notifier sms delivers alerts/,
    );

    rig.sms.respond = twilioOk;
    const fixed = await rig.run([health("failed")], T0 + MINUTE, { policy: fallbackPolicy });
    assert.equal(fixed.ok, true, fixed.problems.join("\n"));
    assert.equal(rig.sms.received.length, 2, "the undelivered SMS goes out on the next run");
    assert.match(rig.email.mails.at(-1)?.subject ?? "", /^\[RESOLVED:1\] local · notifier/);
    assert.equal(rig.email.mails.length, 3, "no duplicate of the backend alert on email");
  });

  test("a hanging receiver cannot stall the run beyond the budget", async () => {
    rig.webhook.respond = () => "hang";
    const started = Date.now();
    const report = await rig.run([health("failed")], T0, {
      env: { ALERT_DELIVERY_BUDGET_MS: "800", ALERT_ATTEMPT_TIMEOUT_MS: "300" },
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 1_800, `run took ${elapsed} ms with an 800 ms budget`);
    const backend = rig.email.mails.filter((m) => m.subject?.includes("local · backend"));
    assert.equal(backend.length, 1, "the other channels delivered");
    assert.match(
      rig.email.mails.map((m) => m.subject).join("\n"),
      /local · notifier/,
      "and the webhook is reported broken",
    );
    assert.equal(report.ok, false, "the critical alert could not reach the webhook");
    assert.match(report.problems.join("\n"), /webhook/);
  });
});

/** One run with only these env variables (plus a temp folder for state and journal). */
async function runWithOnly(env: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), "alerts-env-"));
  try {
    const config = configFromEnv({
      ...env,
      ALERT_STATE_PATH: join(dir, "state.json"),
      ALERT_JOURNAL_PATH: join(dir, "journal.jsonl"),
    });
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const report = await runAlerts({
      results: [health("failed")],
      config,
      policy,
      now: () => T0,
      log,
    });
    return { report, printed: lines.join("\n") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("local default: no channel configured, alerts go to the stack's mail sink and the console", async () => {
  const sink = await smtpReceiver();
  try {
    const { report, printed } = await runWithOnly({ MAIL_SINK_SMTP_URL: sink.url });
    assert.equal(report.ok, true, report.problems.join("\n"));
    assert.equal(sink.mails.length, 1);
    assert.equal(sink.mails[0]?.from?.text, "alerts@synthetic.local");
    assert.match(JSON.stringify(sink.mails[0]?.to), /oncall@synthetic\.local/);
    assert.match(
      printed,
      /→ email \[FIRING:1\] critical local · backend: 1 check failing: delivered after \d+ ms/,
    );
    assert.match(
      printed,
      / {4}✖ backend › \/health answers 200\n {6}tests\/api\/health\.spec\.ts:3/,
      "the whole message is shown",
    );
    assert.match(printed, /│ Error: GET \/health → 503 Service Unavailable/);
  } finally {
    await sink.close();
  }
});

test("with nothing configured at all, the console says alerts have nowhere to go", async () => {
  const { report, printed } = await runWithOnly({});
  assert.equal(report.ok, true);
  assert.match(printed, /1 alert\(s\) firing but no channel is configured/);
});
