import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import nodemailer, { type Transporter } from "nodemailer";
import type { StoredMessage } from "../src/mailsink/inbox.ts";
import { type RunningMailSink, startMailSink } from "../src/mailsink/index.ts";

const MAX_BYTES = 64 * 1024;

describe("mail sink", () => {
  let sink: RunningMailSink;
  let transport: Transporter;

  before(async () => {
    sink = await startMailSink({
      host: "127.0.0.1",
      smtpPort: 0,
      httpPort: 0,
      maxMessageBytes: MAX_BYTES,
      maxMessages: 3,
    });
    const { hostname, port } = new URL(sink.smtpUrl);
    transport = nodemailer.createTransport({
      host: hostname,
      port: Number(port),
      secure: false,
      ignoreTLS: true,
      auth: { user: "app", pass: "any-password" },
    });
  });

  after(async () => {
    transport.close();
    await sink.close();
  });

  beforeEach(async () => {
    const cleared = await fetch(`${sink.apiUrl}/messages`, { method: "DELETE" });
    assert.equal(cleared.status, 204);
  });

  async function listMessages(query = ""): Promise<StoredMessage[]> {
    const response = await fetch(`${sink.apiUrl}/messages${query}`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { messages: StoredMessage[] };
    return body.messages;
  }

  test("a message sent with nodemailer is listed with subject, recipients and text", async () => {
    await transport.sendMail({
      from: "App <noreply@app.test>",
      to: "Alice@Example.test",
      subject: "Confirm your signup",
      text: "Follow this link to confirm.",
      html: "<p>Follow this link to confirm.</p>",
    });

    const [message, ...rest] = await listMessages();
    assert.equal(rest.length, 0, "exactly one message should be stored");
    assert.ok(message);
    assert.equal(message.subject, "Confirm your signup");
    assert.deepEqual(message.to, ["alice@example.test"]);
    assert.equal(message.from, "noreply@app.test");
    assert.equal(message.text?.trim(), "Follow this link to confirm.");
    assert.equal(message.html, "<p>Follow this link to confirm.</p>");
    assert.ok(!Number.isNaN(Date.parse(message.date)), "date should be an ISO timestamp");

    const one = await fetch(`${sink.apiUrl}/messages/${message.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(await one.json(), message);
  });

  test("?to= filters by recipient, newest first", async () => {
    await transport.sendMail({ from: "a@app.test", to: "bob@example.test", subject: "first" });
    await transport.sendMail({ from: "a@app.test", to: "carol@example.test", subject: "other" });
    await transport.sendMail({ from: "a@app.test", to: "bob@example.test", subject: "second" });

    const forBob = await listMessages("?to=BOB@example.test");
    assert.deepEqual(
      forBob.map((message) => message.subject),
      ["second", "first"],
    );
    assert.equal((await listMessages()).length, 3);
  });

  test("only the newest messages are kept past the cap", async () => {
    for (const subject of ["m1", "m2", "m3", "m4"]) {
      await transport.sendMail({ from: "a@app.test", to: "dave@example.test", subject });
    }
    assert.deepEqual(
      (await listMessages()).map((message) => message.subject),
      ["m4", "m3", "m2"],
    );
  });

  test("DELETE /messages clears the inbox", async () => {
    await transport.sendMail({ from: "a@app.test", to: "erin@example.test", subject: "x" });
    assert.equal((await listMessages()).length, 1);
    const cleared = await fetch(`${sink.apiUrl}/messages`, { method: "DELETE" });
    assert.equal(cleared.status, 204);
    assert.deepEqual(await listMessages(), []);
  });

  test("an oversized message is refused with 552 and the sink keeps working", async () => {
    await assert.rejects(
      transport.sendMail({
        from: "a@app.test",
        to: "frank@example.test",
        subject: "too big",
        text: "x".repeat(MAX_BYTES * 2),
      }),
      (error: { responseCode?: number }) => {
        assert.equal(error.responseCode, 552);
        return true;
      },
    );
    assert.deepEqual(await listMessages(), [], "the oversized message should not be stored");

    await transport.sendMail({ from: "a@app.test", to: "frank@example.test", subject: "small" });
    assert.deepEqual(
      (await listMessages()).map((message) => message.subject),
      ["small"],
    );
  });

  test("unknown ids and routes answer 404 JSON; /health answers ok", async () => {
    const missing = await fetch(`${sink.apiUrl}/messages/nope`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "not_found");
    const unknown = await fetch(`${sink.apiUrl}/nowhere`);
    assert.equal(unknown.status, 404);
    const health = await fetch(`${sink.apiUrl}/health`);
    assert.deepEqual(await health.json(), { status: "ok" });
  });
});
