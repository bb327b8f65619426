import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { readPage } from "../profile/forms.ts";
import { judgeProfile, observePages, type SeenPage } from "../profile/pages.ts";
import { propose, renderSkeleton } from "../profile/proposal.ts";
import { readProfileState } from "../profile/state.ts";

// What a new user meets with Supabase's Next.js "with-supabase" starter and no
// profile of their own yet: /auth/login and /auth/sign-up, middleware that
// redirects /register, /signin, /signup, /sign-up to /auth/login (307), the
// session in @supabase/ssr's cookies.

const NEXT_HEAD = '<head><script src="/_next/static/chunks/main-app.js" async></script></head>';

const STARTER_LOGIN = `<html>${NEXT_HEAD}<body><form>
  <label for="email">Email</label><input id="email" type="email" placeholder="m@example.com">
  <label for="password">Password</label><a href="/auth/forgot-password">Forgot your password?</a>
  <input id="password" type="password">
  <button type="submit">Login</button>
  Don't have an account? <a href="/auth/sign-up">Sign up</a>
</form><script>self.__next_f.push([1,""])</script></body></html>`;

const STARTER_SIGN_UP = `<html>${NEXT_HEAD}<body><form>
  <label for="email">Email</label><input id="email" type="email" placeholder="m@example.com">
  <label for="password">Password</label><input id="password" type="password">
  <label for="repeat-password">Repeat Password</label><input id="repeat-password" type="password">
  <button type="submit">Sign up</button>
  Already have an account? <a href="/auth/login">Login</a>
</form></body></html>`;

const STARTER_HOME = `<html>${NEXT_HEAD}<body>
  <a href="/auth/login">Sign in</a> <a href="/auth/sign-up">Sign up</a>
</body></html>`;

const REDIRECTED = ["/register", "/signin", "/signup", "/sign-up", "/sign-in", "/login"];

/** The starter on a loopback port; `redirectTo` is where its middleware sends REDIRECTED paths. */
async function starter(
  redirectTo: (port: number) => string = () => "/auth/login",
): Promise<{ url: string; asked: string[]; server: Server }> {
  const asked: string[] = [];
  const html: Record<string, string> = {
    "/": STARTER_HOME,
    "/auth/login": STARTER_LOGIN,
    "/auth/sign-up": STARTER_SIGN_UP,
  };
  const server = createServer((request, response) => {
    const url = request.url ?? "/";
    asked.push(url);
    if (REDIRECTED.includes(url)) {
      const { port } = server.address() as AddressInfo;
      response.writeHead(307, { location: redirectTo(port) }).end();
      return;
    }
    response
      .writeHead(html[url] ? 200 : 404, { "content-type": "text/html" })
      .end(html[url] ?? "<h1>404</h1>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, asked, server };
}

const page = (path: string, html: string, landed = path): SeenPage => ({
  path,
  landed,
  status: 200,
  page: readPage(html),
});

const CONTEXT = {
  frontendUrl: "https://starter.example.com",
  supabaseUrl: "https://abcdefghijklmnopqrst.supabase.co",
  backend: undefined,
  profileImport: "./profile.ts",
};

describe("SYNTHETIC_APP unset: no profile of the user's yet", () => {
  test("unset or empty is told apart from a profile the user chose", async () => {
    assert.equal(await readProfileState({}), undefined);
    assert.equal(await readProfileState({ SYNTHETIC_APP: "" }), undefined);
    assert.equal(await readProfileState({ SYNTHETIC_APP: "  " }), undefined);
    const chosen = await readProfileState({ SYNTHETIC_APP: "contract/app.ts" });
    assert.ok(chosen && "name" in chosen, "a chosen profile is loaded");
    const missing = await readProfileState({ SYNTHETIC_APP: "contract/nope.ts" });
    assert.ok(missing && "problem" in missing, "a missing file is a problem");
  });

  test("the row says so plainly and does not judge the target against the reference app", () => {
    const pages = [
      page("/", STARTER_HOME),
      page("/login", "<h1>404</h1>"),
      page("/auth/login", STARTER_LOGIN),
    ];
    const row = judgeProfile(undefined, pages);
    assert.equal(row.status, "warn");
    assert.match(
      row.found,
      /^SYNTHETIC_APP is not set: no profile of yours yet; the default contract\/app\.ts describes the reference app/,
    );
    assert.match(row.means, /write yours from the proposal below \(--write PATH\)/);
    assert.doesNotMatch(`${row.found} ${row.means}`, /Full name|Create account|404/);
  });
});

describe("redirecting candidates", () => {
  test("are reported by their final path, once per final page, and never proposed", async () => {
    const { url, asked, server } = await starter();
    try {
      const seen = await observePages(url, {}, undefined);
      assert.ok(asked.includes("/register"));
      assert.equal(seen.find((item) => item.path === "/register")?.landed, "/auth/login");
      const row = judgeProfile(undefined, seen);
      assert.match(row.found, /password forms on \/auth\/login, \/auth\/sign-up/);
      assert.match(
        row.found,
        /redirects: \/login, \/signin, \/sign-in, \/register, \/signup, \/sign-up → \/auth\/login/,
      );
      assert.doesNotMatch(row.found, /password forms on [^;]*\/register/);
      const proposal = propose(seen);
      assert.equal(proposal.signUp?.path, "/auth/sign-up");
      assert.equal(proposal.login?.path, "/auth/login");
    } finally {
      server.close();
    }
  });

  test("a redirect to another origin (Next.js behind a proxy says localhost) is not a page of this frontend", async () => {
    const other = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" }).end(STARTER_LOGIN);
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const otherPort = (other.address() as AddressInfo).port;
    const { url, server } = await starter(() => `http://127.0.0.1:${otherPort}/auth/login`);
    try {
      const seen = await observePages(url, {}, undefined);
      const register = seen.find((item) => item.path === "/register");
      assert.equal(register?.landed, `http://127.0.0.1:${otherPort}/auth/login`);
      const proposal = propose(seen);
      assert.equal(proposal.signUp?.path, "/auth/sign-up");
      assert.equal(proposal.login?.path, "/auth/login");
      const row = judgeProfile(undefined, seen);
      assert.match(row.found, /password forms on \/auth\/login, \/auth\/sign-up;/);
    } finally {
      server.close();
      other.close();
    }
  });
});

describe("sign-up and login are told apart by their forms", () => {
  test("a login form on a sign-up-like path is not the sign-up form", () => {
    const proposal = propose([
      page("/", STARTER_HOME),
      page("/register", STARTER_LOGIN),
      page("/auth/sign-up", STARTER_SIGN_UP),
    ]);
    assert.equal(proposal.signUp?.path, "/auth/sign-up");
    assert.equal(proposal.login?.path, "/register");
  });

  test("two password fields, a name field or a sign-up button make the sign-up form; one password field and a log-in button the login form", () => {
    const form = (fields: string, button: string) =>
      `<form><label>Email <input type=email></label>${fields}<button>${button}</button></form>`;
    const password = "<label>Password <input type=password></label>";
    const kinds = (html: string) => {
      const proposal = propose([page("/x", html)]);
      return [proposal.signUp ? "signUp" : "-", proposal.login ? "login" : "-"].join(" ");
    };
    assert.equal(kinds(form(password + password, "Continue")), "signUp -");
    assert.equal(kinds(form(`<label>Name <input></label>${password}`, "Continue")), "signUp -");
    assert.equal(kinds(form(password, "Create account")), "signUp -");
    assert.equal(kinds(form(password, "Register")), "signUp -");
    assert.equal(kinds(form(password, "Log in")), "- login");
    assert.equal(kinds(form(password, "Sign in")), "- login");
    assert.equal(kinds(form(password, "Login")), "- login");
    assert.equal(kinds(form(password, "Continue")), "- -");
  });

  test("the starter's forms, with Repeat Password typed as the password", () => {
    const proposal = propose([
      page("/", STARTER_HOME),
      page("/auth/login", STARTER_LOGIN),
      page("/auth/sign-up", STARTER_SIGN_UP),
    ]);
    const source = renderSkeleton(proposal, CONTEXT);
    assert.match(source, /\{ locator: \{ label: "Repeat Password" \}, value: "password" \}/);
    assert.match(source, /submit: \{ role: "button", name: "Sign up" \}/);
    assert.match(source, /submit: \{ role: "button", name: "Login" \}/);
  });
});

describe("the session kind is guessed from the pages", () => {
  const plain =
    '<form><label>Email <input type=email></label><input type=password aria-label="Password"><button>Log in</button></form>';

  test("Next.js assets, __NEXT_DATA__, self.__next_f or @supabase/ssr: cookies, said to be a guess", () => {
    for (const html of [
      STARTER_LOGIN,
      `<script id="__NEXT_DATA__" type="application/json">{}</script>${plain}`,
      `<script>self.__next_f=self.__next_f||[]</script>${plain}`,
      `<script>import("https://esm.sh/@supabase/ssr")</script>${plain}`,
    ]) {
      const proposal = propose([page("/auth/login", html)]);
      assert.equal(proposal.session.kind, "cookies", html);
    }
    const source = renderSkeleton(propose([page("/auth/login", STARTER_LOGIN)]), CONTEXT);
    assert.match(source, /session: \{ kind: "cookies" \},/);
    assert.match(source, /guess/i);
    assert.match(source, /sb-abcdefghijklmnopqrst-auth-token. cookie after signing in/);
  });

  test("otherwise localStorage, also said to be a guess", () => {
    const proposal = propose([page("/login", plain)]);
    assert.equal(proposal.session.kind, "localStorage");
    const source = renderSkeleton(proposal, CONTEXT);
    assert.match(
      source,
      /session: \{ kind: "localStorage", key: "sb-abcdefghijklmnopqrst-auth-token" \},/,
    );
    assert.match(source, /guess/i);
  });
});
