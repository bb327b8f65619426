// The ssr app shape against one booted stack: its pages in Chromium, the
// server-read session cookie, the backend without auth endpoints, the
// tutorial schema, and the faults as they apply to it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import pg from "pg";
import { sessionCookieWrites } from "../src/frontend/ssr/session-cookie.js";
import { FREE_PORTS } from "../src/ports.ts";
import { bootStack, type RunningStack } from "../src/stack.ts";
import { launchChromium } from "./support/browser.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const COOKIE = "sb-127-auth-token";
const PASSWORD = "correct-horse-battery";

let stack: RunningStack;
let browser: Browser;
let db: pg.Client;

before(async () => {
  [stack, browser] = await Promise.all([
    bootStack({ app: "ssr", ports: FREE_PORTS, envFile: false }),
    launchChromium(),
  ]);
  db = new pg.Client(stack.urls.db);
  await db.connect();
});
after(async () => {
  await db?.end();
  await browser?.close();
  await stack?.stop();
});

const uniqueEmail = (label: string) => `ssr-${label}-${randomUUID().slice(0, 8)}@example.test`;

/** A Supabase Auth call with the anon key, as the page's script makes it. */
function auth(pathAndQuery: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${stack.urls.supabase}/auth/v1${pathAndQuery}`, {
    method: "POST",
    headers: {
      apikey: stack.keys.anonKey,
      authorization: `Bearer ${token ?? stack.keys.anonKey}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
}

interface Session {
  access_token: string;
  user: { id: string; email: string };
}

async function signUp(email: string, data: Record<string, unknown> = {}): Promise<Session> {
  const response = await auth("/signup", { email, password: PASSWORD, data });
  assert.equal(response.status, 200, `sign-up of ${email} should answer a session`);
  return (await response.json()) as Session;
}

/** Runs `use` with a fresh page on the frontend, closed afterwards; no page may throw. */
async function withPage(use: (page: Page, context: BrowserContext) => Promise<void>) {
  const context = await browser.newContext({ baseURL: stack.urls.frontend });
  const thrown: string[] = [];
  context.on("weberror", (error) => thrown.push(error.error().message));
  try {
    await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
  assert.deepEqual(thrown, [], "no uncaught errors on the pages");
}

async function sessionCookies(context: BrowserContext) {
  return (await context.cookies()).filter((cookie) => cookie.name.startsWith(COOKIE));
}

/** GET /protected with this Cookie header, not following the redirect. */
const protectedWith = (cookie?: string) =>
  fetch(`${stack.urls.frontend}/protected`, {
    redirect: "manual",
    headers: cookie === undefined ? {} : { cookie },
  });

function assertSentToLogin(response: Response, why: string): void {
  assert.equal(response.status, 302, why);
  assert.equal(response.headers.get("location"), "/auth/login", why);
}

describe("ssr pages", () => {
  test("render the starter's headings, links, labelled fields and buttons", async () => {
    const html = async (page: string) => (await fetch(`${stack.urls.frontend}${page}`)).text();
    const home = await html("/");
    assert.match(home, /<h1>Acme Notes<\/h1>/);
    assert.match(home, /<a href="\/auth\/login">Sign in<\/a>/);
    assert.match(home, /<a href="\/auth\/sign-up">Sign up<\/a>/);
    const signUpPage = await html("/auth/sign-up");
    for (const [id, label] of [
      ["email", "Email"],
      ["password", "Password"],
      ["repeat-password", "Repeat Password"],
    ]) {
      assert.match(
        signUpPage,
        new RegExp(`<label for="${id}">${label}</label>\\s*<input id="${id}"`),
      );
    }
    assert.match(signUpPage, /<button type="submit">Sign up<\/button>/);
    const login = await html("/auth/login");
    assert.match(login, /<label for="email">Email<\/label>/);
    assert.match(login, /<label for="password">Password<\/label>/);
    assert.match(login, /<button type="submit">Login<\/button>/);
    const success = await html("/auth/sign-up-success");
    assert.match(success, /<h1>Thank you for signing up!<\/h1>/);
    assert.match(success, /<p>Check your email to confirm your account before signing in\.<\/p>/);
  });

  test("carry the spa's headers; the CSP lets the page call Supabase and nothing inline", async () => {
    const response = await fetch(`${stack.urls.frontend}/auth/login`);
    assert.equal(response.headers.get("server"), "Vercel");
    assert.equal(response.headers.get("x-frame-options"), "DENY");
    assert.equal(response.headers.get("cache-control"), "public, max-age=0, must-revalidate");
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, new RegExp(`connect-src 'self' ${stack.urls.supabase}(;|$)`));
    const html = await response.text();
    assert.doesNotMatch(html, /<script>/);
    assert.ok(!html.includes(stack.keys.serviceRoleKey), "only the anon key reaches the page");
    assert.ok(html.includes(`<meta name="supabase-anon-key" content="${stack.keys.anonKey}">`));
  });

  test("Supabase Auth lets the frontend's origin in (CORS preflight)", async () => {
    const preflight = await fetch(`${stack.urls.supabase}/auth/v1/signup`, {
      method: "OPTIONS",
      headers: {
        origin: stack.urls.frontend,
        "access-control-request-method": "POST",
        "access-control-request-headers":
          "apikey,authorization,content-type,x-supabase-api-version",
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
    assert.match(
      preflight.headers.get("access-control-allow-headers") ?? "",
      /x-supabase-api-version/,
    );
  });
});

describe("ssr journeys in Chromium", () => {
  test("sign-up lands on the success page and leaves the sb-127-auth-token cookie", async () => {
    await withPage(async (page, context) => {
      await page.goto("/");
      await page.getByRole("link", { name: "Sign up" }).click();
      await page.getByLabel("Email").fill(uniqueEmail("signup"));
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await page.getByLabel("Repeat Password").fill(`${PASSWORD}-typo`);
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.getByRole("alert").getByText("Passwords do not match").waitFor();
      assert.deepEqual(await sessionCookies(context), [], "nothing is stored on a mismatch");

      await page.getByLabel("Repeat Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL("**/auth/sign-up-success");
      await page.getByRole("heading", { name: "Thank you for signing up!" }).waitFor();
      const [cookie, ...others] = await sessionCookies(context);
      assert.equal(cookie?.name, COOKIE);
      assert.equal(others.length, 0, "a short session is one cookie");
      assert.match(cookie?.value ?? "", /^base64-/);
      assert.equal(cookie?.path, "/");
      assert.equal(cookie?.sameSite, "Lax");
      assert.equal(cookie?.httpOnly, false);
    });
  });

  test("login lands on /protected with the email; Logout clears the cookie", async () => {
    const email = uniqueEmail("login");
    await signUp(email);
    await withPage(async (page, context) => {
      await page.goto("/auth/login");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("wrong-password");
      await page.getByRole("button", { name: "Login" }).click();
      await page.getByRole("alert").getByText("Invalid login credentials").waitFor();

      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Login" }).click();
      await page.waitForURL("**/protected");
      await page.getByRole("heading", { name: "Your user details" }).waitFor();
      assert.equal(await page.getByTestId("user-email").textContent(), email);

      await page.getByRole("button", { name: "Logout" }).click();
      await page.waitForURL("**/auth/login");
      assert.deepEqual(await sessionCookies(context), []);
      await page.goto("/protected");
      assert.match(page.url(), /\/auth\/login$/, "without the cookie /protected sends to login");
    });
  });

  test("a session too long for one cookie is chunked by the page and read by the server", async () => {
    const email = uniqueEmail("chunked");
    await signUp(email, { bio: "long ".repeat(500) });
    await withPage(async (page, context) => {
      await page.goto("/auth/login");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Login" }).click();
      await page.waitForURL("**/protected");
      assert.equal(await page.getByTestId("user-email").textContent(), email);
      const names = (await sessionCookies(context)).map((cookie) => cookie.name).sort();
      assert.ok(names.length >= 2, `expected chunks, got ${names.join(", ")}`);
      assert.deepEqual(
        names,
        names.map((_, index) => `${COOKIE}.${index}`),
      );
    });
  });
});

describe("ssr /protected on the server", () => {
  let session: Session;
  before(async () => {
    session = await signUp(uniqueEmail("protected"));
  });
  const pairs = (writes: string[]) => writes.map((write) => write.split(";")[0]).join("; ");

  test("renders the user's email from a whole or a chunked cookie", async () => {
    const whole = await protectedWith(pairs(sessionCookieWrites(COOKIE, session, "")));
    assert.equal(whole.status, 200);
    assert.match(whole.headers.get("cache-control") ?? "", /no-store/);
    assert.match(
      await whole.text(),
      new RegExp(`<p data-testid="user-email">${session.user.email}</p>`),
    );

    const padded = { ...session, padding: "x".repeat(4000) };
    const chunks = sessionCookieWrites(COOKIE, padded, "");
    assert.ok(chunks.length >= 2);
    assert.equal((await protectedWith(pairs(chunks))).status, 200);
  });

  test("sends to /auth/login without the cookie, under another name, or with a forged token", async () => {
    assertSentToLogin(await protectedWith(), "no cookie");
    const elsewhere = pairs(sessionCookieWrites("sb-localhost-auth-token", session, ""));
    assertSentToLogin(await protectedWith(elsewhere), "a cookie under another name");
    const forged = { ...session, access_token: `${session.access_token.slice(0, -4)}AAAA` };
    assertSentToLogin(
      await protectedWith(pairs(sessionCookieWrites(COOKIE, forged, ""))),
      "forged",
    );
    assertSentToLogin(await protectedWith(`${COOKIE}=base64-garbage`), "an undecodable cookie");
  });
});

describe("ssr backend", () => {
  test("GET /api/me answers the token's user; none or a forged one is 401 unauthorized", async () => {
    const session = await signUp(uniqueEmail("backend"));
    const me = (token?: string) =>
      fetch(`${stack.urls.backend}/api/me`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
    const ok = await me(session.access_token);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { user: { id: session.user.id, email: session.user.email } });
    for (const token of [undefined, `${session.access_token.slice(0, -4)}AAAA`]) {
      const refused = await me(token);
      assert.equal(refused.status, 401);
      assert.equal(
        ((await refused.json()) as { error: { code: string } }).error.code,
        "unauthorized",
      );
    }
  });

  test("has no /api/auth/register or /api/auth/login", async () => {
    for (const route of ["/api/auth/register", "/api/auth/login"]) {
      const response = await fetch(`${stack.urls.backend}${route}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "a@example.test", password: PASSWORD, full_name: "A" }),
      });
      assert.equal(response.status, 404, route);
      assert.deepEqual(await response.json(), {
        error: { code: "not_found", message: `No route for POST ${route}` },
      });
    }
    assert.equal((await fetch(`${stack.urls.backend}/health`)).status, 200);
  });
});

describe("ssr database", () => {
  const rest = (table: string, token: string, init: RequestInit = {}) =>
    fetch(`${stack.urls.supabase}/rest/v1/${table}`, {
      ...init,
      headers: {
        apikey: stack.keys.anonKey,
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        prefer: "return=representation",
      },
    });
  const rows = async (response: Response) => {
    assert.equal(response.status < 300, true, `Data API answered ${response.status}`);
    return (await response.json()) as Array<Record<string, unknown>>;
  };

  test("profiles are filled at sign-up and public; notes are their owner's only", async () => {
    const owner = await signUp(uniqueEmail("owner"), { full_name: "Ada Lovelace" });
    const other = await signUp(uniqueEmail("other"));
    const anonKey = stack.keys.anonKey;

    const profiles = await rows(await rest(`profiles?id=eq.${owner.user.id}&select=*`, anonKey));
    assert.equal(profiles[0]?.full_name, "Ada Lovelace", "anon reads the trigger's profile");

    const created = await rows(
      await rest("notes", owner.access_token, {
        method: "POST",
        body: JSON.stringify({ body: "private" }),
      }),
    );
    assert.equal(created[0]?.user_id, owner.user.id, "user_id defaults to auth.uid()");
    assert.equal((await rows(await rest("notes?select=*", owner.access_token))).length, 1);
    assert.deepEqual(await rows(await rest("notes?select=*", anonKey)), [], "anon sees no notes");
    assert.deepEqual(await rows(await rest("notes?select=*", other.access_token)), []);
  });

  test("profiles keep their users (no cascade, as the tutorial); notes go with them", async () => {
    const { rows: keys } = await db.query<{ table: string; on_delete: string }>(
      `select conrelid::regclass::text as table, confdeltype as on_delete from pg_constraint
       where contype = 'f' and confrelid = 'auth.users'::regclass
         and conrelid in ('public.profiles'::regclass, 'public.notes'::regclass)
       order by 1`,
    );
    assert.deepEqual(keys, [
      { table: "notes", on_delete: "c" },
      { table: "profiles", on_delete: "a" },
    ]);
  });
});

describe("faults in the ssr shape", () => {
  const check = async (query: string) => (await db.query<{ ok: boolean }>(query)).rows[0]?.ok;
  const catalog = {
    "schema-erased":
      "select to_regclass('public.profiles') is not null and to_regclass('public.notes') is not null as ok",
    "column-missing":
      "select exists (select 1 from information_schema.columns where table_schema = 'public' and table_name = 'profiles' and column_name = 'full_name') as ok",
    "trigger-missing":
      "select exists (select 1 from pg_trigger where tgname = 'on_auth_user_created') as ok",
    "rls-disabled":
      "select coalesce((select relrowsecurity from pg_class where oid = to_regclass('public.notes')), false) as ok",
    "trigger-disabled":
      "select exists (select 1 from pg_trigger where tgname = 'on_auth_user_created' and tgenabled <> 'D') as ok",
    "policy-widened":
      "select exists (select 1 from pg_policies where policyname = 'Users can view their own notes.' and qual <> 'true') as ok",
    "grant-revoked": "select has_table_privilege('authenticated', 'public.notes', 'select') as ok",
    "constraints-dropped":
      "select exists (select 1 from pg_constraint where conname = 'profiles_username_key') and exists (select 1 from pg_constraint where conname = 'notes_user_id_fkey' and confdeltype = 'c') as ok",
  } as const;

  for (const fault of Object.keys(catalog) as Array<keyof typeof catalog>) {
    const query = catalog[fault];
    test(`${fault} changes the schema; clearing it re-applies the ssr migrations`, async () => {
      assert.equal(await check(query), true);
      await stack.faults.set(fault);
      assert.equal(await check(query), false, `${fault} should be in place`);
      await stack.faults.clear(fault);
      assert.equal(await check(query), true, `${fault} should be gone`);
      assert.equal(await check(catalog["schema-erased"]), true, "both tables are back");
      await signUp(uniqueEmail("restored"));
    });
  }

  test("register-500 fails Supabase Auth's sign-up with 500, shown on the page", async () => {
    await stack.faults.set("register-500");
    try {
      const refused = await auth("/signup", { email: uniqueEmail("r500"), password: PASSWORD });
      assert.equal(refused.status, 500);
      assert.equal(
        ((await refused.json()) as { error_code: string }).error_code,
        "unexpected_failure",
      );
      await withPage(async (page) => {
        await page.goto("/auth/sign-up");
        await page.getByLabel("Email").fill(uniqueEmail("r500-page"));
        await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
        await page.getByLabel("Repeat Password").fill(PASSWORD);
        await page.getByRole("button", { name: "Sign up" }).click();
        await page.getByRole("alert").getByText("Database error saving new user").waitFor();
      });
    } finally {
      await stack.faults.clear("register-500");
    }
    await signUp(uniqueEmail("after-r500"));
  });

  test("key-leaked and frontend-js-error change the ssr bundle", async () => {
    const scripts = async () => {
      const html = await (await fetch(`${stack.urls.frontend}/auth/login`)).text();
      const sources = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((match) => match[1]);
      return Promise.all(
        sources.map(async (src) => (await fetch(`${stack.urls.frontend}${src}`)).text()),
      );
    };
    const clean = await scripts();
    assert.equal(clean.length, 1);
    await stack.faults.set("key-leaked");
    await stack.faults.set("frontend-js-error");
    try {
      const faulty = await scripts();
      assert.equal(faulty.length, 2);
      assert.ok(faulty.some((js) => js.includes(stack.keys.serviceRoleKey)));
      assert.ok(faulty.some((js) => js.startsWith("throw new Error(")));
    } finally {
      await stack.faults.clearAll();
    }
    assert.deepEqual(await scripts(), clean);
  });
});

describe("choosing the shape", () => {
  const refusal = async (args: string[], env: NodeJS.ProcessEnv) => {
    const child = spawn(process.execPath, ["--import", "tsx", "stack/src/cli.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { code, stderr };
  };

  test("the env file says which shape runs", () => {
    assert.equal(stack.app, "ssr");
    assert.equal(stack.env.STACK_APP, "ssr");
  });

  test("an unknown STACK_APP or --app exits 2 naming it and the known apps", async () => {
    const fromEnv = await refusal([], { STACK_APP: "nope" });
    assert.equal(fromEnv.code, 2);
    assert.equal(fromEnv.stderr, 'stack: STACK_APP: unknown app "nope"; known apps: spa, ssr\n');
    const fromFlag = await refusal(["--app", "next"], {});
    assert.equal(fromFlag.code, 2);
    assert.equal(fromFlag.stderr, 'stack: --app: unknown app "next"; known apps: spa, ssr\n');
  });
});
