// Emailed links in the PKCE flow, as @supabase/ssr apps and supabase-js with
// flowType "pkce" use them: the request carries a code challenge, the link's
// redirect carries `?code=`, and exchangeCodeForSession trades it (with the
// verifier the client kept) for the session. GoTrue's pkce.go, verify.go and
// token.go (PKCE grant) are the reference.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import pg from "pg";
import WebSocket from "ws";
import { FaultState } from "../src/faults.ts";
import { type RunningMailSink, startMailSink } from "../src/mailsink/index.ts";
import { startSupabaseProject } from "../src/supabase/project.ts";
import { authFetch, uniqueEmail } from "./support/auth.ts";
import { linkIn, onlyMailTo } from "./support/mail.ts";
import type { TestProject } from "./support/supabase.ts";

const SITE_URL = "http://127.0.0.1:3000";
const CALLBACK = `${SITE_URL}/auth/callback`;
const PASSWORD = "correct-horse";

describe("emailed links in the PKCE flow", () => {
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

  /** A browser-like client in the PKCE flow; its storage keeps the code verifier. */
  const pkceClient = (): SupabaseClient =>
    createClient(project.api.url, project.keys.anonKey, {
      auth: {
        flowType: "pkce",
        persistSession: false,
        autoRefreshToken: false,
        detectSessionInUrl: false,
      },
      realtime: { transport: WebSocket as never },
    });

  /** Follows the mailed link as a browser would, returning where Auth sends it. */
  async function follow(to: string): Promise<URL> {
    const link = linkIn(await onlyMailTo(sink.apiUrl, to));
    assert.match(link.searchParams.get("token") ?? "", /^pkce_/, "a PKCE link's token says so");
    const response = await fetch(link, { redirect: "manual" });
    assert.equal(response.status, 303);
    return new URL(response.headers.get("location") ?? "");
  }

  function codeOf(location: URL): string {
    assert.equal(
      `${location.origin}${location.pathname}`,
      CALLBACK,
      `back to the app: ${location}`,
    );
    assert.equal(location.hash, "", "no session in the fragment");
    const code = location.searchParams.get("code") ?? "";
    assert.match(code, /^[0-9a-f-]{36}$/, `an auth code in the query: ${location}`);
    return code;
  }

  test("sign-up: the confirmation link redirects with a code that exchangeCodeForSession trades for the session", async () => {
    const email = uniqueEmail("pkce-signup");
    const client = pkceClient();
    const signUp = await client.auth.signUp({
      email,
      password: PASSWORD,
      options: { emailRedirectTo: CALLBACK },
    });
    assert.equal(signUp.error, null);
    assert.equal(signUp.data.session, null, "no session before the link");
    const code = codeOf(await follow(email));
    const { data, error } = await client.auth.exchangeCodeForSession(code);
    assert.equal(error, null);
    assert.equal(data.user?.email, email);
    assert.ok(data.user?.email_confirmed_at, "the address is confirmed");
    assert.ok(data.session?.access_token);
    const amr = JSON.parse(
      Buffer.from(data.session?.access_token.split(".")[1] ?? "", "base64url").toString(),
    ).amr as Array<{ method: string }>;
    assert.deepEqual(
      amr.map((entry) => entry.method),
      ["email/signup"],
    );

    // The flow state is gone: the code is good once, whatever the verifier.
    const again = await authFetch(project, "/token?grant_type=pkce", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ auth_code: code, code_verifier: "x".repeat(43) }),
    });
    assert.equal(again.status, 404, "a code is good once");
    assert.equal(
      ((await again.json()) as { error_code?: string }).error_code,
      "flow_state_not_found",
    );
  });

  test("recovery: the link's code signs in for a password change, and the new password works", async () => {
    const email = uniqueEmail("pkce-recovery");
    await pkceClient().auth.signUp({ email, password: PASSWORD });
    await db.query("update auth.users set email_confirmed_at = now() where email = $1", [email]);
    await fetch(`${sink.apiUrl}/messages`, { method: "DELETE" });

    const client = pkceClient();
    const asked = await client.auth.resetPasswordForEmail(email, { redirectTo: CALLBACK });
    assert.equal(asked.error, null);
    const exchanged = await client.auth.exchangeCodeForSession(codeOf(await follow(email)));
    assert.equal(exchanged.error, null);
    assert.equal(
      (exchanged.data as { redirectType?: string | null }).redirectType,
      "recovery",
      "the client knows it is a recovery",
    );
    const updated = await client.auth.updateUser({ password: "a-brand-new-one" });
    assert.equal(updated.error, null);
    const signIn = await pkceClient().auth.signInWithPassword({
      email,
      password: "a-brand-new-one",
    });
    assert.equal(signIn.error, null);
  });

  test("magic link: signInWithOtp's link redirects with a code for a signed-in session", async () => {
    const email = uniqueEmail("pkce-magic");
    await pkceClient().auth.signUp({ email, password: PASSWORD });
    await db.query("update auth.users set email_confirmed_at = now() where email = $1", [email]);
    await fetch(`${sink.apiUrl}/messages`, { method: "DELETE" });

    const client = pkceClient();
    const asked = await client.auth.signInWithOtp({
      email,
      options: { emailRedirectTo: CALLBACK },
    });
    assert.equal(asked.error, null);
    const { data, error } = await client.auth.exchangeCodeForSession(codeOf(await follow(email)));
    assert.equal(error, null);
    assert.equal(data.user?.email, email);
  });

  test("a code with another client's verifier is refused as GoTrue refuses it", async () => {
    const email = uniqueEmail("pkce-verifier");
    await pkceClient().auth.signUp({
      email,
      password: PASSWORD,
      options: { emailRedirectTo: CALLBACK },
    });
    const code = codeOf(await follow(email));
    const response = await authFetch(project, "/token?grant_type=pkce", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ auth_code: code, code_verifier: "x".repeat(43) }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error_code?: string; msg?: string };
    assert.equal(body.error_code, "bad_code_verifier");
    assert.equal(body.msg, "code challenge does not match previously saved code verifier");

    const empty = await authFetch(project, "/token?grant_type=pkce", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ auth_code: code }),
    });
    assert.equal(empty.status, 400);
    assert.equal(
      ((await empty.json()) as { msg?: string }).msg,
      "invalid request: both auth code and code verifier should be non-empty",
    );
  });

  test("an expired PKCE link redirects with the error in the query and the fragment", async () => {
    const email = uniqueEmail("pkce-expired");
    await pkceClient().auth.signUp({
      email,
      password: PASSWORD,
      options: { emailRedirectTo: CALLBACK },
    });
    project.faults.set("auth-links-expired");
    try {
      const location = await follow(email);
      assert.equal(location.searchParams.get("error_code"), "otp_expired");
      assert.equal(location.searchParams.get("error"), "access_denied");
      const fragment = new URLSearchParams(location.hash.slice(1));
      assert.equal(fragment.get("error_code"), "otp_expired");
      assert.equal(location.searchParams.get("code"), null);
    } finally {
      project.faults.clear("auth-links-expired");
    }
  });

  test("bad PKCE parameters answer GoTrue's validation errors", async () => {
    const signUp = (body: Record<string, string>) =>
      authFetch(project, "/signup", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: uniqueEmail("pkce-bad"), password: PASSWORD, ...body }),
      });
    const cases: Array<[Record<string, string>, string]> = [
      [
        { code_challenge: "a".repeat(43) },
        "PKCE flow requires code_challenge_method and code_challenge",
      ],
      [
        { code_challenge: "short", code_challenge_method: "s256" },
        "code challenge has to be between 43 and 128 characters",
      ],
      [
        { code_challenge: `${"a".repeat(42)}!`, code_challenge_method: "s256" },
        "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes",
      ],
    ];
    for (const [body, message] of cases) {
      const response = await signUp(body);
      assert.equal(response.status, 400, message);
      const answer = (await response.json()) as { error_code?: string; msg?: string };
      assert.equal(answer.error_code, "validation_failed");
      assert.equal(answer.msg, message);
    }
  });
});
