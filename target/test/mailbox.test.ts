import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, test } from "node:test";
import { ConfigError, parseMailboxConfig, redactUrl } from "../config.ts";
import { createMailbox, extractLink, MailboxError, type MailMessage } from "../mailbox.ts";

const SUPABASE = "http://127.0.0.1:54321";
const TOKEN = "9c0ffee5e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";

function mail(parts: Partial<MailMessage>): MailMessage {
  return {
    id: "m1",
    subject: "Confirm your email address",
    from: "noreply@auth.local",
    to: ["synthetic-abc123-w0-0a1b2c3d4e5f@example.com"],
    text: "",
    html: "",
    receivedAt: new Date(),
    ...parts,
  };
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("the configuration should have been refused");
}

describe("mailbox configuration", () => {
  test("unset means no mailbox; mailpit takes its URL, or the stack's sink", () => {
    assert.equal(parseMailboxConfig({}), undefined);
    assert.deepEqual(
      parseMailboxConfig({ SYNTHETIC_MAILBOX: "mailpit", SYNTHETIC_MAILBOX_URL: "http://m:8025/" }),
      { kind: "mailpit", url: "http://m:8025", variable: "SYNTHETIC_MAILBOX_URL" },
    );
    assert.deepEqual(
      parseMailboxConfig({ SYNTHETIC_MAILBOX: "mailpit", MAIL_SINK_API_URL: "http://127.0.0.1:1" }),
      { kind: "mailpit", url: "http://127.0.0.1:1", variable: "MAIL_SINK_API_URL" },
    );
  });

  test("imap takes host, port, percent-decoded credentials and mailbox (default INBOX)", () => {
    assert.deepEqual(
      parseMailboxConfig({
        SYNTHETIC_MAILBOX: "imap",
        SYNTHETIC_MAILBOX_URL: "imaps://monitor%40example.com:p%2Fw%20d@imap.example.com",
      }),
      {
        kind: "imap",
        address: "imaps://imap.example.com:993/INBOX",
        host: "imap.example.com",
        port: 993,
        secure: true,
        user: "monitor@example.com",
        password: "p/w d",
        mailbox: "INBOX",
        variable: "SYNTHETIC_MAILBOX_URL",
      },
    );
    const plain = parseMailboxConfig({
      SYNTHETIC_MAILBOX: "imap",
      SYNTHETIC_MAILBOX_URL: "imap://u:p@127.0.0.1:1143/Auth%20mail",
    });
    assert.equal(
      plain?.kind === "imap" && `${plain.address} ${plain.secure}`,
      "imap://127.0.0.1:1143/Auth mail false",
    );
  });

  test("each mistake names its variable; imap needs a URL with credentials, never echoed", () => {
    assert.match(
      problemsOf(() => parseMailboxConfig({ SYNTHETIC_MAILBOX: "imap" }))[0] ?? "",
      /^SYNTHETIC_MAILBOX_URL is required with SYNTHETIC_MAILBOX=imap/,
    );
    for (const url of ["https://u:s3cret@h", "imaps://imap.example.com", "imap://u:s3cret%zz@h"]) {
      const problems = problemsOf(() =>
        parseMailboxConfig({ SYNTHETIC_MAILBOX: "imap", SYNTHETIC_MAILBOX_URL: url }),
      );
      assert.match(problems[0] ?? "", /^SYNTHETIC_MAILBOX_URL /);
      assert.ok(!problems.join("\n").includes("s3cret"), "the value is not echoed");
    }
    assert.match(
      problemsOf(() => parseMailboxConfig({ SYNTHETIC_MAILBOX: "gmail" }))[0] ?? "",
      /^SYNTHETIC_MAILBOX must be mailpit/,
    );
    assert.match(
      problemsOf(() => parseMailboxConfig({ SYNTHETIC_MAILBOX: "mailpit" }))[0] ?? "",
      /^SYNTHETIC_MAILBOX_URL is required with SYNTHETIC_MAILBOX=mailpit/,
    );
    assert.match(
      problemsOf(() => parseMailboxConfig({ SYNTHETIC_MAILBOX_URL: "http://m:8025" }))[0] ?? "",
      /^SYNTHETIC_MAILBOX_URL is set but SYNTHETIC_MAILBOX is not/,
    );
    const bad = problemsOf(() =>
      parseMailboxConfig({
        SYNTHETIC_MAILBOX: "mailpit",
        SYNTHETIC_MAILBOX_URL: "ftp://u:s3cret@m",
      }),
    );
    assert.match(bad[0] ?? "", /^SYNTHETIC_MAILBOX_URL must be an http\(s\) URL/);
    assert.ok(!bad.join("\n").includes("s3cret"), "the value is not echoed");
  });

  test("redactUrl drops credentials, query and fragment", () => {
    assert.equal(
      redactUrl("https://ops:s3cret@mail.example.com/mailpit/?x=1#y"),
      "https://mail.example.com/mailpit",
    );
  });

  test("an unreachable mailbox names the variable and the URL, without credentials", async () => {
    const port = await closedPort();
    const mailbox = createMailbox(
      parseMailboxConfig({
        SYNTHETIC_MAILBOX: "mailpit",
        SYNTHETIC_MAILBOX_URL: `http://ops:s3cret@127.0.0.1:${port}`,
      }),
    );
    assert.ok(mailbox);
    await assert.rejects(
      mailbox.waitFor({ to: "a@example.com", since: new Date(), deadlineMs: 2_000 }),
      (error: Error) => {
        assert.ok(error instanceof MailboxError);
        assert.match(
          error.message,
          new RegExp(
            `^SYNTHETIC_MAILBOX_URL http://127\\.0\\.0\\.1:${port} is unreachable \\(ECONNREFUSED\\)`,
          ),
        );
        assert.ok(!error.message.includes("s3cret"), "no password in the message");
        return true;
      },
    );
  });
});

describe("extractLink", () => {
  const verify = `${SUPABASE}/auth/v1/verify?token=${TOKEN}&type=signup&redirect_to=http://127.0.0.1:3000`;

  test("the first auth link in the HTML, entities decoded", () => {
    const message = mail({
      html: `<p><a href="https://example.com/help">Help</a></p><p><a href="${verify.replaceAll("&", "&amp;")}">Confirm</a></p>`,
    });
    const link = extractLink(message, { allowedOrigins: [`${SUPABASE}/`] });
    assert.equal(link.href, new URL(verify).href);
    assert.equal(link.searchParams.get("type"), "signup");
  });

  test("the text part when the HTML has none; an app's confirm URL with a token_hash counts", () => {
    const app = `http://127.0.0.1:3000/auth/confirm?token_hash=${TOKEN}&type=email`;
    const link = extractLink(mail({ text: `Confirm here:\n${app}\n` }), {
      allowedOrigins: ["http://127.0.0.1:3000"],
    });
    assert.equal(link.pathname, "/auth/confirm");
  });

  test("a link to another host is refused, naming origin and path, never the token", () => {
    const evil = `https://evil.example/auth/v1/verify?token=${TOKEN}&type=signup`;
    assert.throws(
      () =>
        extractLink(mail({ html: `<a href="${evil}">Confirm</a>` }), {
          allowedOrigins: [SUPABASE],
        }),
      (error: Error) => {
        assert.ok(error instanceof MailboxError);
        assert.match(
          error.message,
          /^Refused a link to https:\/\/evil\.example\/auth\/v1\/verify in the mail/,
        );
        assert.match(
          error.message,
          /not one of the allowed origins \(http:\/\/127\.0\.0\.1:54321\)/,
        );
        assert.ok(!error.message.includes(TOKEN), "the token stays out of the message");
        assert.ok(!error.message.includes("?"), "no query at all");
        return true;
      },
    );
  });

  test("a mail without an auth link says so", () => {
    assert.throws(
      () =>
        extractLink(mail({ html: '<a href="https://example.com/help">Help</a>' }), {
          allowedOrigins: [SUPABASE],
        }),
      /carries no auth link \(1 links; none to \/auth\/v1\/verify or carrying a token or code\)/,
    );
  });
});

/** A port nothing listens on (fetch refuses the well-known closed ones, 9 included, as bad ports). */
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
