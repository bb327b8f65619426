// The imap mailbox against a real IMAP server: the reference stack's Auth
// mails a real Dovecot over LMTP (as a project's custom SMTP would mail a
// real inbox), the synthetic user plus-addressed on one inbox, and the
// suite reads the confirmation through IMAP and follows its link to a session.
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";
import { type ImapMailboxConfig, parseMailboxConfig } from "../target/config.ts";
import { checkMailbox, createMailbox, extractLink, MailboxError } from "../target/mailbox.ts";
import { newSupabaseClient } from "../target/supabase-client.ts";
import {
  isSyntheticUser,
  parseSyntheticEmail,
  syntheticEmail,
  syntheticPassword,
} from "../target/synthetic-users.ts";
import { type RunningDovecot, startDovecot } from "./support/dovecot.ts";

const INBOX = "monitor@example.com";
// Characters that must be percent-encoded in the URL.
const PASSWORD = "s3cret/p@ss w%rd";
const identity = {
  prefix: "synthetic",
  runId: "imap01",
  workerIndex: 0,
  domain: "synthetic.example",
  inbox: INBOX,
};

function imapConfig(url: string): ImapMailboxConfig {
  const config = parseMailboxConfig({ SYNTHETIC_MAILBOX: "imap", SYNTHETIC_MAILBOX_URL: url });
  assert.equal(config?.kind, "imap");
  return config;
}

function assertNoPassword(error: Error) {
  assert.ok(!error.message.includes(PASSWORD), "no password in the message");
  assert.ok(!error.message.includes(encodeURIComponent(PASSWORD)), "not even encoded");
}

describe("mailbox: imap over a real Dovecot that the stack's Auth mails", () => {
  let dovecot: RunningDovecot;
  let stack: RunningStack;
  let config: ImapMailboxConfig;

  before(async () => {
    dovecot = await startDovecot({ users: [{ user: INBOX, password: PASSWORD }] });
    stack = await bootStack({
      ports: FREE_PORTS,
      envFile: false,
      confirmEmail: true,
      authSmtpUrl: dovecot.lmtpUrl,
    });
    config = imapConfig(dovecot.imapUrl(INBOX, PASSWORD));
  });

  after(async () => {
    await stack?.stop();
    await dovecot?.stop();
  });

  async function signUp(): Promise<{ email: string; since: Date }> {
    const email = syntheticEmail(identity);
    // IMAP's INTERNALDATE has whole seconds.
    const since = new Date(Math.floor(Date.now() / 1000) * 1000);
    const anon = newSupabaseClient(stack.urls.supabase, stack.keys.anonKey);
    const { data, error } = await anon.auth.signUp({ email, password: syntheticPassword() });
    assert.equal(error, null, "sign-up should be accepted");
    assert.equal(data.session, null, "with Confirm email on, sign-up waits for the mailed link");
    return { email, since };
  }

  test("preflight logs in", async () => {
    await checkMailbox(config);
  });

  test("the confirmation mail arrives in the inbox; its verify link signs the user in (303 to #access_token)", async () => {
    const { email, since } = await signUp();
    assert.match(email, /^monitor\+synthetic-imap01-w0-[0-9a-f]{12}@example\.com$/);
    assert.deepEqual(parseSyntheticEmail(email, "synthetic"), { runId: "imap01", workerIndex: 0 });
    assert.ok(isSyntheticUser({ email, user_metadata: {} }, identity), "the sweeper knows it");

    const mailbox = createMailbox(config);
    assert.ok(mailbox);
    const message = await mailbox.waitFor({
      to: email,
      since,
      subject: "Confirm your email address",
      deadlineMs: 10_000,
    });
    assert.deepEqual(message.to, [email]);
    assert.equal(message.from, "noreply@auth.local");
    assert.ok(message.html.includes("/auth/v1/verify"), "the HTML part was parsed");
    assert.ok(message.receivedAt.getTime() >= since.getTime());

    const link = extractLink(message, { allowedOrigins: [stack.urls.supabase] });
    assert.equal(`${link.origin}${link.pathname}`, `${stack.urls.supabase}/auth/v1/verify`);
    assert.equal(link.searchParams.get("type"), "signup");
    const response = await fetch(link, { redirect: "manual" });
    await response.body?.cancel();
    assert.equal(response.status, 303, "verify answers the link with 303 See Other");
    assert.ok(
      (response.headers.get("location") ?? "").includes("#access_token="),
      "the redirect carries a session in its fragment",
    );
    assert.match(dovecot.log(), /saved mail to INBOX/, "Dovecot delivered it over LMTP");
  });

  test("no new mail within the deadline: the error names mailbox and address, no token", async () => {
    const { email } = await signUp();
    const mailbox = createMailbox(config);
    assert.ok(mailbox);
    const earlier = await mailbox.waitFor({ to: email, since: new Date(0), deadlineMs: 10_000 });
    const token = extractLink(earlier, { allowedOrigins: [stack.urls.supabase] }).searchParams.get(
      "token",
    );
    await assert.rejects(
      mailbox.waitFor({ to: email, since: new Date(Date.now() + 5_000), deadlineMs: 600 }),
      (error: Error) => {
        assert.ok(error instanceof MailboxError);
        assert.ok(
          error.message.startsWith(
            `No mail to ${email} arrived in the imap mailbox at imap://127.0.0.1:${dovecot.imapPort}/INBOX within`,
          ),
          error.message,
        );
        assert.ok(token && !error.message.includes(token), "no token in the message");
        assertNoPassword(error);
        return true;
      },
    );
  });

  test("a wrong password fails the preflight: could not log in, without the password", async () => {
    const wrong = `${PASSWORD}x`;
    await assert.rejects(
      checkMailbox(imapConfig(dovecot.imapUrl(INBOX, wrong))),
      (error: Error) => {
        assert.ok(error instanceof MailboxError);
        assert.equal(
          error.message,
          `SYNTHETIC_MAILBOX_URL imap://127.0.0.1:${dovecot.imapPort}/INBOX: could not log in as ${INBOX} ` +
            "(the server refused the user name or password)",
        );
        assert.ok(!error.message.includes(wrong));
        assertNoPassword(error);
        return true;
      },
    );
  });

  test("a mailbox that does not exist is named", async () => {
    await assert.rejects(
      checkMailbox(imapConfig(dovecot.imapUrl(INBOX, PASSWORD, "Archive"))),
      /SYNTHETIC_MAILBOX_URL imap:\/\/127\.0\.0\.1:\d+\/Archive: monitor@example\.com has no mailbox "Archive"/,
    );
  });

  test("nothing listening: could not connect, naming host:port", async () => {
    const port = await closedPort();
    await assert.rejects(
      checkMailbox(imapConfig(`imap://u:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/`)),
      (error: Error) => {
        assert.ok(error instanceof MailboxError);
        assert.match(
          error.message,
          new RegExp(
            `^SYNTHETIC_MAILBOX_URL imap://127\\.0\\.0\\.1:${port}/INBOX: could not connect to 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`,
          ),
        );
        assertNoPassword(error);
        return true;
      },
    );
  });

  test("a server that never greets: the look ends at its timeout", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const started = performance.now();
      await assert.rejects(
        checkMailbox(imapConfig(`imap://u:p@127.0.0.1:${port}`), { timeoutMs: 300 }),
        new RegExp(
          `^MailboxError: SYNTHETIC_MAILBOX_URL imap://127\\.0\\.0\\.1:${port}/INBOX did not answer in time \\(connecting and logging in\\)`,
        ),
      );
      const took = performance.now() - started;
      assert.ok(took < 2_000, `ended at the look's timeout, not imapflow's own (${took} ms)`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
