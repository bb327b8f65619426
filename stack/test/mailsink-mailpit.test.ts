// The mail sink answers the part of Mailpit's API (axllent/mailpit,
// server/apiv1) that Mailpit clients read mail with, in Mailpit's names and
// shapes, beside its own /messages routes.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import nodemailer, { type Transporter } from "nodemailer";
import { type RunningMailSink, startMailSink } from "../src/mailsink/index.ts";

// storage.MessageSummary's JSON fields, and the MessagesSummary envelope (server/apiv1/messages.go).
const SUMMARY_FIELDS = [
  "Attachments",
  "Bcc",
  "Cc",
  "Created",
  "From",
  "ID",
  "MessageID",
  "Read",
  "ReplyTo",
  "Size",
  "Snippet",
  "Subject",
  "Tags",
  "To",
  "Username",
];
const LIST_FIELDS = [
  "count",
  "messages",
  "messages_count",
  "messages_unread",
  "start",
  "tags",
  "total",
  "unread",
];

interface Summary {
  ID: string;
  MessageID: string;
  Read: boolean;
  From: { Name: string; Address: string };
  To: Array<{ Name: string; Address: string }>;
  Cc: Array<{ Name: string; Address: string }>;
  Subject: string;
  Created: string;
  Size: number;
  Snippet: string;
}
interface List {
  total: number;
  unread: number;
  messages_count: number;
  messages: Summary[];
}

describe("mail sink: Mailpit's API", () => {
  let sink: RunningMailSink;
  let transport: Transporter;

  before(async () => {
    sink = await startMailSink({ host: "127.0.0.1", smtpPort: 0, httpPort: 0 });
    const { hostname, port } = new URL(sink.smtpUrl);
    transport = nodemailer.createTransport({
      host: hostname,
      port: Number(port),
      secure: false,
      ignoreTLS: true,
    });
  });

  after(async () => {
    transport.close();
    await sink.close();
  });

  beforeEach(async () => {
    const cleared = await fetch(`${sink.apiUrl}/api/v1/messages`, { method: "DELETE" });
    assert.equal(cleared.status, 200);
  });

  const api = (path: string, init?: RequestInit) => fetch(`${sink.apiUrl}${path}`, init);

  async function search(query: string): Promise<List> {
    const response = await api(`/api/v1/search?query=${encodeURIComponent(query)}`);
    assert.equal(response.status, 200, `search ${query} should answer 200`);
    return (await response.json()) as List;
  }

  const send = (to: string, subject: string, extra: Record<string, string> = {}) =>
    transport.sendMail({ from: "Auth <noreply@app.test>", to, subject, text: "hello", ...extra });

  test('search to:"…" lists summaries in Mailpit\'s shape, newest first', async () => {
    const sentFrom = Date.now();
    await send("Alice <alice@example.test>", "first", {
      cc: "carol@example.test",
      messageId: "<abc123@app.test>",
    });
    await send("bob@example.test", "other");
    await send("alice@example.test", "second");

    const list = await search('to:"ALICE@example.test"');
    assert.deepEqual(Object.keys(list).sort(), LIST_FIELDS);
    assert.equal(list.total, 3, "total counts the whole mailbox");
    assert.equal(list.messages_count, 2, "messages_count counts the matches");
    assert.deepEqual(
      list.messages.map((message) => message.Subject),
      ["second", "first"],
    );
    const first = list.messages[1] as Summary;
    assert.deepEqual(Object.keys(first).sort(), SUMMARY_FIELDS);
    assert.deepEqual(first.From, { Name: "Auth", Address: "noreply@app.test" });
    assert.deepEqual(first.To, [{ Name: "Alice", Address: "alice@example.test" }]);
    assert.deepEqual(first.Cc, [{ Name: "", Address: "carol@example.test" }]);
    assert.equal(first.MessageID, "abc123@app.test", "MessageID without angle brackets");
    assert.equal(first.Read, false);
    assert.equal(first.Snippet, "hello");
    assert.ok(first.Size > 0, "Size is the raw message's bytes");
    const created = Date.parse(first.Created);
    assert.ok(created >= sentFrom - 1000 && created <= Date.now(), "Created is when it arrived");
  });

  test("GET /api/v1/message/{ID} gives the full message and marks it read", async () => {
    await send("dave@example.test", "Reset your password", {
      html: '<p><a href="http://127.0.0.1/auth/v1/verify?token=x&amp;type=recovery">Reset</a></p>',
      text: "Follow this link",
    });
    const [summary] = (await search("to:dave@example.test")).messages;
    assert.ok(summary);

    const response = await api(`/api/v1/message/${summary.ID}`);
    assert.equal(response.status, 200);
    const message = (await response.json()) as Record<string, unknown>;
    for (const field of ["ID", "MessageID", "From", "To", "Cc", "Bcc", "ReplyTo", "ReturnPath"]) {
      assert.ok(field in message, `the message has ${field}`);
    }
    assert.equal(message.ID, summary.ID);
    assert.equal(message.Subject, "Reset your password");
    assert.equal((message.Text as string).trim(), "Follow this link");
    assert.match(message.HTML as string, /auth\/v1\/verify\?token=x&amp;type=recovery/);
    assert.ok(!Number.isNaN(Date.parse(message.Date as string)), "Date is a timestamp");
    assert.deepEqual(message.Attachments, []);

    const [again] = (await search("to:dave@example.test")).messages;
    assert.equal(again?.Read, true, "opening a message marks it read, as in Mailpit");
    const latest = await api(`/api/v1/message/latest?query=${encodeURIComponent("to:dave")}`);
    assert.equal(((await latest.json()) as { ID: string }).ID, summary.ID);
  });

  test("search terms narrow, negate and match subjects; GET /api/v1/messages lists all", async () => {
    await send("erin@example.test", "Confirm your email address");
    await send("erin@example.test", "Your sign-in link");
    const confirm = await search('to:erin@example.test subject:"confirm your"');
    assert.deepEqual(
      confirm.messages.map((message) => message.Subject),
      ["Confirm your email address"],
    );
    const notConfirm = await search("to:erin@example.test -subject:confirm");
    assert.deepEqual(
      notConfirm.messages.map((message) => message.Subject),
      ["Your sign-in link"],
    );
    assert.equal((await search("to:nobody@example.test")).messages.length, 0);

    const all = await api("/api/v1/messages");
    assert.equal(((await all.json()) as List).messages.length, 2);
    const page = await api("/api/v1/messages?limit=1&start=1");
    const paged = (await page.json()) as List;
    assert.deepEqual(
      paged.messages.map((message) => message.Subject),
      ["Confirm your email address"],
    );
  });

  test("errors answer as Mailpit's do: 400 and 404 in plain text", async () => {
    const empty = await api("/api/v1/search?query=");
    assert.equal(empty.status, 400);
    assert.equal(await empty.text(), "Error: no search query");
    const unsupported = await api(`/api/v1/search?query=${encodeURIComponent("tag:x")}`);
    assert.equal(unsupported.status, 400, "a filter the sink cannot apply is refused, not ignored");
    assert.match(await unsupported.text(), /does not support the search filter tag:/);
    const missing = await api("/api/v1/message/nope");
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get("content-type") ?? "", /^text\/plain/);
    assert.equal(await missing.text(), "404 page not found");
  });

  test("DELETE /api/v1/messages removes the IDs given, or everything", async () => {
    await send("frank@example.test", "keep");
    await send("frank@example.test", "drop");
    const [drop] = (await search("to:frank subject:drop")).messages;
    assert.ok(drop);
    const one = await api("/api/v1/messages", {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ IDs: [drop.ID] }),
    });
    assert.equal(one.status, 200);
    assert.equal(await one.text(), "ok");
    assert.deepEqual(
      (await search("to:frank")).messages.map((message) => message.Subject),
      ["keep"],
    );

    // An empty JSON body, as some clients send, clears the mailbox as in Mailpit.
    const all = await api("/api/v1/messages", {
      method: "DELETE",
      headers: { "content-type": "application/json" },
    });
    assert.equal(all.status, 200);
    const legacy = await api("/messages");
    assert.deepEqual(
      await legacy.json(),
      { messages: [] },
      "the sink's own route sees the same inbox",
    );
  });
});
