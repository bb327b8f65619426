import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "@playwright/test";
import {
  POSSIBLE_ERRORS,
  type SeedSummary,
  seedHistory,
  XSS_ERROR,
} from "../dashboard/test/seed.ts";
import {
  failingNow,
  failingRunIds,
  percentText,
  TIER_KEYS,
  TIER_PROJECTS,
  tierDays,
  tierStatusNow,
  tierUptimes,
} from "../dashboard/test/support/expected.ts";
import { HistoryStore } from "../monitor/history/index.ts";
import { CHROMIUM_ARGS, chromiumExecutable } from "../playwright/chromium.ts";
import { type RunningPostgres, startPostgres } from "../stack/index.ts";
import { type MonitorProcess, startMonitor } from "./support/monitor-process.ts";

// The dashboard and the public status page in real Chromium, served by the
// monitor as users run it (`node monitor/cli.ts`, what `npm run monitor`
// starts) over a seeded 90-day history in embedded Postgres: a schedule that
// never comes due, so what the pages show is the seed's alone, and the test
// works out every expected figure from the seed's summary. Each page is
// screenshotted (the directory is printed) and checked with axe.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SHOTS = path.join(ROOT, "test-results", "dashboard");
const DAY_MS = 86_400_000;
const NEVER = "0 0 1 1 *";
const TOKEN = `e2e-dashboard-${randomBytes(12).toString("hex")}`;
const START_MS = 60_000;

let history: RunningPostgres;
let summary: SeedSummary;
let dir: string;
let env: Record<string, string>;
let monitor: MonitorProcess;
let base: string;
let browser: Browser;
let signedIn: BrowserContext;

async function serve(): Promise<{ monitor: MonitorProcess; base: string }> {
  const started = startMonitor(env);
  const exited = started.exited.then((code) => {
    throw new Error(`the monitor exited (${code}) before serving:\n${started.log().slice(-3000)}`);
  });
  const [, url] = await Promise.race([
    started.waitFor(/serving (http:\/\/[\d.:]+)\/healthz/, START_MS),
    exited,
  ]);
  exited.catch(() => {});
  return { monitor: started, base: url as string };
}

async function stopMonitor(process: MonitorProcess | undefined) {
  if (!process || process.child.exitCode !== null) return;
  process.child.kill("SIGTERM");
  await process.exited;
}

/** Opens a page and waits for its data to have loaded (or failed, visibly). */
async function open(page: Page, route: string) {
  const response = await page.goto(`${base}${route}`);
  await page.locator('main[aria-busy="false"]').waitFor();
  return response;
}

async function screenshot(page: Page, name: string) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

async function accessible(page: Page, name: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    serious.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    ),
    [],
    `the ${name} page has no serious or critical accessibility violations`,
  );
}

async function noErrorBanner(page: Page, name: string) {
  const banners = await page.locator("[role=alert].banner:visible").allTextContents();
  assert.deepEqual(banners, [], `the ${name} page loaded without an error banner`);
}

describe("the dashboard in Chromium, served by the monitor over a seeded history", () => {
  before(async () => {
    [history, dir] = await Promise.all([
      startPostgres(),
      mkdtemp(path.join(tmpdir(), "dashboard-e2e-")),
    ]);
    await mkdir(SHOTS, { recursive: true });
    const monitorDir = path.join(dir, "monitor");
    const journalPath = path.join(monitorDir, "alerts", "journal.jsonl");
    const statePath = path.join(monitorDir, "alerts", "state.json");
    const store = new HistoryStore(history.url);
    try {
      summary = await seedHistory(store, {
        days: 90,
        checks: 6,
        everyMinutes: 60,
        now: Date.now(),
        seed: 15,
        location: "e2e-dashboard",
        journalPath,
        statePath,
      });
    } finally {
      await store.close();
    }
    // The cycles of the XSS check's failures keep a report, so their rows link to it.
    for (const runId of failingRunIds(summary, summary.xssCheck.checkId, 0)) {
      const report = path.join(monitorDir, "cycles", runId, "playwright-report");
      await mkdir(report, { recursive: true });
      await writeFile(
        path.join(report, "index.html"),
        `<!doctype html><title>Report of ${runId}</title><p>report of cycle ${runId}</p>\n`,
      );
    }
    const config = path.join(dir, "monitor.config.mjs");
    await writeFile(
      config,
      `export default ${JSON.stringify({ every: NEVER, jitterSeconds: 0, retentionDays: 365, maintenance: summary.windows }, null, 2)};\n`,
    );
    env = {
      // A configured target, so the monitor boots no stack; no cycle comes due to use it.
      FRONTEND_URL: "http://127.0.0.1:9",
      SUPABASE_URL: "http://127.0.0.1:9",
      SUPABASE_ANON_KEY: "sb_publishable_e2edashboard",
      SUPABASE_SERVICE_ROLE_KEY: "sb_secret_e2edashboard",
      SYNTHETIC_ENV: summary.environment,
      MONITOR_CONFIG: config,
      MONITOR_DATABASE_URL: history.url,
      MONITOR_DIR: monitorDir,
      MONITOR_PORT: "0",
      MONITOR_LOCATION: summary.location,
      MONITOR_DASHBOARD_TOKEN: TOKEN,
      ALERT_JOURNAL_PATH: journalPath,
      ALERT_STATE_PATH: statePath,
    };
    [{ monitor, base }, browser] = await Promise.all([
      serve(),
      chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS }),
    ]);
    // Logged in through the API once; the login form's own journey is a test of its own.
    signedIn = await browser.newContext();
    const login = await fetch(`${base}/login`, {
      method: "POST",
      body: new URLSearchParams({ token: TOKEN }),
      redirect: "manual",
    });
    const session = /^monitor_session=([^;]+)/.exec(login.headers.get("set-cookie") ?? "")?.[1];
    assert.ok(login.status === 303 && session, `POST /login with the token: ${login.status}`);
    await signedIn.addCookies([{ name: "monitor_session", value: session, url: base }]);
    process.stdout.write(`dashboard screenshots: ${SHOTS}\n`);
  });
  after(async () => {
    await browser?.close();
    await stopMonitor(monitor);
    await history?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("private pages and the API refuse a missing or wrong token; the login form takes the right one", async () => {
    for (const [what, headers] of [
      ["no token", {}],
      ["a wrong token", { authorization: `Bearer ${TOKEN}x` }],
      ["a forged session", { cookie: `monitor_session=${Date.now() + DAY_MS}.00ff` }],
    ] as const) {
      const api = await fetch(`${base}/api/overview`, { headers });
      assert.equal(api.status, 401, `/api/overview with ${what}`);
      const page = await fetch(`${base}/timings`, { headers, redirect: "manual" });
      assert.ok(
        page.status === 401 || (page.status === 303 && page.headers.get("location") === "/login"),
        `/timings with ${what} answers 401 or sends to /login, got ${page.status}`,
      );
    }
    const right = await fetch(`${base}/api/overview`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(right.status, 200, "the right token opens the API");

    const visitor = await browser.newContext();
    const page = await visitor.newPage();
    const refused = await page.goto(`${base}/`);
    assert.ok(
      [200, 401].includes(refused?.status() ?? 0),
      `GET / unauthenticated: ${refused?.status()}`,
    );
    await page.locator("#token").waitFor();
    assert.equal(await page.locator(".tier").count(), 0, "no dashboard data before logging in");
    await screenshot(page, "login");
    await accessible(page, "login");

    await page.locator("#token").fill(`${TOKEN}-wrong`);
    const [wrong] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/login` && r.request().method() === "POST"),
      page.getByRole("button", { name: "Log in" }).click(),
    ]);
    assert.equal(wrong.status(), 401, "a wrong token is refused");
    await page.getByText("That token is not the dashboard's token.").waitFor();

    await page.locator("#token").fill(TOKEN);
    await Promise.all([
      page.waitForURL(`${base}/`),
      page.getByRole("button", { name: "Log in" }).click(),
    ]);
    await page.locator('main[aria-busy="false"]').waitFor();
    assert.equal(await page.locator("section.tier").count(), 6, "the overview, after logging in");
    const cookie = (await visitor.cookies()).find((c) => c.name === "monitor_session");
    assert.ok(cookie?.httpOnly, "the session cookie is HttpOnly");
    await visitor.close();
  });

  test("the overview shows each tier's status now and the uptime the seed implies over 24 h, 7 d, 30 d and 90 d", async () => {
    const page = await signedIn.newPage();
    await open(page, "/");
    const at = Date.now();
    await noErrorBanner(page, "overview");
    for (const tier of TIER_KEYS) {
      const section = page.locator(`section.tier[data-tier="${tier}"]`);
      assert.equal(
        await section.locator(".tier-head .status").getAttribute("data-status"),
        tierStatusNow(summary, tier),
        `${tier}'s status now`,
      );
      const uptimes = tierUptimes(summary, tier, at);
      for (const [window, share] of Object.entries(uptimes)) {
        const cell = section.locator(`[data-window="${window}"]`);
        const shown = await cell.getAttribute("data-share");
        if (share === null) assert.equal(shown, "", `${tier} ${window}: no data`);
        else
          assert.ok(
            Math.abs(Number(shown) - share) < 1e-9,
            `${tier} uptime over ${window}: expected ${share}, the page says ${shown}`,
          );
        assert.equal(
          await cell.locator("dd").textContent(),
          percentText(share),
          `${tier} ${window}`,
        );
      }
      const days = tierDays(summary, tier);
      const cells = await section
        .locator("li.day")
        .evaluateAll((items) =>
          items.map((li) => [
            li.getAttribute("data-day"),
            li.getAttribute("data-status"),
            li.getAttribute("aria-label"),
          ]),
        );
      assert.equal(cells.length, 90, `${tier}: a 90-day bar`);
      for (const [day, status, label] of cells) {
        const expected = days.get(day ?? "") ?? { status: "none", label: `${day}: no runs` };
        assert.equal(status, expected.status, `${tier} on ${day}`);
        assert.ok(
          label?.startsWith(expected.label),
          `${tier} on ${day}: "${label}" says "${expected.label}"`,
        );
      }
      for (const failing of failingNow(summary, tier)) {
        const item = section.locator(".incidents li", { hasText: failing.title });
        assert.equal(await item.count(), 1, `${tier} lists ${failing.title} as failing now`);
        assert.equal(
          await item.locator("time").first().getAttribute("datetime"),
          new Date(failing.since).toISOString(),
          `${failing.title}: failing since its first failing run of this spell`,
        );
      }
    }
    await screenshot(page, "overview");
    await accessible(page, "overview");
    await page.close();
  });

  test("the XSS check's page lists its failing runs with report links and shows the error as inert text", async () => {
    const page = await signedIn.newPage();
    const xss = summary.xssCheck;
    // Fewer days than the page's 500 newest runs hold, so every failing run of the period is listed.
    const days = 14;
    await open(page, `/checks/${encodeURIComponent(xss.checkId)}?days=${days}`);
    await noErrorBanner(page, "check");
    assert.equal(await page.locator("h1").textContent(), xss.title);
    const expected = failingRunIds(summary, xss.checkId, Date.now() - days * DAY_MS);
    assert.ok(expected.length >= 3, "the seed has failing runs of the XSS check in the period");
    const rows = page.locator("table.failing-runs tr[data-run-id]");
    assert.deepEqual(
      await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-run-id"))),
      expected,
      "one row per failing run, newest first",
    );
    for (const runId of expected) {
      const href = await page
        .locator(`tr[data-run-id="${runId}"] a.report-link`)
        .getAttribute("href");
      assert.equal(
        new URL(href ?? "", base).pathname,
        `/artifacts/${runId}/playwright-report/index.html`,
        `run ${runId} links its report`,
      );
    }
    await Promise.all([
      page.waitForURL(/\/artifacts\//),
      page.locator(`tr[data-run-id="${expected[0]}"] a.report-link`).click(),
    ]);
    await page.getByText(`report of cycle ${expected[0]}`).waitFor();
    await page.goBack();
    await page.locator('main[aria-busy="false"]').waitFor();

    const errors = page.locator("pre.error-text", { hasText: XSS_ERROR });
    const spell = summary.incidents.find((incident) => incident.error === XSS_ERROR);
    const inSpell = summary.runs.filter(
      (run) =>
        spell && run.startedAt >= spell.startsAt && run.startedAt < (spell.endsAt ?? Infinity),
    );
    assert.equal(
      await errors.count(),
      inSpell.length,
      "each run of the XSS spell shows the error text",
    );
    assert.ok(await errors.first().isVisible(), "the script text is visible as text");
    assert.equal(await page.evaluate(() => (window as { __xss?: unknown }).__xss), undefined);
    assert.equal(
      await page.locator("main img[src='x'], main script").count(),
      0,
      "no element came of it",
    );
    await screenshot(page, "check");
    await accessible(page, "check");
    await page.close();
  });

  test("timings, incidents and SLA pages load and pass axe; incidents are the journal's", async () => {
    const page = await signedIn.newPage();
    await open(page, "/timings?days=90");
    await noErrorBanner(page, "timings");
    for (const name of ["home TTFB", "home LCP", "backend /health"])
      assert.ok(await page.getByRole("heading", { name }).count(), `a chart of ${name}`);
    await screenshot(page, "timings");
    await accessible(page, "timings");

    await open(page, "/incidents?days=90");
    await noErrorBanner(page, "incidents");
    const api = (await (
      await fetch(`${base}/api/incidents?days=90`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as {
      incidents: Array<{
        fingerprint: string;
        tier: string;
        firedAt: string;
        resolvedAt: string | null;
        notifications: Array<{ at: string; channel: string; accepted: boolean }>;
      }>;
    };
    const fired = summary.journal.alerts.filter((a) => a.firedAt >= Date.now() - 90 * DAY_MS);
    const tierOfCheck = (fingerprint: string) => {
      const project = summary.checks.find((c) => c.checkId === fingerprint)?.project;
      return TIER_KEYS.find((tier) => TIER_PROJECTS[tier] === project);
    };
    assert.deepEqual(
      api.incidents
        .map((i) => [
          i.fingerprint,
          i.tier,
          Date.parse(i.firedAt),
          i.resolvedAt && Date.parse(i.resolvedAt),
          i.notifications.map((n) => [Date.parse(n.at), n.channel, n.accepted]),
        ])
        .sort(),
      fired
        .map((a) => [
          a.fingerprint,
          tierOfCheck(a.fingerprint),
          a.firedAt,
          a.resolvedAt,
          a.notifications.map((n) => [n.at, n.channel, n.accepted]),
        ])
        .sort(),
      "every alert the journal fired: its tier, when it resolved, each notification and whether it was accepted",
    );
    for (const alert of fired)
      assert.ok(
        await page.getByText(alert.title).count(),
        `the incidents page names ${alert.title}`,
      );
    await screenshot(page, "incidents");
    await accessible(page, "incidents");

    await open(page, "/sla");
    await noErrorBanner(page, "sla");
    assert.ok(await page.getByText("Frontend on Vercel").count(), "SLA rows per tier");
    await screenshot(page, "sla");
    await accessible(page, "sla");
    await page.close();
  });

  test("the public status page shows tiers and incidents, no error text and no check title but the @public one", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await open(page, "/status");
    await noErrorBanner(page, "status");
    const text = await page.content();
    const json = await (await fetch(`${base}/api/status`)).text();
    for (const [where, body] of [
      ["the status page", text],
      ["/api/status", json],
    ] as const) {
      for (const error of [...POSSIBLE_ERRORS, ...summary.errors]) {
        for (const line of error.split("\n").filter((l) => l.trim().length > 8))
          assert.ok(!body.includes(line.trim()), `${where} shows no error text: ${line.trim()}`);
      }
      for (const leak of [
        "internal.example",
        "supabase.example",
        "onerror",
        "__xss",
        "/artifacts/",
      ])
        assert.ok(!body.includes(leak), `${where} has no "${leak}"`);
      for (const check of summary.checks.filter((c) => c !== summary.publicCheck))
        assert.ok(!body.includes(check.title), `${where} does not name "${check.title}"`);
      assert.ok(body.includes(summary.publicCheck.title), `${where} names the @public check`);
    }
    assert.equal(
      await page
        .locator('.status-tier[data-tier="supabase"] .status')
        .first()
        .getAttribute("data-status"),
      "down",
      "Supabase auth is down on the status page too",
    );
    await screenshot(page, "status");
    await accessible(page, "status");
    await context.close();
  });

  test("bad query parameters answer 400 naming the parameter, unknown routes 404", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const id = encodeURIComponent(summary.xssCheck.checkId);
    for (const [route, parameter] of [
      ["/api/timings?days=0", "days"],
      ["/api/incidents?days=91", "days"],
      [`/api/checks/${id}?days=a`, "days"],
      ["/api/sla?from=yesterday", "from"],
      ["/api/sla?format=xml", "format"],
    ] as const) {
      const response = await fetch(`${base}${route}`, { headers: auth });
      assert.equal(response.status, 400, route);
      const body = (await response.json()) as { parameter?: string; error?: string };
      assert.equal(body.parameter, parameter, `${route} names ${parameter}`);
      assert.match(
        body.error ?? "",
        new RegExp(parameter),
        `${route}'s message names ${parameter}`,
      );
    }
    for (const route of [
      "/nowhere",
      "/api/nowhere",
      "/api/checks/no-such-check",
      "/assets/../package.json",
    ]) {
      const response = await fetch(`${base}${route}`, { headers: auth });
      assert.equal(response.status, 404, route);
    }
  });

  test("with the database stopped, the overview says the history is unavailable instead of green", async () => {
    await history.stop();
    // Losing its database, the monitor gives up its location lock and stops to be restarted;
    // restarted, it serves the dashboard over the database that is still away.
    await stopMonitor(monitor);
    ({ monitor, base } = await serve());
    // Cookies are per host, not port: the session still holds (its key comes from the token).
    const page = await signedIn.newPage();
    await open(page, "/");
    await page
      .getByText(/History database unavailable/)
      .first()
      .waitFor();
    const statuses = await page
      .locator("section.tier .tier-head .status")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-status")));
    assert.deepEqual(
      statuses,
      TIER_KEYS.map(() => "unknown"),
      "no tier shows up while the history is away",
    );
    await screenshot(page, "overview-database-down");
    await page.close();
  });
});
