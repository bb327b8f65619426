// The mailpit mailbox against the reference stack: the stand-in's own auth
// mail, read through the sink's Mailpit API as the suite would read a real
// Mailpit, its link followed to a session.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import nodemailer from "nodemailer";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";
import { parseMailboxConfig } from "../target/config.ts";
import { createMailbox, extractLink, type Mailbox, MailboxError } from "../target/mailbox.ts";
import { newSupabaseClient } from "../target/supabase-client.ts";
import { syntheticEmail, syntheticPassword } from "../target/synthetic-users.ts";

const identity = { prefix: "synthetic", runId: "mbox01", workerIndex: 0, domain: "example.com" };

describe("mailbox: mailpit over the reference stack's mail sink", () => {
  let stack: RunningStack;
  let mailbox: Mailbox;

  before(async () => {
    stack = await bootStack({ ports: FREE_PORTS, envFile: false, confirmEmail: true });
    // As a run with no target sees it: the stack's env, and only SYNTHETIC_MAILBOX added.
    const config = parseMailboxConfig({ ...stack.env, SYNTHETIC_MAILBOX: "mailpit" });
    assert.equal(config?.kind, "mailpit");
    assert.equal(config.url, stack.urls.mailApi, "the URL defaults to MAIL_SINK_API_URL");
    const created = createMailbox(config);
    assert.ok(created);
    mailbox = created;
  });

  after(async () => {
    await stack?.stop();
  });

  async function signUp(): Promise<{ email: string; since: Date }> {
    const email = syntheticEmail(identity);
    const since = new Date();
    const anon = newSupabaseClient(stack.urls.supabase, stack.keys.anonKey);
    const { data, error } = await anon.auth.signUp({ email, password: syntheticPassword() });
    assert.equal(error, null, "sign-up should be accepted");
    assert.equal(data.session, null, "with Confirm email on, sign-up waits for the mailed link");
    return { email, since };
  }

  test("the confirmation mail arrives; its verify link signs the user in (303 to #access_token)", async () => {
    const { email, since } = await signUp();
    const message = await mailbox.waitFor({
      to: email,
      since,
      subject: "Confirm your email address",
      deadlineMs: 10_000,
    });
    assert.deepEqual(message.to, [email]);
    assert.ok(message.receivedAt.getTime() >= since.getTime() - 1000);

    const link = extractLink(message, { allowedOrigins: [stack.urls.supabase] });
    assert.equal(`${link.origin}${link.pathname}`, `${stack.urls.supabase}/auth/v1/verify`);
    assert.equal(link.searchParams.get("type"), "signup");

    const response = await fetch(link, { redirect: "manual" });
    await response.body?.cancel();
    assert.equal(response.status, 303, "verify answers the link with 303 See Other");
    const location = response.headers.get("location") ?? "";
    assert.ok(
      location.includes("#access_token="),
      "the redirect carries a session in its fragment",
    );
  });

  test("the same mail is refused when Supabase's origin is not allowed, without its token", async () => {
    const { email, since } = await signUp();
    const message = await mailbox.waitFor({ to: email, since, deadlineMs: 10_000 });
    const token = extractLink(message, { allowedOrigins: [stack.urls.supabase] }).searchParams.get(
      "token",
    );
    assert.ok(token);
    assert.throws(
      () => extractLink(message, { allowedOrigins: [stack.urls.frontend] }),
      (error: Error) => {
        assert.ok(error instanceof MailboxError);
        assert.ok(
          error.message.startsWith(`Refused a link to ${stack.urls.supabase}/auth/v1/verify in`),
          error.message,
        );
        assert.ok(!error.message.includes(token), "no token in the message");
        return true;
      },
    );
  });

  test("a mail whose link points at another host is refused", async () => {
    const email = syntheticEmail(identity);
    const since = new Date();
    const { hostname, port } = new URL(stack.urls.smtp);
    const transport = nodemailer.createTransport({
      host: hostname,
      port: Number(port),
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: "Supabase Auth <noreply@auth.local>",
      to: email,
      subject: "Confirm your email address",
      html: '<a href="https://evil.example/auth/v1/verify?token=abc&amp;type=signup">Confirm</a>',
    });
    transport.close();
    const message = await mailbox.waitFor({ to: email, since, deadlineMs: 10_000 });
    assert.throws(
      () => extractLink(message, { allowedOrigins: [stack.urls.supabase] }),
      /^MailboxError: Refused a link to https:\/\/evil\.example\/auth\/v1\/verify in the mail/,
    );
  });

  test("no new mail within the deadline: the error names mailbox, address and time, no token", async () => {
    const { email } = await signUp();
    // The confirmation mail is there, but older than `since`: it must not count.
    const earlier = await mailbox.waitFor({ to: email, since: new Date(0), deadlineMs: 10_000 });
    const token = extractLink(earlier, { allowedOrigins: [stack.urls.supabase] }).searchParams.get(
      "token",
    );
    const started = performance.now();
    await assert.rejects(
      mailbox.waitFor({
        to: email,
        since: new Date(Date.now() + 1000),
        subject: "Confirm your email address",
        deadlineMs: 800,
      }),
      (error: Error) => {
        assert.ok(error instanceof MailboxError);
        assert.match(
          error.message,
          new RegExp(
            `^No mail to ${email.replaceAll(".", "\\.")} with subject Confirm your email address arrived in the mailpit mailbox at ${stack.urls.mailApi.replaceAll(".", "\\.")} within \\d+ ms`,
          ),
        );
        assert.ok(token && !error.message.includes(token), "no token in the message");
        return true;
      },
    );
    const took = performance.now() - started;
    assert.ok(took >= 750 && took < 3000, `it watched about the deadline, not more (${took} ms)`);
  });
});
