// STACK_AUTH_SMTP_URL / --auth-smtp: checked before boot, naming the setting, never echoing it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { authSmtpUrlFromEnv, parseAuthSmtpUrl } from "../src/auth-smtp.ts";

describe("STACK_AUTH_SMTP_URL", () => {
  test("smtp, smtps and lmtp URLs with credentials and port are taken as given", () => {
    for (const url of [
      "smtp://127.0.0.1:2525",
      "smtps://user:p%40ss@smtp.example.com:465",
      "lmtp://127.0.0.1:24",
    ])
      assert.equal(parseAuthSmtpUrl(` ${url} `, "STACK_AUTH_SMTP_URL"), url);
    assert.equal(authSmtpUrlFromEnv({}), undefined, "unset: the stack's own mail sink");
    assert.equal(authSmtpUrlFromEnv({ STACK_AUTH_SMTP_URL: "  " }), undefined);
  });

  test("anything else is refused naming the setting, without the value", () => {
    for (const value of [
      "http://user:hunter22@mail.example.com",
      "smtp://",
      "not a url hunter22",
      "smtp://user:hunter22@mail.example.com:587/path",
      "smtp://mail.example.com?secure=hunter22",
    ]) {
      assert.throws(
        () => authSmtpUrlFromEnv({ STACK_AUTH_SMTP_URL: value }),
        (error: Error) =>
          error.message.startsWith("STACK_AUTH_SMTP_URL: ") && !error.message.includes("hunter22"),
        value,
      );
    }
    assert.throws(() => parseAuthSmtpUrl("ftp://x", "--auth-smtp"), /^Error: --auth-smtp: /);
  });
});
