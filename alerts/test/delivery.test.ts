import assert from "node:assert/strict";
import { test } from "node:test";
import { FOR_MESSAGES, Redactor } from "../../secrets/redactor.ts";
import { deliverAll } from "../deliver.ts";
import { backoffDelay, sendWithRetry } from "../retry.ts";
import { slackTransport } from "../transports/slack.ts";
import { twilioTransport } from "../transports/twilio.ts";
import { webhookTransport } from "../transports/webhook.ts";
import { sampleNotification } from "./support/engine-harness.ts";
import { httpReceiver, slackOk, twilioError, twilioOk } from "./support/receivers.ts";

const options = (budgetMs: number, extra: Partial<Parameters<typeof sendWithRetry>[2]> = {}) => ({
  deadline: Date.now() + budgetMs,
  attemptTimeoutMs: 1_000,
  maxAttempts: 4,
  backoffMs: 5,
  ...extra,
});

test("connection errors, timeouts and 5xx are retried with backoff until accepted", async () => {
  const replies = [
    { status: 500, body: "rollup_error" },
    { status: 503, body: "" },
  ];
  const slack = await httpReceiver((_req, i) => replies[i] ?? { status: 200, body: "ok" });
  try {
    const result = await sendWithRetry(
      slackTransport({ webhookUrl: slack.url }),
      sampleNotification("slack"),
      options(2_000),
    );
    assert.deepEqual(result, { ok: true, attempts: 3, detail: "200 ok" });
    assert.equal(slack.received.length, 3);
  } finally {
    await slack.close();
  }
});

test("other 4xx is final: one request, no retry", async () => {
  const slack = await httpReceiver(() => ({ status: 404, body: "channel_not_found" }));
  try {
    const result = await sendWithRetry(
      slackTransport({ webhookUrl: slack.url }),
      sampleNotification("slack"),
      options(2_000),
    );
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.why, "final");
    assert.equal(slack.received.length, 1);
  } finally {
    await slack.close();
  }
});

test("429 waits for Retry-After before trying again", async () => {
  const slack = await httpReceiver((_req, i) =>
    i === 0
      ? { status: 429, body: "rate_limited", headers: { "retry-after": "1" } }
      : slackOk(_req, i),
  );
  try {
    const result = await sendWithRetry(
      slackTransport({ webhookUrl: slack.url }),
      sampleNotification("slack"),
      options(3_000),
    );
    assert.equal(result.ok, true);
    const [first, second] = slack.received;
    assert.ok(
      second && first && second.at - first.at >= 990,
      `waited ${second && first && second.at - first.at} ms`,
    );
  } finally {
    await slack.close();
  }
});

test("a Retry-After past the delivery budget gives up at once, leaving the send for the next run", async () => {
  const slack = await httpReceiver(() => ({
    status: 429,
    body: "rate_limited",
    headers: { "retry-after": "120" },
  }));
  try {
    const started = Date.now();
    const result = await sendWithRetry(
      slackTransport({ webhookUrl: slack.url }),
      sampleNotification("slack"),
      options(2_000),
    );
    assert.equal(!result.ok && result.why, "budget");
    assert.match(!result.ok ? result.reason : "", /Retry-After 120 s is past the delivery budget/);
    assert.ok(Date.now() - started < 500, "did not sit out the wait");
    assert.equal(slack.received.length, 1);
  } finally {
    await slack.close();
  }
});

test("a hanging receiver cannot hold delivery past the budget", async () => {
  const hook = await httpReceiver(() => "hang");
  try {
    const started = Date.now();
    const result = await sendWithRetry(
      webhookTransport({ url: hook.url }),
      sampleNotification("webhook"),
      options(600, { attemptTimeoutMs: 250, maxAttempts: 10 }),
    );
    const elapsed = Date.now() - started;
    assert.equal(result.ok, false);
    assert.ok(elapsed < 1_100, `took ${elapsed} ms with a 600 ms budget`);
    assert.ok(hook.received.length >= 2, "it did retry inside the budget");
  } finally {
    await hook.close();
  }
});

test("SMS creation is not idempotent: a timeout is retried at most once", async () => {
  const twilio = await httpReceiver(() => "hang");
  try {
    const transport = twilioTransport({
      accountSid: "AC1",
      authToken: "token-123456",
      from: "+15005550006",
      to: ["+14155550100"],
      apiUrl: twilio.url,
    });
    const result = await sendWithRetry(
      transport,
      sampleNotification("sms"),
      options(3_000, { attemptTimeoutMs: 150, maxAttempts: 5 }),
    );
    assert.equal(result.ok, false);
    assert.equal(twilio.received.length, 2, "one try and one retry, never more");
  } finally {
    await twilio.close();
  }
});

test("Twilio 429 (20429) is retried; 21211 invalid number is not", async () => {
  const twilio = await httpReceiver((_req, i) =>
    i === 0 ? twilioError(429, 20429, "Too Many Requests") : twilioOk(_req, i),
  );
  try {
    const transport = twilioTransport({
      accountSid: "AC1",
      authToken: "token-123456",
      from: "+15005550006",
      to: ["+14155550100"],
      apiUrl: twilio.url,
    });
    assert.equal(
      (await sendWithRetry(transport, sampleNotification("sms"), options(2_000))).ok,
      true,
    );
    twilio.respond = () => twilioError(400, 21211, "The 'To' number is not a valid phone number.");
    const before = twilio.received.length;
    const final = await sendWithRetry(
      transport,
      { ...sampleNotification("sms"), decidedAt: 1 },
      options(2_000),
    );
    assert.equal(!final.ok && final.why, "final");
    assert.equal(twilio.received.length - before, 1);
  } finally {
    await twilio.close();
  }
});

test("channels are independent: a hanging one does not delay the others", async () => {
  const slow = await httpReceiver(() => "hang");
  const fast = await httpReceiver(slackOk);
  try {
    const transports = new Map([
      ["webhook" as const, webhookTransport({ url: slow.url })],
      ["slack" as const, slackTransport({ webhookUrl: fast.url })],
    ]);
    const sends = (["webhook", "slack"] as const).map((channel) => ({
      notification: sampleNotification(channel),
      entry: null,
    }));
    const startedAt = Date.now();
    const delivered = await deliverAll(
      sends,
      {
        transports,
        delivery: { budgetMs: 1_500, attemptTimeoutMs: 1_000, maxAttempts: 3, backoffMs: 5 },
        redactor: new Redactor([], FOR_MESSAGES),
        onAttempt: () => {},
      },
      { startedAt, deadline: startedAt + 1_500 },
    );
    const slack = delivered.find((d) => d.notification.channel === "slack");
    const webhook = delivered.find((d) => d.notification.channel === "webhook");
    assert.equal(slack?.result.ok, true);
    assert.ok(
      (slack?.acceptedAfterMs ?? 1e9) < 500,
      `Slack accepted after ${slack?.acceptedAfterMs} ms`,
    );
    assert.equal(webhook?.result.ok, false);
  } finally {
    await Promise.all([slow.close(), fast.close()]);
  }
});

test("backoff grows exponentially with jitter between half and the full step", () => {
  assert.equal(
    backoffDelay(1, 100, () => 0),
    50,
  );
  assert.equal(
    backoffDelay(1, 100, () => 1),
    100,
  );
  assert.equal(
    backoffDelay(3, 100, () => 1),
    400,
  );
});
