import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import pg from "pg";
import { confirmEmailFromEnv } from "../src/confirm-email.ts";
import { FaultState } from "../src/faults.ts";
import type { StoredMessage } from "../src/mailsink/inbox.ts";
import { type RunningMailSink, startMailSink } from "../src/mailsink/index.ts";
import { startSupabaseProject } from "../src/supabase/project.ts";
import { API_VERSION, authFetch, jwtPayload, uniqueEmail } from "./support/auth.ts";
import { supabaseClient } from "./support/clients.ts";
import { codeIn, linkIn, mailsTo, onlyMailTo } from "./support/mail.ts";
import type { TestProject } from "./support/supabase.ts";

const SITE_URL = "http://127.0.0.1:3000";
const PASSWORD = "correct-horse";

describe('auth with "Confirm email" on: sign-up, magic link, resend, recovery by mail', () => {
  let sink: RunningMailSink;
  let project: TestProject;
  let db: pg.Client;

  before(async () => {
    sink = await startMailSink({ host: "127.0.0.1", smtpPort: 0, httpPort: 0 });
    const faults = new FaultState();
    const started = await startSupabaseProject({
      faults,
      siteUrl: SITE_URL,
      smtpUrl: sink.smtpUrl,
      confirmEmail: true,
    });
    project = Object.assign(started, { faults });
    db = new pg.Client(project.postgres.url);
    await db.connect();
  });

  after(async () => {
    await db?.end();
    await project?.close();
    await sink?.close();
  });

  beforeEach(async () => {
    await fetch(`${sink.apiUrl}/messages`, { method: "DELETE" });
  });

  const anon = () => supabaseClient(project, project.keys.anonKey);

  const inbox = (to: string) => mailsTo(sink.apiUrl, to);
  const onlyMail = (to: string) => onlyMailTo(sink.apiUrl, to);

  const follow = (link: URL) => fetch(link, { redirect: "manual" });

  function fragmentOf(response: Response): URLSearchParams {
    assert.equal(response.status, 303, "verify answers links with 303 See Other");
    const location = response.headers.get("location") ?? "";
    assert.ok(location.startsWith(`${SITE_URL}#`), `redirects to the site: ${location}`);
    return new URLSearchParams(location.split("#")[1]);
  }

  /** Lets the next mail of a kind go out at once (GoTrue allows one a minute). */
  async function backdate(email: string, column: string, seconds = 61): Promise<void> {
    await db.query(
      `update auth.users set ${column} = ${column} - make_interval(secs => $2) where email = $1`,
      [email, seconds],
    );
  }

  async function signedUp(label: string): Promise<string> {
    const email = uniqueEmail(label);
    const { error } = await anon().auth.signUp({ email, password: PASSWORD });
    assert.equal(error, null);
    return email;
  }

  async function confirmed(label: string): Promise<string> {
    const email = await signedUp(label);
    const hash = linkIn(await onlyMail(email)).searchParams.get("token") ?? "";
    const { error } = await anon().auth.verifyOtp({ type: "email", token_hash: hash });
    assert.equal(error, null);
    await fetch(`${sink.apiUrl}/messages`, { method: "DELETE" });
    return email;
  }

  test("settings report mailer_autoconfirm false", async () => {
    const response = await authFetch(project, "/settings");
    assert.equal(response.status, 200);
    const settings = (await response.json()) as Record<string, unknown>;
    assert.equal(settings.mailer_autoconfirm, false);
  });

  test("signUp gives the user without a session; the mailed link confirms and signs in", async () => {
    const email = uniqueEmail("signup");
    const { data, error } = await anon().auth.signUp({
      email,
      password: PASSWORD,
      options: { data: { full_name: "Ada" } },
    });
    assert.equal(error, null);
    assert.equal(data.session, null, "no session before the address is confirmed");
    assert.equal(data.user?.email, email);
    assert.equal(data.user?.email_confirmed_at, undefined);
    assert.ok(data.user?.confirmation_sent_at, "confirmation_sent_at is set");
    assert.equal(data.user?.identities?.length, 1, "a real sign-up shows its identity");
    assert.deepEqual(data.user?.user_metadata, { full_name: "Ada" });

    const early = await anon().auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(early.error?.code, "email_not_confirmed");
    assert.equal(early.error?.status, 400);

    const message = await onlyMail(email);
    assert.equal(message.subject, "Confirm your email address");
    const link = linkIn(message);
    assert.equal(`${link.origin}${link.pathname}`, `${project.api.url}/auth/v1/verify`);
    assert.equal(link.searchParams.get("type"), "signup");
    assert.equal(link.searchParams.get("redirect_to"), SITE_URL);
    assert.match(codeIn(message), /^\d{6}$/);

    const fragment = fragmentOf(await follow(link));
    assert.equal(fragment.get("type"), "signup");
    assert.equal(fragment.get("token_type"), "bearer");
    assert.equal(fragment.get("expires_in"), "3600");
    assert.ok(Number(fragment.get("expires_at")) > Date.now() / 1000);
    assert.equal(fragment.get("sb"), "");
    const client = anon();
    const set = await client.auth.setSession({
      access_token: fragment.get("access_token") ?? "",
      refresh_token: fragment.get("refresh_token") ?? "",
    });
    assert.equal(set.error, null);
    const { data: got, error: getError } = await client.auth.getUser();
    assert.equal(getError, null);
    assert.equal(got.user?.email, email);
    assert.ok(got.user?.email_confirmed_at, "the link confirmed the address");
    assert.equal(got.user?.identities?.[0]?.identity_data?.email_verified, true);

    const later = await anon().auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(later.error, null, "password sign-in works once confirmed");

    const again = await follow(link);
    assert.equal(
      again.headers.get("location"),
      `${SITE_URL}#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb=`,
      "a used link redirects with otp_expired",
    );
  });

  test("a link past the OTP lifetime redirects with otp_expired and does not confirm", async () => {
    const email = await signedUp("expired");
    const link = linkIn(await onlyMail(email));
    await backdate(email, "confirmation_sent_at", 3601);
    const fragment = fragmentOf(await follow(link));
    assert.equal(fragment.get("error_code"), "otp_expired");
    assert.equal(fragment.get("error"), "access_denied");
    assert.equal(fragment.get("error_description"), "Email link is invalid or has expired");
    const { rows } = await db.query("select email_confirmed_at from auth.users where email = $1", [
      email,
    ]);
    assert.equal(rows[0].email_confirmed_at, null);
  });

  test("verifyOtp with the link's token_hash signs in; the hash works once", async () => {
    const email = await signedUp("tokenhash");
    const hash = linkIn(await onlyMail(email)).searchParams.get("token") ?? "";
    const { data, error } = await anon().auth.verifyOtp({ type: "signup", token_hash: hash });
    assert.equal(error, null);
    assert.ok(data.session?.access_token, "a session, as an ssr /auth/confirm route gets");
    assert.equal(data.user?.email, email);
    assert.ok(data.user?.email_confirmed_at);
    assert.equal(jwtPayload(data.session?.access_token ?? "").email, email);

    const reused = await anon().auth.verifyOtp({ type: "email", token_hash: hash });
    assert.equal(reused.error?.code, "otp_expired");
    assert.equal(reused.error?.status, 403);
    assert.equal(reused.error?.message, "Email link is invalid or has expired");
  });

  test("verifyOtp with the six-digit code from the mail signs in", async () => {
    const email = await signedUp("code");
    const code = codeIn(await onlyMail(email));
    const wrong = await anon().auth.verifyOtp({
      email,
      token: code === "000000" ? "111111" : "000000",
      type: "email",
    });
    assert.equal(wrong.error?.code, "otp_expired");
    assert.equal(wrong.error?.message, "Token has expired or is invalid");
    const { data, error } = await anon().auth.verifyOtp({ email, token: code, type: "email" });
    assert.equal(error, null);
    assert.ok(data.session?.refresh_token);
    assert.ok(data.user?.email_confirmed_at);
  });

  test("signing up again: unconfirmed re-sends (once a minute), confirmed looks new and mails nothing", async () => {
    const email = await signedUp("again");
    const first = linkIn(await onlyMail(email));

    const tooSoon = await anon().auth.signUp({ email, password: PASSWORD });
    assert.equal(tooSoon.error?.code, "over_email_send_rate_limit");
    assert.equal(tooSoon.error?.status, 429);

    await backdate(email, "confirmation_sent_at");
    const resent = await anon().auth.signUp({ email, password: "another-password" });
    assert.equal(resent.error, null);
    assert.equal(resent.data.session, null);
    const messages = await inbox(email);
    assert.equal(messages.length, 2, "a second confirmation mail");
    const second = linkIn(messages[0] as StoredMessage);
    assert.notEqual(second.searchParams.get("token"), first.searchParams.get("token"));
    assert.equal(fragmentOf(await follow(first)).get("error_code"), "otp_expired");
    assert.equal(fragmentOf(await follow(second)).get("type"), "signup");
    const oldPassword = await anon().auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(oldPassword.error, null, "the repeated sign-up did not change the password");

    await fetch(`${sink.apiUrl}/messages`, { method: "DELETE" });
    const { rows } = await db.query("select id from auth.users where email = $1", [email]);
    const taken = await anon().auth.signUp({ email, password: PASSWORD });
    assert.equal(taken.error, null, "no user_already_exists: that would tell who is registered");
    assert.equal(taken.data.session, null);
    assert.deepEqual(taken.data.user?.identities, [], "the sign of an existing user");
    assert.notEqual(taken.data.user?.id, rows[0].id, "the real id stays hidden");
    assert.deepEqual(await inbox(email), []);
  });

  test("signInWithOtp: a confirmed user gets a magic link that signs in", async () => {
    const email = await confirmed("magic");
    const { error } = await anon().auth.signInWithOtp({ email });
    assert.equal(error, null);
    const message = await onlyMail(email);
    assert.equal(message.subject, "Your sign-in link");
    const link = linkIn(message);
    assert.equal(link.searchParams.get("type"), "magiclink");
    const fragment = fragmentOf(await follow(link));
    assert.equal(fragment.get("type"), "magiclink");
    const claims = jwtPayload(fragment.get("access_token") ?? "");
    assert.equal(claims.email, email);
    assert.equal((claims.amr as Array<{ method: string }>)[0]?.method, "otp");
  });

  test("signInWithOtp: a new address is signed up and its confirmation code signs in", async () => {
    const email = uniqueEmail("otpnew");
    const refused = await anon().auth.signInWithOtp({
      email,
      options: { shouldCreateUser: false },
    });
    assert.equal(refused.error?.code, "otp_disabled");
    assert.equal(refused.error?.status, 422);
    assert.deepEqual(await inbox(email), []);

    const { error } = await anon().auth.signInWithOtp({
      email,
      options: { data: { plan: "trial" }, emailRedirectTo: `${SITE_URL}/welcome` },
    });
    assert.equal(error, null);
    const message = await onlyMail(email);
    assert.equal(message.subject, "Confirm your email address", "sign-up mail doubles as sign-in");
    assert.equal(linkIn(message).searchParams.get("redirect_to"), `${SITE_URL}/welcome`);
    const { data, error: verifyError } = await anon().auth.verifyOtp({
      email,
      token: codeIn(message),
      type: "email",
    });
    assert.equal(verifyError, null);
    assert.deepEqual(data.user?.user_metadata, { plan: "trial", email_verified: true });
  });

  test("resend signup mails a fresh link; nothing for unknown or confirmed addresses", async () => {
    const email = await signedUp("resend");
    const tooSoon = await anon().auth.resend({ type: "signup", email });
    assert.equal(tooSoon.error?.code, "over_email_send_rate_limit");

    await backdate(email, "confirmation_sent_at");
    const { error } = await anon().auth.resend({ type: "signup", email });
    assert.equal(error, null);
    const [latest] = await inbox(email);
    assert.ok(latest);
    assert.equal(latest.subject, "Confirm your email address");
    assert.equal(fragmentOf(await follow(linkIn(latest))).get("type"), "signup");

    await fetch(`${sink.apiUrl}/messages`, { method: "DELETE" });
    assert.equal((await anon().auth.resend({ type: "signup", email })).error, null);
    const unknown = uniqueEmail("resend-unknown");
    assert.equal((await anon().auth.resend({ type: "signup", email: unknown })).error, null);
    assert.deepEqual(await inbox(email), [], "a confirmed address gets no mail");
    assert.deepEqual(await inbox(unknown), []);
  });

  test("resend email_change mails the pending new address again", async () => {
    const email = await confirmed("change");
    const client = anon();
    assert.equal((await client.auth.signInWithPassword({ email, password: PASSWORD })).error, null);
    const next = uniqueEmail("changed");
    assert.equal((await client.auth.updateUser({ email: next })).error, null);
    await backdate(email, "email_change_sent_at");
    const { error } = await client.auth.resend({ type: "email_change", email });
    assert.equal(error, null);
    const messages = await inbox(next);
    assert.equal(messages.length, 2);
    const fragment = fragmentOf(await follow(linkIn(messages[0] as StoredMessage)));
    assert.equal(fragment.get("type"), "email_change");
    assert.equal(jwtPayload(fragment.get("access_token") ?? "").email, next);
  });

  test("recovery end to end: mailed link, session, new password, sign-in with it", async () => {
    const email = await confirmed("recover");
    assert.equal((await anon().auth.resetPasswordForEmail(email)).error, null);
    const message = await onlyMail(email);
    assert.equal(message.subject, "Reset your password");
    const fragment = fragmentOf(await follow(linkIn(message)));
    assert.equal(fragment.get("type"), "recovery");

    const client = anon();
    const set = await client.auth.setSession({
      access_token: fragment.get("access_token") ?? "",
      refresh_token: fragment.get("refresh_token") ?? "",
    });
    assert.equal(set.error, null);
    assert.equal((await client.auth.updateUser({ password: "battery-staple" })).error, null);
    const old = await anon().auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(old.error?.code, "invalid_credentials");
    const fresh = await anon().auth.signInWithPassword({ email, password: "battery-staple" });
    assert.equal(fresh.error, null, "the new password signs in");
  });

  test("a raw POST /verify with token_hash and email together is refused", async () => {
    const response = await authFetch(project, "/verify", {
      method: "POST",
      headers: { "content-type": "application/json", ...API_VERSION },
      body: JSON.stringify({ type: "signup", token_hash: "x", email: "a@example.test" }),
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      code: "validation_failed",
      message: "Only the token_hash and type should be provided",
    });
  });
});

describe("STACK_CONFIRM_EMAIL", () => {
  test("reads 1/true as on, unset or 0 as off, and names itself when the value is wrong", () => {
    assert.equal(confirmEmailFromEnv({ STACK_CONFIRM_EMAIL: "1" }), true);
    assert.equal(confirmEmailFromEnv({ STACK_CONFIRM_EMAIL: "true" }), true);
    assert.equal(confirmEmailFromEnv({}), false);
    assert.equal(confirmEmailFromEnv({ STACK_CONFIRM_EMAIL: "0" }), false);
    assert.throws(
      () => confirmEmailFromEnv({ STACK_CONFIRM_EMAIL: "maybe" }),
      /STACK_CONFIRM_EMAIL/,
    );
  });
});
