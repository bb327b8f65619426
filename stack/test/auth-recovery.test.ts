import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { StoredMessage } from "../src/mailsink/inbox.ts";
import { type RunningMailSink, startMailSink } from "../src/mailsink/index.ts";
import {
  API_VERSION,
  anonClient,
  authFetch,
  JSON_HEADERS,
  jwtPayload,
  uniqueEmail,
  useProject,
} from "./support/auth.ts";

const SITE_URL = "http://127.0.0.1:3000";

describe("auth: emails (password recovery, email change)", () => {
  let sink: RunningMailSink;
  let sinkOpen = false;

  // Registered before the project's hooks, so the sink is up before the project boots.
  before(async () => {
    sink = await startMailSink({ host: "127.0.0.1", smtpPort: 0, httpPort: 0 });
    sinkOpen = true;
  });

  after(async () => {
    if (sinkOpen) await sink.close();
  });

  const env = useProject({ smtpUrl: () => sink.smtpUrl });

  beforeEach(async () => {
    await fetch(`${sink.apiUrl}/messages`, { method: "DELETE" });
  });

  const anon = () => anonClient(env.project);

  async function inbox(to: string): Promise<StoredMessage[]> {
    const response = await fetch(`${sink.apiUrl}/messages?to=${encodeURIComponent(to)}`);
    return ((await response.json()) as { messages: StoredMessage[] }).messages;
  }

  async function registered(label: string) {
    const email = uniqueEmail(label);
    const { error } = await anon().auth.signUp({ email, password: "correct-horse" });
    assert.equal(error, null);
    return email;
  }

  function linkIn(message: StoredMessage): string {
    const link = message.html?.match(/href="([^"]+)"/)?.[1]?.replaceAll("&amp;", "&");
    assert.ok(link, "the mail carries a link");
    return link;
  }

  const follow = (link: string) => fetch(link, { redirect: "manual" });

  test("a known email gets a reset link that signs the user in for a new password", async () => {
    const email = await registered("recover");
    const { data, error } = await anon().auth.resetPasswordForEmail(email);
    assert.equal(error, null);
    assert.deepEqual(data, {});

    const [message, ...others] = await inbox(email);
    assert.equal(others.length, 0);
    assert.ok(message, "the recovery mail arrived at the SMTP server");
    assert.equal(message.subject, "Reset your password");
    const link = linkIn(message);
    const url = new URL(link);
    assert.equal(`${url.origin}${url.pathname}`, `${env.project.api.url}/auth/v1/verify`);
    assert.equal(url.searchParams.get("type"), "recovery");
    assert.equal(url.searchParams.get("redirect_to"), SITE_URL);

    const stored = await env.db.query(
      "select recovery_token, recovery_sent_at from auth.users where email = $1",
      [email],
    );
    assert.equal(stored.rows[0].recovery_token, url.searchParams.get("token"));
    assert.ok(stored.rows[0].recovery_sent_at);

    const response = await follow(link);
    assert.equal(response.status, 303);
    const location = response.headers.get("location") ?? "";
    assert.ok(location.startsWith(`${SITE_URL}#`), location);
    const fragment = new URLSearchParams(location.split("#")[1]);
    assert.equal(fragment.get("type"), "recovery");
    assert.equal(fragment.get("token_type"), "bearer");
    assert.equal(fragment.get("expires_in"), "3600");
    const accessToken = fragment.get("access_token") ?? "";
    const refreshToken = fragment.get("refresh_token") ?? "";
    assert.match(refreshToken, /^[a-z0-9]{12}$/);
    const claims = jwtPayload(accessToken);
    assert.equal(claims.email, email);
    assert.equal((claims.amr as Array<{ method: string }>)[0]?.method, "otp");

    const client = anon();
    const session = await client.auth.setSession({
      access_token: accessToken,
      refresh_token: refreshToken,
    });
    assert.equal(session.error, null);
    const updated = await client.auth.updateUser({ password: "battery-staple" });
    assert.equal(updated.error, null);
    const signIn = await anon().auth.signInWithPassword({ email, password: "battery-staple" });
    assert.equal(signIn.error, null);
  });

  test("a used link redirects with otp_expired instead of signing in again", async () => {
    const email = await registered("reuse");
    await anon().auth.resetPasswordForEmail(email);
    const [message] = await inbox(email);
    assert.ok(message);
    const link = linkIn(message);
    assert.equal((await follow(link)).status, 303);

    const again = await follow(link);
    assert.equal(again.status, 303);
    const location = again.headers.get("location") ?? "";
    assert.equal(
      location,
      `${SITE_URL}#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb=`,
    );
  });

  test("an unknown email gets the same empty answer and no mail", async () => {
    const email = uniqueEmail("unknown");
    const { data, error } = await anon().auth.resetPasswordForEmail(email);
    assert.equal(error, null);
    assert.deepEqual(data, {});
    assert.deepEqual(await inbox(email), []);
  });

  test("a second request within a minute is refused with over_email_send_rate_limit", async () => {
    const email = await registered("ratelimit");
    assert.equal((await anon().auth.resetPasswordForEmail(email)).error, null);
    const { error } = await anon().auth.resetPasswordForEmail(email);
    assert.equal(error?.code, "over_email_send_rate_limit");
    assert.equal(error?.status, 429);
    assert.equal((await inbox(email)).length, 1);
  });

  test("the emailed code works with verifyOtp as well", async () => {
    const email = await registered("otp");
    await anon().auth.resetPasswordForEmail(email);
    const [message] = await inbox(email);
    const code = message?.text?.match(/code: (\d{6})/)?.[1];
    assert.ok(code, "the mail carries a six-digit code");
    const { data, error } = await anon().auth.verifyOtp({ email, token: code, type: "recovery" });
    assert.equal(error, null);
    assert.equal(data.user?.email, email);
    const reused = await anon().auth.verifyOtp({ email, token: code, type: "recovery" });
    assert.equal(reused.error?.code, "otp_expired");
    assert.equal(reused.error?.status, 403);
  });

  test("a redirect_to off the site is ignored in favour of the site URL", async () => {
    const email = await registered("redirect");
    await anon().auth.resetPasswordForEmail(email, { redirectTo: "https://evil.example/steal" });
    const [message] = await inbox(email);
    assert.ok(message);
    assert.equal(new URL(linkIn(message)).searchParams.get("redirect_to"), SITE_URL);
  });

  test("verify without a token is a JSON validation error, not a redirect", async () => {
    const response = await fetch(`${env.project.api.url}/auth/v1/verify?type=recovery`, {
      redirect: "manual",
      headers: API_VERSION,
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { code: string }).code, "validation_failed");
  });

  test("changing the email mails the new address; its link switches the account over", async () => {
    const email = await registered("change");
    const client = anon();
    await client.auth.signInWithPassword({ email, password: "correct-horse" });
    const next = uniqueEmail("changed");
    const { data, error } = await client.auth.updateUser({ email: next });
    assert.equal(error, null);
    assert.equal(data.user?.email, email, "the address only changes once confirmed");
    assert.equal(data.user?.new_email, next);
    assert.ok(data.user?.email_change_sent_at);

    const [message] = await inbox(next);
    assert.ok(message, "the confirmation goes to the new address");
    assert.equal(message.subject, "Confirm your new email address");
    const response = await follow(linkIn(message));
    assert.equal(response.status, 303);
    const fragment = new URLSearchParams((response.headers.get("location") ?? "").split("#")[1]);
    assert.equal(fragment.get("type"), "email_change");
    assert.equal(jwtPayload(fragment.get("access_token") ?? "").email, next);

    const signIn = await anon().auth.signInWithPassword({ email: next, password: "correct-horse" });
    assert.equal(signIn.error, null);
    assert.equal(signIn.data.user?.identities?.[0]?.identity_data?.email, next);
    const old = await anon().auth.signInWithPassword({ email, password: "correct-horse" });
    assert.equal(old.error?.code, "invalid_credentials");
  });

  // Last in this file: it stops the SMTP server.
  test("when SMTP is down, recover answers GoTrue's 500 and the user is untouched", async () => {
    const email = await registered("smtpdown");
    await sink.close();
    sinkOpen = false;
    const response = await authFetch(env.project, "/recover", {
      method: "POST",
      headers: { ...JSON_HEADERS, ...API_VERSION },
      body: JSON.stringify({ email }),
    });
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), {
      code: "unexpected_failure",
      message: "Error sending recovery email",
    });
    const stored = await env.db.query(
      "select recovery_token, recovery_sent_at from auth.users where email = $1",
      [email],
    );
    assert.deepEqual(stored.rows[0], { recovery_token: "", recovery_sent_at: null });
  });
});
