import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type AppProfile, parseProfile } from "../../contract/profile.ts";
import { readPage } from "../profile/forms.ts";
import { judgeProfile, observePages, profileMismatches, type SeenPage } from "../profile/pages.ts";
import { guessValue, propose, renderSkeleton } from "../profile/proposal.ts";

const SIGN_UP = `<form>
  <label for="n">Your name</label><input id="n" name="name">
  <label>E-mail <input type="email" name="email"></label>
  <input type="password" placeholder="Choose a password" autocomplete="new-password">
  <label><input type="checkbox" name="terms"> I agree</label>
  <input type="hidden" name="csrf" value="x">
  <button type="button">Show password</button>
  <button>Create my account</button>
</form>`;

const LOGIN = `<div>
  <input aria-label="Email address" type="email">
  <input type="password" id="pw"><label for="pw">Password</label>
  <input type="submit" value="Sign in">
  <a href="/forgot">Forgot?</a>
</div>`;

const page = (path: string, html: string, status = 200): SeenPage => ({
  path,
  landed: path,
  status,
  page: readPage(html),
});

describe("reading forms from HTML", () => {
  test("labels by for, by wrapping and by aria-label; placeholders; buttons; links", () => {
    const [signUp] = readPage(SIGN_UP).forms;
    assert.deepEqual(
      signUp?.fields.map((field) => [field.label, field.placeholder, field.type]),
      [
        ["Your name", undefined, "text"],
        ["E-mail", undefined, "email"],
        [undefined, "Choose a password", "password"],
      ],
    );
    assert.deepEqual(signUp?.buttons, ["Create my account", "Show password"]);
    assert.deepEqual(signUp?.unfillable, ["I agree"]);
    const login = readPage(LOGIN);
    assert.deepEqual(
      login.forms[0]?.fields.map((field) => field.label),
      ["Email address", "Password"],
    );
    assert.deepEqual(login.forms[0]?.buttons, ["Sign in"]);
    assert.deepEqual(login.links, [{ href: "/forgot", text: "Forgot?" }]);
  });

  test("scripts are not text, and entities are decoded", () => {
    const found = readPage(
      "<form><label>Mot&nbsp;de passe<script>var x='<b>'</script><input type=password></label></form>",
    );
    assert.equal(found.forms[0]?.fields[0]?.label, "Mot de passe");
  });

  test("values are guessed from labels, names and types", () => {
    const field = {
      label: undefined,
      placeholder: undefined,
      name: undefined,
      autocomplete: undefined,
    };
    assert.equal(guessValue({ ...field, type: "password" }), "password");
    assert.equal(guessValue({ ...field, type: "text", label: "Username" }), "email");
    assert.equal(guessValue({ ...field, type: "text", name: "full_name" }), "fullName");
    assert.equal(guessValue({ ...field, type: "text", label: "Company" }), undefined);
  });
});

const PAGES = [page("/", "<h1>Hi</h1>"), page("/join", SIGN_UP), page("/login", LOGIN)];

/** The proposal for PAGES as its written module would load: through the profile's own validation. */
async function proposedProfile(): Promise<{ source: string; profile: AppProfile }> {
  const dir = await mkdtemp(path.join(tmpdir(), "doctor-profile-"));
  try {
    const file = path.join(dir, "app.ts");
    const profileModule = fileURLToPath(new URL("../../contract/profile.ts", import.meta.url));
    const source = renderSkeleton(propose(PAGES), {
      frontendUrl: "https://app.example.com",
      supabaseUrl: "https://abcdefghijklmnopqrst.supabase.co",
      backend: { health: "/healthz" },
      profileImport: path.relative(dir, profileModule),
    });
    await writeFile(file, source);
    const loaded = (await import(pathToFileURL(file).href)) as { default: unknown };
    return { source, profile: parseProfile(loaded.default, file) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("the proposed profile", () => {
  test("sign-up and login are told apart; the skeleton validates as a profile", async () => {
    const proposal = propose(PAGES);
    assert.equal(proposal.signUp?.path, "/join");
    assert.equal(proposal.login?.path, "/login");
    assert.equal(proposal.signUp?.submit, "Create my account");

    const { source, profile } = await proposedProfile();
    assert.match(source, /\{ locator: \{ label: "Your name" \}, value: "fullName" \}/);
    assert.match(
      source,
      /\{ locator: \{ placeholder: "Choose a password" \}, value: "password" \}/,
    );
    assert.match(source, /submit: \{ role: "button", name: "Sign in" \}/);
    assert.match(source, /TODO: the form also has "I agree"/);
    assert.match(source, /key: "sb-abcdefghijklmnopqrst-auth-token"/);
    assert.equal(profile.forms.signUp.fields.length, 3);
    assert.equal(profile.backend?.health, "/healthz");
  });

  test("no forms in the HTML: placeholders marked TODO", () => {
    const source = renderSkeleton(propose([page("/", "<div id=root></div>")]), {
      frontendUrl: "https://app.example.com",
      supabaseUrl: "https://x.supabase.co",
      backend: undefined,
      profileImport: "./profile.ts",
    });
    assert.match(source, /TODO: no sign-up form was found/);
    assert.doesNotMatch(source, /backend:/);
  });
});

describe("the profile against the pages", () => {
  test("the proposal matches its pages; labels and buttons missing from a form are named", async () => {
    const { profile } = await proposedProfile();
    assert.deepEqual(profileMismatches(profile, PAGES), []);
    const login = {
      ...profile.forms.login,
      fields: [{ locator: { label: "Email" }, value: "email" as const }],
      submit: { role: "button", name: "Log in" },
    };
    const changed = { ...profile, forms: { ...profile.forms, login } };
    assert.deepEqual(profileMismatches(changed, PAGES), [
      'forms.login: {"label":"Email"} is not in the form on /login',
      'forms.login: {"role":"button","name":"Log in"} is not in the form on /login',
    ]);
    assert.equal(judgeProfile(changed, PAGES).status, "warn");
  });

  test("a failing page is named; a page rendered in the browser is not judged", async () => {
    const { profile } = await proposedProfile();
    assert.deepEqual(profileMismatches(profile, [page("/login", "<div id=root>", 404)]), [
      "forms.login: /login answered 404",
    ]);
    assert.deepEqual(profileMismatches(profile, [page("/login", "<div id=root></div>")]), []);
  });

  test("an invalid profile fails its row", () => {
    const row = judgeProfile({ problem: "contract/app.ts: forms.login.submit: Invalid input" }, []);
    assert.equal(row.status, "fail");
    assert.match(row.means, /exit 2/);
  });

  test("pages are found from the profile, the home page's links and common paths; each read once", async () => {
    const asked: string[] = [];
    const server = createServer((request, response) => {
      const url = request.url ?? "/";
      asked.push(url);
      if (url === "/signin") {
        response.writeHead(302, { location: "/login" }).end();
        return;
      }
      const html: Record<string, string> = {
        "/": '<a href="/join">Create an account</a> <a href="https://elsewhere.example/login">x</a>',
        "/join": SIGN_UP,
        "/login": LOGIN,
      };
      response
        .writeHead(html[url] ? 200 : 404, { "content-type": "text/html" })
        .end(html[url] ?? "");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const seen = await observePages(`http://127.0.0.1:${port}`, {}, undefined);
      assert.ok(asked.includes("/join"), "the home page's sign-up link is followed");
      assert.equal(seen.find((item) => item.path === "/signin")?.landed, "/login");
      const proposal = propose(seen);
      assert.equal(proposal.signUp?.path, "/join");
      assert.equal(proposal.login?.path, "/login");
    } finally {
      server.close();
    }
  });
});
