// Who gets in and what is served: the token (bearer or session cookie), the
// login form and its rate limit, loopback-only without a token, the asset
// allow-list, page headers, unknown routes, and a history database that is down.
// No database runs here: the history points at a closed port.
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, test } from "node:test";
import { HistoryStore } from "../../monitor/history/index.ts";
import { type MonitorServer, startMonitorServer } from "../../monitor/server.ts";
import { DashboardAuth, SESSION_COOKIE, sameSecret } from "../auth.ts";
import { dashboardToken } from "../env.ts";
import { createDashboard } from "../index.ts";
import type { DashboardSource } from "../source.ts";
import { pagesFixture } from "./history-fixture.ts";

const TOKEN = "access-test-token-1234";
// Port 1 refuses at once: the database is down.
const DOWN_URL = "postgres://monitor:secret-password@127.0.0.1:1/history";

async function serve(
  source: DashboardSource,
  options: { token?: string; host?: string; pagesDir: string },
): Promise<MonitorServer> {
  return startMonitorServer({
    port: 0,
    metrics: { text: async () => "# metrics\n", contentType: "text/plain" },
    health: () => ({ overdue: false, lastCycle: null, nextDueAt: null, overdueAfter: null }),
    dashboard: createDashboard({
      source,
      token: options.token,
      host: options.host ?? "127.0.0.1",
      pagesDir: options.pagesDir,
    }),
  });
}

/** A raw request: the path exactly as given (fetch would normalise `..`). */
function raw(base: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const form = (token: string, headers: Record<string, string> = {}) => ({
  method: "POST",
  redirect: "manual" as const,
  headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  body: new URLSearchParams({ token }).toString(),
});

describe("dashboard access", () => {
  let store: HistoryStore;
  let source: DashboardSource;
  let pagesDir: string;
  let server: MonitorServer;

  before(async () => {
    store = new HistoryStore(DOWN_URL);
    source = { history: store, maintenance: [] };
    pagesDir = await pagesFixture();
    server = await serve(source, { token: TOKEN, pagesDir });
  });
  after(async () => {
    await server?.close();
    await store?.close();
  });

  test("the API refuses a missing or wrong token (401), accepts the bearer token", async () => {
    const missing = await fetch(`${server.url}/api/overview`);
    assert.equal(missing.status, 401);
    assert.match((await missing.json()).error, /token/);
    const wrong = await fetch(`${server.url}/api/overview`, {
      headers: { authorization: "Bearer not-the-token" },
    });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${server.url}/api/overview`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(right.status, 200);
  });

  test("a private page without the token answers 401 with the login form", async () => {
    for (const path of [
      "/",
      "/timings",
      "/incidents",
      "/sla",
      `/checks/${encodeURIComponent("api › x")}`,
    ]) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 401, path);
      assert.match(await response.text(), /data-page="login"/, path);
    }
  });

  test("logging in sets a signed HttpOnly SameSite=Strict cookie that opens the private routes", async () => {
    const wrong = await fetch(`${server.url}/login`, form("nope"));
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /data-page="login"/);
    const right = await fetch(`${server.url}/login`, form(TOKEN));
    assert.equal(right.status, 303);
    assert.equal(right.headers.get("location"), "/");
    const cookie = right.headers.get("set-cookie") ?? "";
    assert.match(
      cookie,
      new RegExp(`^${SESSION_COOKIE}=\\d+\\.[\\w-]{43}; HttpOnly; SameSite=Strict; Path=/`),
    );
    assert.doesNotMatch(cookie, /Secure/, "plain http: no Secure flag");
    assert.ok(!cookie.includes(TOKEN), "the cookie never holds the token");
    const session = cookie.split(";")[0] as string;
    const page = await fetch(`${server.url}/`, { headers: { cookie: session } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /data-page="overview"/);
    const api = await fetch(`${server.url}/api/overview`, { headers: { cookie: session } });
    assert.equal(api.status, 200);
    // A changed signature, or a later expiry under the old signature, is refused.
    const value = session.slice(SESSION_COOKIE.length + 1);
    const [expiry, signature] = value.split(".") as [string, string];
    const flipped = `${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`;
    for (const tampered of [
      `${expiry}.${flipped}`,
      `${Number(expiry) + 1000}.${signature}`,
      `${expiry}.`,
    ]) {
      const refused = await fetch(`${server.url}/api/overview`, {
        headers: { cookie: `${SESSION_COOKIE}=${tampered}` },
      });
      assert.equal(refused.status, 401, tampered);
    }
    const secure = await fetch(
      `${server.url}/login`,
      form(TOKEN, { "x-forwarded-proto": "https" }),
    );
    assert.match(secure.headers.get("set-cookie") ?? "", /; Secure$/, "behind an https proxy");
    const out = await fetch(`${server.url}/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: session },
    });
    assert.equal(out.status, 303);
    assert.match(out.headers.get("set-cookie") ?? "", /Max-Age=0/);
  });

  test("a login form posted from another origin is refused", async () => {
    const response = await fetch(
      `${server.url}/login`,
      form(TOKEN, { origin: "https://evil.example" }),
    );
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("set-cookie"), null);
  });

  test("failed logins are limited per address: the 11th within a minute is 429, even with the right token", async () => {
    const limited = await serve(source, { token: TOKEN, pagesDir });
    try {
      for (let i = 0; i < 10; i += 1)
        assert.equal((await fetch(`${limited.url}/login`, form(`wrong-${i}`))).status, 401);
      const blocked = await fetch(`${limited.url}/login`, form(TOKEN));
      assert.equal(blocked.status, 429);
      assert.ok(Number(blocked.headers.get("retry-after")) > 0);
      assert.match(await blocked.text(), /data-page="login"/, "the login page, which says why");
      assert.equal(blocked.headers.get("set-cookie"), null);
    } finally {
      await limited.close();
    }
  });

  test("wrong bearer tokens count like failed logins: the 11th within a minute is 429", async () => {
    const limited = await serve(source, { token: TOKEN, pagesDir });
    try {
      const asking = (token: string) =>
        fetch(`${limited.url}/api/overview`, { headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 10; i += 1) assert.equal((await asking(`guess-${i}`)).status, 401);
      const blocked = await asking(TOKEN);
      assert.equal(blocked.status, 429, "even the right token waits");
      assert.ok(Number(blocked.headers.get("retry-after")) > 0);
    } finally {
      await limited.close();
    }
  });

  test("without a token, a loopback listener still refuses a foreign Host (DNS rebinding)", async () => {
    const open = await serve(source, { pagesDir });
    try {
      const rebound = await new Promise<number>((resolve, reject) => {
        const url = new URL(open.url);
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: "/api/overview",
            headers: { host: `evil.example:${url.port}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end();
      });
      assert.equal(rebound, 403);
      assert.equal((await fetch(`${open.url}/api/overview`)).status, 200, "127.0.0.1 is let in");
    } finally {
      await open.close();
    }
  });

  test("a short MONITOR_DASHBOARD_TOKEN is refused, naming the variable", () => {
    assert.throws(
      () => dashboardToken({ MONITOR_DASHBOARD_TOKEN: "abc" }),
      /MONITOR_DASHBOARD_TOKEN: must be at least 20 characters/,
    );
    assert.equal(dashboardToken({ MONITOR_DASHBOARD_TOKEN: TOKEN }), TOKEN);
  });

  test("sessions expire, and a new token ends the old sessions; secrets compare in constant time", () => {
    let now = 1_000_000;
    const issuing = new DashboardAuth({ token: TOKEN, host: "127.0.0.1", now: () => now });
    const session = issuing.session();
    assert.ok(issuing.validSession(session));
    now += 13 * 3600_000;
    assert.equal(issuing.validSession(session), false, "expired after 12 h");
    const other = new DashboardAuth({
      token: `${TOKEN}-new`,
      host: "127.0.0.1",
      now: () => 1_000_000,
    });
    assert.equal(other.validSession(session), false, "signed under another token");
    assert.equal(sameSecret(TOKEN, TOKEN), true);
    assert.equal(sameSecret("short", TOKEN), false, "different lengths compare without throwing");
    assert.equal(sameSecret("", TOKEN), false);
  });

  test("with no token, private routes answer on loopback only; elsewhere 403 naming MONITOR_DASHBOARD_TOKEN", async () => {
    const open = await serve(source, { pagesDir });
    const exposed = await serve(source, { host: "0.0.0.0", pagesDir });
    try {
      assert.equal((await fetch(`${open.url}/`)).status, 200, "loopback, no token: open");
      const refused = await fetch(`${exposed.url}/api/overview`);
      assert.equal(refused.status, 403);
      assert.match((await refused.json()).error, /MONITOR_DASHBOARD_TOKEN/);
      assert.equal((await fetch(`${exposed.url}/`)).status, 403);
      assert.equal(
        (await fetch(`${exposed.url}/api/status`)).status,
        200,
        "the public page stays public",
      );
      assert.equal((await fetch(`${exposed.url}/status`)).status, 200);
    } finally {
      await open.close();
      await exposed.close();
    }
  });

  test("pages carry a strict CSP and nosniff", async () => {
    const response = await fetch(`${server.url}/status`);
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("content-security-policy"),
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
    );
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
  });

  test("assets: the allow-list only, no traversal", async () => {
    const css = await fetch(`${server.url}/assets/style.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get("content-type") ?? "", /^text\/css/);
    const uplot = await fetch(`${server.url}/assets/uplot.iife.min.js`);
    assert.equal(uplot.status, 200, "uPlot from node_modules");
    assert.match(uplot.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal((await fetch(`${server.url}/assets/uplot.min.css`)).status, 200);
    for (const path of [
      "/assets/notes.txt",
      "/assets/overview.html",
      "/assets/../routes.ts",
      "/assets/..%2Froutes.ts",
      "/assets/%2e%2e/%2e%2e/package.json",
      "/assets/../../package.json",
      "/assets/",
      "/artifacts/run/../../package.json",
    ]) {
      const response = await raw(server.url, path);
      assert.equal(response.status, 404, path);
      assert.ok(!response.body.includes("import "), `${path} must not serve source`);
    }
  });

  test("unknown routes 404, /healthz and /metrics still answer, wrong methods 405", async () => {
    assert.equal((await fetch(`${server.url}/nothing-here`)).status, 404);
    assert.equal(
      (await fetch(`${server.url}/api/nothing`, { headers: { authorization: `Bearer ${TOKEN}` } }))
        .status,
      404,
    );
    assert.equal((await fetch(`${server.url}/checks/a/b`)).status, 404);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 200);
    assert.equal((await fetch(`${server.url}/api/status`, { method: "DELETE" })).status, 405);
    assert.equal((await fetch(`${server.url}/logout`)).status, 405);
  });

  test("a database that is down: the overview says so (200, no tier up), never a stack or the password", async () => {
    const response = await fetch(`${server.url}/api/overview`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(response.status, 200);
    const text = await response.text();
    const body = JSON.parse(text);
    assert.equal(body.database.ok, false);
    assert.match(body.database.error, /unreachable/);
    assert.ok(!text.includes("secret-password"), "no credentials");
    assert.ok(!/\n\s+at /.test(body.database.error), "no stack trace");
    assert.equal(body.tiers.length, 6);
    for (const tier of body.tiers) {
      assert.equal(tier.status, "unknown", tier.tier);
      assert.ok(
        tier.days.every((d: { status: string }) => d.status === "none"),
        tier.tier,
      );
    }
    const status = await (await fetch(`${server.url}/api/status`)).json();
    assert.equal(status.database.ok, false);
    assert.ok(status.tiers.every((t: { status: string }) => t.status === "unknown"));
    const timings = await fetch(`${server.url}/api/timings`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(timings.status, 503);
    assert.ok(!(await timings.text()).includes("secret-password"));
  });
});
