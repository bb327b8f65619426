import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SMS_LIMIT } from "../messages/sms.ts";
import { emailTransport } from "../transports/email.ts";
import { pagerDutyTransport } from "../transports/pagerduty.ts";
import { slackTransport } from "../transports/slack.ts";
import { twilioTransport } from "../transports/twilio.ts";
import { webhookTransport } from "../transports/webhook.ts";
import { check, sampleNotification } from "./support/engine-harness.ts";
import {
  type HttpReceiver,
  httpReceiver,
  pagerDutyOk,
  type Reply,
  slackOk,
  smtpReceiver,
  twilioError,
  twilioOk,
} from "./support/receivers.ts";

const signal = () => AbortSignal.timeout(2_000);
const text = (status: number, body: string): Reply => ({ status, body });

describe("Slack incoming webhook", () => {
  let slack: HttpReceiver;
  before(async () => {
    slack = await httpReceiver(slackOk);
  });
  after(() => slack.close());

  test("posts Block Kit with a text fallback and reads 200 ok as delivered", async () => {
    slack.respond = slackOk;
    const outcome = await slackTransport({ webhookUrl: `${slack.url}/services/T0/B0/x` }).send(
      sampleNotification("slack"),
      signal(),
    );
    assert.equal(outcome.ok, true);
    const body = JSON.parse(slack.received.at(-1)?.body ?? "{}");
    assert.match(body.text, /FIRING:1.*local · backend/);
    assert.equal(body.blocks[0].type, "header");
    assert.ok(JSON.stringify(body.blocks).includes("register returns 201"));
    assert.ok(JSON.stringify(body.blocks).includes("Received: 500"), "first lines of the error");
  });

  const errors: Array<[Reply, string]> = [
    [text(400, "invalid_payload"), "no"],
    [text(403, "invalid_token"), "no"],
    [text(403, "action_prohibited"), "no"],
    [text(404, "channel_not_found"), "no"],
    [text(410, "channel_is_archived"), "no"],
    [text(500, "rollup_error"), "yes"],
    [{ status: 429, body: "rate_limited", headers: { "retry-after": "3" } }, "yes"],
  ];
  for (const [reply, retry] of errors) {
    test(`${reply.status} ${reply.body} → retry ${retry}`, async () => {
      slack.respond = () => reply;
      const outcome = await slackTransport({ webhookUrl: slack.url }).send(
        sampleNotification("slack"),
        signal(),
      );
      assert.equal(outcome.ok, false);
      if (outcome.ok) return;
      assert.equal(outcome.retry, retry);
      assert.match(outcome.reason, new RegExp(`${reply.status} ${reply.body}`));
      if (reply.status === 429)
        assert.equal(outcome.retryAfterMs, 3_000, "Retry-After is read in seconds");
    });
  }
});

describe("Twilio Messages API", () => {
  let twilio: HttpReceiver;
  const settings = (url: string) => ({
    accountSid: "AC0123456789abcdef0123456789abcdef",
    authToken: "twilio-auth-token-for-tests",
    from: "+15005550006",
    to: ["+14155550100"],
    apiUrl: url,
  });
  before(async () => {
    twilio = await httpReceiver(twilioOk);
  });
  after(() => twilio.close());

  test("posts a form with Basic auth; the body is ASCII and one segment", async () => {
    twilio.respond = twilioOk;
    const long = check(
      `a very long title ${"with many words ".repeat(20)}— and “quotes” › nested`,
      "failed",
    );
    const outcome = await twilioTransport(settings(twilio.url)).send(
      sampleNotification("sms", [long]),
      signal(),
    );
    assert.equal(outcome.ok, true);
    const request = twilio.received.at(-1);
    assert.equal(
      request?.path,
      "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json",
    );
    const [user, pass] = Buffer.from(request?.headers.authorization?.split(" ")[1] ?? "", "base64")
      .toString()
      .split(":");
    assert.deepEqual(
      [user, pass],
      ["AC0123456789abcdef0123456789abcdef", "twilio-auth-token-for-tests"],
    );
    const form = new URLSearchParams(request?.body);
    assert.equal(form.get("To"), "+14155550100");
    assert.equal(form.get("From"), "+15005550006");
    const body = form.get("Body") ?? "";
    assert.ok(body.length <= SMS_LIMIT, `SMS is ${body.length} characters`);
    assert.match(body, /^[\x20-\x7e]+$/, "ASCII only");
    assert.match(body, /^WARN local\/backend: a very long title/);
  });

  const errors: Array<[Reply, string]> = [
    [twilioError(400, 21211, "The 'To' number is not a valid phone number."), "no"],
    [twilioError(401, 20003, "Authenticate"), "no"],
    [twilioError(429, 20429, "Too Many Requests"), "yes"],
    [twilioError(500, 20500, "Internal Server Error"), "once"],
  ];
  for (const [reply, retry] of errors) {
    test(`${reply.status} → retry ${retry}`, async () => {
      twilio.respond = () => reply;
      const outcome = await twilioTransport(settings(twilio.url)).send(
        sampleNotification("sms"),
        signal(),
      );
      assert.equal(outcome.ok ? "ok" : outcome.retry, retry);
      if (!outcome.ok) assert.match(outcome.reason, /code \d{5}/);
    });
  }

  test("a timeout may have created the SMS: retry class once", async () => {
    twilio.respond = () => "hang";
    const outcome = await twilioTransport(settings(twilio.url)).send(
      sampleNotification("sms"),
      AbortSignal.timeout(100),
    );
    assert.equal(outcome.ok ? "ok" : outcome.retry, "once");
  });

  test("recipients that accepted are not texted again by a retry", async () => {
    const transport = twilioTransport({
      ...settings(twilio.url),
      to: ["+14155550100", "+14155550101"],
    });
    twilio.respond = (req) =>
      req.body.includes("550101") ? twilioError(503, 20503, "busy") : twilioOk(req, 0);
    const n = sampleNotification("sms");
    const before = twilio.received.length;
    assert.equal((await transport.send(n, signal())).ok, false);
    twilio.respond = twilioOk;
    assert.equal((await transport.send(n, signal())).ok, true);
    const to = twilio.received.slice(before).map((r) => new URLSearchParams(r.body).get("To"));
    assert.deepEqual(to, ["+14155550100", "+14155550101", "+14155550101"]);
  });
});

describe("PagerDuty Events v2", () => {
  let pd: HttpReceiver;
  before(async () => {
    pd = await httpReceiver(pagerDutyOk);
  });
  after(() => pd.close());

  test("triggers with the group key as dedup_key, resolves by the same key", async () => {
    pd.respond = pagerDutyOk;
    const transport = pagerDutyTransport({
      routingKey: "R0UTINGKEY0123456789abcdef012345",
      apiUrl: pd.url,
    });
    const n = sampleNotification("pagerduty");
    assert.equal((await transport.send(n, signal())).ok, true);
    const trigger = JSON.parse(pd.received.at(-1)?.body ?? "{}");
    assert.equal(pd.received.at(-1)?.path, "/v2/enqueue");
    assert.equal(trigger.event_action, "trigger");
    assert.equal(trigger.dedup_key, "synthetic/local/backend");
    assert.equal(trigger.payload.severity, "critical");
    assert.equal(trigger.payload.source, "synthetic-monitor/local");
    await transport.send({ ...n, firing: [], resolved: n.firing }, signal());
    const resolve = JSON.parse(pd.received.at(-1)?.body ?? "{}");
    assert.deepEqual(resolve, {
      routing_key: "R0UTINGKEY0123456789abcdef012345",
      event_action: "resolve",
      dedup_key: "synthetic/local/backend",
    });
  });

  for (const [status, retry] of [
    [400, "no"],
    [429, "yes"],
    [500, "yes"],
    [503, "yes"],
  ] as const) {
    test(`${status} → retry ${retry}`, async () => {
      pd.respond = () => ({ status, body: JSON.stringify({ status: "error", message: "nope" }) });
      const transport = pagerDutyTransport({ routingKey: "k".repeat(32), apiUrl: pd.url });
      const outcome = await transport.send(sampleNotification("pagerduty"), signal());
      assert.equal(outcome.ok ? "ok" : outcome.retry, retry);
    });
  }
});

describe("generic JSON webhook", () => {
  test("posts the versioned document; 5xx retries, 4xx does not", async () => {
    const hook = await httpReceiver(() => ({ status: 204 }));
    try {
      const transport = webhookTransport({ url: `${hook.url}/alerts` });
      assert.equal((await transport.send(sampleNotification("webhook"), signal())).ok, true);
      const doc = JSON.parse(hook.received[0]?.body ?? "{}");
      assert.equal(doc.version, "1");
      assert.equal(doc.status, "firing");
      assert.equal(doc.firing[0].title, "auth › register returns 201");
      assert.match(doc.firing[0].failingSince, /^2026-11-26T02:00/);
      hook.respond = () => ({ status: 503 });
      assert.equal(
        await transport.send(sampleNotification("webhook"), signal()).then((o) => !o.ok && o.retry),
        "yes",
      );
      hook.respond = () => ({ status: 404 });
      assert.equal(
        await transport.send(sampleNotification("webhook"), signal()).then((o) => !o.ok && o.retry),
        "no",
      );
    } finally {
      await hook.close();
    }
  });
});

describe("email over SMTP", () => {
  test("delivers subject, text and html; SMTP errors are classified", async () => {
    const smtp = await smtpReceiver({ user: "alerts", pass: "s3cret-pass" });
    try {
      const settings = {
        smtpUrl: smtp.url,
        from: "alerts@synthetic.local",
        to: ["oncall@synthetic.local"],
      };
      const transport = emailTransport(settings, 1_000);
      assert.equal((await transport.send(sampleNotification("email"), signal())).ok, true);
      const mail = smtp.mails[0];
      assert.match(mail?.subject ?? "", /^\[FIRING:1\] critical local · backend: 1 check failing$/);
      assert.match(mail?.text ?? "", /✖ auth › register returns 201/);
      assert.match(String(mail?.html), /<pre>Error: expect/);

      const wrongPassword = emailTransport(
        { ...settings, smtpUrl: smtp.url.replace("s3cret-pass", "wrong") },
        1_000,
      );
      const auth = await wrongPassword.send(sampleNotification("email"), signal());
      assert.equal(auth.ok ? "ok" : auth.retry, "no", "EAUTH is final");
      smtp.mode = "reject-550";
      const permanent = await transport.send(sampleNotification("email"), signal());
      assert.equal(permanent.ok ? "ok" : permanent.retry, "no", "5xx reply is final");
      smtp.mode = "reject-451";
      const transient = await transport.send(sampleNotification("email"), signal());
      assert.equal(transient.ok ? "ok" : transient.retry, "yes", "4xx reply is transient");
    } finally {
      await smtp.close();
    }
    const refused = await emailTransport(
      { smtpUrl: smtp.url, from: "a@b.c", to: ["d@e.f"] },
      1_000,
    ).send(sampleNotification("email"), signal());
    assert.equal(
      refused.ok ? "ok" : refused.retry,
      "yes",
      "connection refused is worth another try",
    );
  });
});
