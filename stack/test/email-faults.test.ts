// The two faults of the email journeys, on a booted stack with "Confirm
// email" on: auth-links-expired (on from boot, cleared through the control
// API) and mail-down (switched on through the control API, cleared in code).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import nodemailer from "nodemailer";
import pg from "pg";
import { FREE_PORTS } from "../src/ports.ts";
import { bootStack, type RunningStack } from "../src/stack.ts";
import { codeIn, linkIn, mailsTo, onlyMailTo } from "./support/mail.ts";

const PASSWORD = "correct-horse";
const EXPIRED_FRAGMENT =
  "error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb=";

interface AuthErrorBody {
  code: number;
  error_code: string;
  msg: string;
}

const uniqueEmail = (label: string) =>
  `email-fault-${label}-${randomUUID().slice(0, 8)}@example.test`;

describe("email faults: auth-links-expired and mail-down", () => {
  let stack: RunningStack;
  let db: pg.Client;

  before(async () => {
    stack = await bootStack({
      ports: FREE_PORTS,
      envFile: false,
      confirmEmail: true,
      faults: ["auth-links-expired"],
    });
    db = new pg.Client(stack.urls.db);
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await stack?.stop();
  });
  beforeEach(async () => {
    await fetch(`${stack.urls.mailApi}/messages`, { method: "DELETE" });
  });

  const auth = (path: string, body: unknown, key = stack.keys.anonKey) =>
    fetch(`${stack.urls.supabase}/auth/v1${path}`, {
      method: "POST",
      headers: { apikey: key, authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const signUp = (email: string) => auth("/signup", { email, password: PASSWORD });

  const mails = (to?: string) => mailsTo(stack.urls.mailApi, to);
  const onlyMail = (to: string) => onlyMailTo(stack.urls.mailApi, to);

  const follow = (link: URL) => fetch(link, { redirect: "manual" });

  async function confirmedAt(email: string): Promise<Date | null | undefined> {
    const { rows } = await db.query("select email_confirmed_at from auth.users where email = $1", [
      email,
    ]);
    return rows[0]?.email_confirmed_at;
  }

  const activeFaults = async () =>
    ((await (await fetch(`${stack.urls.control}/faults`)).json()) as { active: unknown[] }).active;

  test("auth-links-expired: the mailed link and code answer otp_expired; cleared, the same link confirms", async () => {
    assert.deepEqual(await activeFaults(), [{ name: "auth-links-expired" }], "on from boot");
    const email = uniqueEmail("expired");
    assert.equal((await signUp(email)).status, 200, "sign-up still mails its link");
    const mail = await onlyMail(email);
    const link = linkIn(mail);
    const hash = link.searchParams.get("token") ?? "";

    const followed = await follow(link);
    assert.equal(followed.status, 303, "verify answers the link with 303 See Other");
    assert.equal(
      followed.headers.get("location"),
      `${stack.urls.frontend}#${EXPIRED_FRAGMENT}`,
      "the link redirects to the site with otp_expired in the fragment, as GoTrue does",
    );

    const byHash = await auth("/verify", { type: "signup", token_hash: hash });
    assert.equal(byHash.status, 403);
    assert.deepEqual(await byHash.json(), {
      code: 403,
      error_code: "otp_expired",
      msg: "Email link is invalid or has expired",
    } satisfies AuthErrorBody);

    const byCode = await auth("/verify", { type: "email", email, token: codeIn(mail) });
    assert.equal(byCode.status, 403);
    assert.deepEqual(await byCode.json(), {
      code: 403,
      error_code: "otp_expired",
      msg: "Token has expired or is invalid",
    } satisfies AuthErrorBody);
    assert.equal(await confirmedAt(email), null, "an expired link confirms nothing");

    const off = await fetch(`${stack.urls.control}/faults/auth-links-expired`, {
      method: "DELETE",
    });
    assert.equal(off.status, 200);
    const works = await follow(link);
    const fragment = new URLSearchParams(works.headers.get("location")?.split("#")[1]);
    assert.equal(works.status, 303);
    assert.equal(fragment.get("type"), "signup", `a session: ${works.headers.get("location")}`);
    assert.ok(fragment.get("access_token"), "the link signs in once the fault is cleared");
    assert.ok(await confirmedAt(email), "and confirms the address");
  });

  test("mail-down: Auth's mail is refused, Auth answers 500, other senders' mail arrives; cleared, mail flows", async () => {
    const on = await fetch(`${stack.urls.control}/faults/mail-down`, { method: "PUT" });
    assert.equal(on.status, 200);
    assert.deepEqual(await activeFaults(), [{ name: "mail-down" }]);

    const email = uniqueEmail("down");
    const signup = await signUp(email);
    assert.equal(signup.status, 500);
    const { error_id, ...failure } = (await signup.json()) as AuthErrorBody & { error_id: string };
    assert.deepEqual(failure, {
      code: 500,
      error_code: "unexpected_failure",
      msg: "Error sending confirmation email",
    } satisfies AuthErrorBody);
    assert.match(error_id, /^[0-9a-f-]{36}$/, "GoTrue's 500s carry an error_id");
    assert.equal(await confirmedAt(email), undefined, "the failed sign-up left no user");

    const known = uniqueEmail("known");
    const created = await auth(
      "/admin/users",
      { email: known, password: PASSWORD, email_confirm: true },
      stack.keys.serviceRoleKey,
    );
    assert.equal(created.status, 200, "an admin-created user needs no mail");
    const recover = await auth("/recover", { email: known });
    assert.equal(recover.status, 500);
    assert.equal(((await recover.json()) as AuthErrorBody).msg, "Error sending recovery email");
    const magic = await auth("/otp", { email: known, create_user: false });
    assert.equal(magic.status, 500);
    assert.equal(((await magic.json()) as AuthErrorBody).msg, "Error sending magic link email");

    const smtp = new URL(stack.urls.smtp);
    const transport = nodemailer.createTransport({ host: smtp.hostname, port: Number(smtp.port) });
    await assert.rejects(
      transport.sendMail({ from: "noreply@auth.local", to: known, subject: "probe", text: "x" }),
      (error: { responseCode?: number }) => error.responseCode === 451,
      "the sink answers Auth's sender with SMTP 451",
    );
    await transport.sendMail({
      from: "alerts@synthetic.local",
      to: "oncall@synthetic.local",
      subject: "[FIRING] signup",
      text: "Auth cannot send mail",
    });
    assert.deepEqual(
      (await mails()).map((mail) => [mail.from, mail.to, mail.subject]),
      [["alerts@synthetic.local", ["oncall@synthetic.local"], "[FIRING] signup"]],
      "only the alert arrived: no Auth mail reached the sink",
    );
    assert.equal((await fetch(`${stack.urls.mailApi}/health`)).status, 200);

    await stack.faults.clear("mail-down");
    assert.equal((await signUp(email)).status, 200, "sign-up works again");
    assert.equal((await onlyMail(email)).subject, "Confirm your email address");
    assert.equal((await auth("/recover", { email: known })).status, 200, "recovery works again");
    assert.equal((await onlyMail(known)).subject, "Reset your password");
    transport.close();
  });
});
