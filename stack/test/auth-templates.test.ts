// A project's own email templates (STACK_AUTH_TEMPLATES), as an @supabase/ssr
// app's docs set them: the confirmation links to the app's /auth/confirm with
// {{ .TokenHash }}, and verifyOtp({ type, token_hash }) there signs the user in.
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import { FaultState } from "../src/faults.ts";
import { type RunningMailSink, startMailSink } from "../src/mailsink/index.ts";
import { loadAuthTemplates, TemplateError } from "../src/supabase/auth/templates.ts";
import { startSupabaseProject } from "../src/supabase/project.ts";
import { uniqueEmail } from "./support/auth.ts";
import { supabaseClient } from "./support/clients.ts";
import { mailsTo, onlyMailTo } from "./support/mail.ts";
import type { TestProject } from "./support/supabase.ts";

const SITE_URL = "http://127.0.0.1:3000";

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "auth-templates-"));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

describe("a project's own email templates", () => {
  let sink: RunningMailSink;
  let project: TestProject;

  before(async () => {
    const dir = await folder({
      "confirmation.html":
        '<h2>Hello {{ .Data.full_name }}</h2>\n<a href="{{ .SiteURL }}/auth/confirm?token_hash={{ .TokenHash }}&type=email&next={{ .RedirectTo }}">Confirm</a>\n<p>or {{ .Token }}</p>',
      "confirmation.subject": "Welcome, {{ .Email }}",
    });
    sink = await startMailSink({ host: "127.0.0.1", smtpPort: 0, httpPort: 0 });
    const faults = new FaultState();
    const started = await startSupabaseProject({
      faults,
      siteUrl: SITE_URL,
      smtpUrl: sink.smtpUrl,
      confirmEmail: true,
      templates: loadAuthTemplates(dir, "STACK_AUTH_TEMPLATES"),
    });
    project = Object.assign(started, { faults });
  });
  after(async () => {
    await project?.close();
    await sink?.close();
  });

  /** The app's /auth/confirm link in the mail, as the template wrote it. */
  async function confirmLink(email: string): Promise<URL> {
    const mail = await onlyMailTo(sink.apiUrl, email);
    assert.equal(mail.subject, `Welcome, ${email}`);
    // Sent as HTML alone, as GoTrue does (the sink derives a text part, as Mailpit does).
    assert.doesNotMatch(
      mail.text ?? "",
      /Or enter this code/,
      "no default text part beside the project's template",
    );
    const href = mail.html?.match(/href="([^"]+)"/)?.[1]?.replaceAll("&amp;", "&") ?? "";
    const link = new URL(href);
    assert.equal(`${link.origin}${link.pathname}`, `${SITE_URL}/auth/confirm`);
    assert.match(mail.html ?? "", /<h2>Hello Ada &amp; Co<\/h2>/, "user data, HTML-escaped");
    assert.match(mail.html ?? "", /or \d{6}/);
    return link;
  }

  test("the confirmation links to the app's own route, and its token_hash verifies (implicit flow)", async () => {
    const email = uniqueEmail("tmpl-implicit");
    const anon = supabaseClient(project, project.keys.anonKey);
    const signUp = await anon.auth.signUp({
      email,
      password: "correct-horse",
      options: { data: { full_name: "Ada & Co" }, emailRedirectTo: `${SITE_URL}/protected` },
    });
    assert.equal(signUp.error, null);
    const link = await confirmLink(email);
    assert.equal(link.searchParams.get("next"), `${SITE_URL}/protected`);
    const { data, error } = await anon.auth.verifyOtp({
      type: "email",
      token_hash: link.searchParams.get("token_hash") ?? "",
    });
    assert.equal(error, null);
    assert.equal(data.user?.email, email);
    assert.ok(data.session?.access_token);
  });

  test("in the PKCE flow the token_hash (pkce_…) verifies the same way, server-side", async () => {
    const email = uniqueEmail("tmpl-pkce");
    const browser = createClient(project.api.url, project.keys.anonKey, {
      auth: { flowType: "pkce", persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as never },
    });
    await browser.auth.signUp({
      email,
      password: "correct-horse",
      options: { data: { full_name: "Ada & Co" } },
    });
    const hash = (await confirmLink(email)).searchParams.get("token_hash") ?? "";
    assert.match(hash, /^pkce_/);
    const server = supabaseClient(project, project.keys.anonKey);
    const { data, error } = await server.auth.verifyOtp({ type: "email", token_hash: hash });
    assert.equal(error, null);
    assert.equal(data.user?.email, email);
  });

  test("kinds without a template of their own keep GoTrue's default", async () => {
    const email = uniqueEmail("tmpl-default");
    const admin = supabaseClient(project, project.keys.serviceRoleKey);
    await admin.auth.admin.createUser({ email, password: "correct-horse", email_confirm: true });
    const { error } = await supabaseClient(
      project,
      project.keys.anonKey,
    ).auth.resetPasswordForEmail(email);
    assert.equal(error, null);
    const [mail] = await mailsTo(sink.apiUrl, email);
    assert.equal(mail?.subject, "Reset your password");
    assert.match(mail?.text ?? "", /Or enter this code: \d{6}/);
  });
});

describe("templates that cannot be used stop the boot, naming the file", () => {
  test("an action the stand-in does not render names its file and line", async () => {
    const multiLine = await folder({ "magic_link.html": "<p>Hi</p>\n{{ if\n .Token }}x{{ end }}" });
    assert.throws(
      () => loadAuthTemplates(multiLine, "STACK_AUTH_TEMPLATES"),
      /magic_link\.html:2: \{\{ if\n \.Token \}\} is not supported/,
    );
    const dir = await folder({ "recovery.html": "<p>Hi</p>\n{{ if .Token }}x{{ end }}" });
    assert.throws(
      () => loadAuthTemplates(dir, "STACK_AUTH_TEMPLATES"),
      (error: Error) =>
        error instanceof TemplateError &&
        error.message.startsWith(
          `${path.join(dir, "recovery.html")}:2: {{ if .Token }} is not supported`,
        ),
    );
  });

  test("a folder with no template, a file that is no template, or no folder: named", async () => {
    const empty = await folder({ "README.md": "notes" });
    assert.throws(
      () => loadAuthTemplates(empty, "STACK_AUTH_TEMPLATES"),
      /STACK_AUTH_TEMPLATES: .* has no template; expected confirmation\.html/,
    );
    const stray = await folder({ "confirmation.html": "x", "signup.html": "y" });
    assert.throws(
      () => loadAuthTemplates(stray, "--auth-templates"),
      /--auth-templates: .* has signup\.html, which is no template/,
    );
    assert.throws(
      () => loadAuthTemplates(path.join(empty, "missing"), "STACK_AUTH_TEMPLATES"),
      /is not a folder/,
    );
  });
});
