import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "@playwright/test";
import { startBackend } from "../src/backend/index.ts";
import { FaultState } from "../src/faults.ts";
import { startFrontend } from "../src/frontend/index.ts";
import { FREE_PORTS, freePort } from "../src/ports.ts";
import type { RunningServer } from "../src/running.ts";
import { bootStack, type RunningStack } from "../src/stack.ts";
import { launchChromium } from "./support/browser.ts";

const SERVICE_ROLE_KEY = "eyJhbGciOiJIUzI1NiJ9.service_role-test-key.signature";

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

function scriptPaths(html: string): string[] {
  return [...html.matchAll(/<script type="module" src="([^"]+)"><\/script>/g)].map(
    (match) => match[1] ?? "",
  );
}

describe("frontend over HTTP", () => {
  const faults = new FaultState();
  let frontend: RunningServer;
  const backendUrl = "http://127.0.0.1:4999";

  before(async () => {
    frontend = await startFrontend({
      host: "127.0.0.1",
      port: 0,
      backendUrl,
      serviceRoleKey: SERVICE_ROLE_KEY,
      faults,
    });
  });
  after(() => frontend.close());

  async function page(path: string): Promise<{ response: Response; html: string }> {
    const response = await fetch(`${frontend.url}${path}`);
    return { response, html: await response.text() };
  }

  test("pages render their headings, links, labelled fields and buttons", async () => {
    const home = await page("/");
    assert.equal(home.response.status, 200);
    assert.match(home.html, /<h1>Welcome to Reference App<\/h1>/);
    assert.match(home.html, /<a href="\/register">Create an account<\/a>/);
    assert.match(home.html, /<a href="\/login">Log in<\/a>/);

    const register = await page("/register");
    for (const [id, label] of [
      ["full_name", "Full name"],
      ["email", "Email"],
      ["password", "Password"],
    ]) {
      assert.match(register.html, new RegExp(`<label for="${id}">${label}</label>`));
      assert.match(register.html, new RegExp(`<input id="${id}" name="${id}"`));
    }
    assert.match(register.html, /<button type="submit">Create account<\/button>/);
    assert.match(register.html, /role="alert"/);

    const login = await page("/login");
    assert.match(login.html, /<label for="email">Email<\/label>/);
    assert.match(login.html, /<label for="password">Password<\/label>/);
    assert.match(login.html, /<button type="submit">Log in<\/button>/);

    const dashboard = await page("/dashboard");
    assert.match(dashboard.html, /<h1>Dashboard<\/h1>/);
    assert.match(dashboard.html, /data-testid="profile-name"/);
    assert.match(dashboard.html, /data-testid="profile-email"/);
    assert.match(dashboard.html, />Log out<\/button>/);
  });

  test("every response carries Vercel's headers and a CSP allowing the backend", async () => {
    for (const path of ["/", "/login", "/nowhere"]) {
      const { response, html } = await page(path);
      const headers = response.headers;
      assert.equal(headers.get("server"), "Vercel");
      assert.match(headers.get("x-vercel-id") ?? "", /^\w+::\w+::\w{5}-\d+-\w{12}$/);
      assert.equal(headers.get("x-vercel-cache"), "MISS");
      assert.equal(headers.get("x-content-type-options"), "nosniff");
      assert.equal(headers.get("x-frame-options"), "DENY");
      assert.equal(headers.get("referrer-policy"), "strict-origin-when-cross-origin");
      assert.equal(headers.get("strict-transport-security"), "max-age=63072000");
      const csp = headers.get("content-security-policy") ?? "";
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, new RegExp(`connect-src 'self' ${backendUrl}`));
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.doesNotMatch(html, /<script>/, "there must be no inline script");
      assert.match(html, new RegExp(`<meta name="backend-url" content="${backendUrl}">`));
    }
    const first = (await page("/")).response.headers.get("x-vercel-id");
    const second = (await page("/")).response.headers.get("x-vercel-id");
    assert.notEqual(first, second, "each response has its own id");
  });

  test("HTML revalidates; the bundle has a content fingerprint and is immutable", async () => {
    const { response, html } = await page("/");
    assert.equal(response.headers.get("cache-control"), "public, max-age=0, must-revalidate");
    assert.match(response.headers.get("content-type") ?? "", /text\/html/);
    const [bundle, ...others] = scriptPaths(html);
    assert.equal(others.length, 0, "one script normally");
    assert.match(bundle ?? "", /^\/assets\/app\.[0-9a-f]{12}\.js$/);

    const asset = await fetch(`${frontend.url}${bundle}`);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.match(asset.headers.get("content-type") ?? "", /text\/javascript/);
    assert.match(await asset.text(), /api\/auth\/register/);

    const stale = await fetch(`${frontend.url}/assets/app.000000000000.js`);
    assert.equal(stale.status, 404);
  });

  test("unknown paths answer a 404 HTML page", async () => {
    const { response, html } = await page("/no/such/page");
    assert.equal(response.status, 404);
    assert.match(response.headers.get("content-type") ?? "", /text\/html/);
    assert.match(html, /<h1>Page not found<\/h1>/);
  });

  test("neither HTML nor JS carries the service-role key", async () => {
    for (const path of ["/", "/register", "/login", "/dashboard"]) {
      const { html } = await page(path);
      for (const script of scriptPaths(html)) {
        const js = await (await fetch(`${frontend.url}${script}`)).text();
        assert.ok(!js.includes(SERVICE_ROLE_KEY), `${script} must not contain the key`);
        assert.doesNotMatch(js, /service_role/i);
      }
      assert.ok(!html.includes(SERVICE_ROLE_KEY));
      assert.doesNotMatch(html, /service_role/i);
    }
  });

  test("fault key-leaked puts the key in the served bundle, under a new fingerprint", async () => {
    const [cleanBundle] = scriptPaths((await page("/")).html);
    faults.set("key-leaked");
    try {
      const [leakyBundle] = scriptPaths((await page("/")).html);
      assert.notEqual(leakyBundle, cleanBundle);
      const js = await (await fetch(`${frontend.url}${leakyBundle}`)).text();
      assert.ok(js.includes(`const SUPABASE_SERVICE_ROLE_KEY = "${SERVICE_ROLE_KEY}"`));
    } finally {
      faults.clear("key-leaked");
    }
    const [bundleAfter] = scriptPaths((await page("/")).html);
    assert.equal(bundleAfter, cleanBundle, "clearing the fault restores the clean bundle");
  });

  test("fault frontend-js-error adds a fingerprinted script that throws", async () => {
    faults.set("frontend-js-error");
    try {
      for (const path of ["/", "/login", "/nowhere"]) {
        const scripts = scriptPaths((await page(path)).html);
        assert.equal(scripts.length, 2, `${path} should load the throwing script too`);
        const crash = scripts.find((script) => !script.startsWith("/assets/app."));
        assert.match(crash ?? "", /^\/assets\/vendor\.[0-9a-f]{12}\.js$/);
        const js = await (await fetch(`${frontend.url}${crash}`)).text();
        assert.match(js, /^throw new Error\(/);
      }
    } finally {
      faults.clear("frontend-js-error");
    }
    assert.equal(scriptPaths((await page("/")).html).length, 1);
  });
});

describe("frontend in Chromium, with the backend", () => {
  const faults = new FaultState();
  let frontend: RunningServer;
  let backend: RunningServer;

  before(async () => {
    const backendPort = await freePort();
    frontend = await startFrontend({
      host: "127.0.0.1",
      port: 0,
      backendUrl: `http://127.0.0.1:${backendPort}`,
      serviceRoleKey: SERVICE_ROLE_KEY,
      faults,
    });
    backend = await startBackend({
      host: "127.0.0.1",
      port: backendPort,
      supabaseUrl: `http://127.0.0.1:${await freePort()}`,
      supabaseAnonKey: "anon-key",
      supabaseServiceRoleKey: SERVICE_ROLE_KEY,
      frontendOrigin: frontend.url,
      version: "0.0.0",
      commit: "test",
      faults,
    });
  });

  after(async () => {
    await backend?.close();
    await frontend?.close();
  });

  /** A fresh page that records console errors and uncaught exceptions. */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    return { page, problems };
  }

  test("pages load without console errors or CSP violations", async () => {
    const { page, problems } = await openPage();
    for (const path of ["/", "/register", "/login"]) {
      await page.goto(`${frontend.url}${path}`);
      await page.locator("h1").waitFor();
    }
    await page.close();
    assert.deepEqual(problems, []);
  });

  test("a backend error reaches the form's alert across origins", async () => {
    const { page } = await openPage();
    await page.goto(`${frontend.url}/register`);
    await page.getByLabel("Full name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill("ada@example.test");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    const alert = page.getByRole("alert");
    await alert.getByText("Password must be at least 8 characters").waitFor();
    assert.equal(await page.getByLabel("Password").getAttribute("aria-invalid"), "");
    await page.close();
  });

  test("with cors-refused the browser cannot reach the backend", async () => {
    faults.set("cors-refused");
    try {
      const { page } = await openPage();
      await page.goto(`${frontend.url}/login`);
      await page.getByLabel("Email").fill("ada@example.test");
      await page.getByLabel("Password").fill("whatever-password");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("alert").getByText("Could not reach the server").waitFor();
      await page.close();
    } finally {
      faults.clear("cors-refused");
    }
  });

  test("the dashboard sends a visitor without a session to /login", async () => {
    const { page } = await openPage();
    await page.goto(`${frontend.url}/dashboard`);
    await page.waitForURL(`${frontend.url}/login`);
    await page.close();
  });

  test("with frontend-js-error every page throws an uncaught error", async () => {
    faults.set("frontend-js-error");
    try {
      const { page, problems } = await openPage();
      const thrown = page.waitForEvent("pageerror");
      await page.goto(`${frontend.url}/`);
      assert.match((await thrown).message, /fault frontend-js-error/);
      await page.close();
      assert.ok(problems.some((problem) => problem.startsWith("pageerror:")));
    } finally {
      faults.clear("frontend-js-error");
    }
  });
});

describe("frontend journey in Chromium, against the whole reference stack", () => {
  let stack: RunningStack;
  const email = `frontend-e2e-${process.pid}-${Date.now()}@example.test`;

  before(async () => {
    stack = await bootStack({
      ports: FREE_PORTS,
      envFile: false,
    });
  });
  after(() => stack?.stop());

  test("register, see the dashboard, log out, log back in; a taken email is refused", async () => {
    const context = await browser.newContext({ baseURL: stack.urls.frontend });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto("/");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Full name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("correct-horse-battery");
    await page.getByRole("button", { name: "Create account" }).click();

    await page.waitForURL("**/dashboard");
    await page.getByTestId("profile-name").getByText("Ada Lovelace", { exact: true }).waitFor();
    await page.getByTestId("profile-email").getByText(email, { exact: true }).waitFor();

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL("**/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").getByText("Wrong email or password").waitFor();
    await page.getByLabel("Password").fill("correct-horse-battery");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL("**/dashboard");
    await page.getByTestId("profile-name").getByText("Ada Lovelace", { exact: true }).waitFor();

    await page.goto("/register");
    await page.getByLabel("Full name").fill("Someone Else");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("another-password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("alert").getByText("That email is already registered").waitFor();

    await context.close();
    assert.deepEqual(problems, []);
  });
});
