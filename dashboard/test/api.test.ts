// The dashboard's JSON against a real (embedded) PostgreSQL holding the small
// history of history-fixture.ts; every expected figure is worked out by hand
// from that history in the comments beside it.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { HistoryStore } from "../../monitor/history/index.ts";
import { type MonitorServer, startMonitorServer } from "../../monitor/server.ts";
import { type RunningPostgres, startPostgres } from "../../stack/index.ts";
import { exportDashboard } from "../export.ts";
import { createDashboard, type DashboardSource } from "../index.ts";
import {
  CHECKS,
  NOW,
  PREFIX,
  pagesFixture,
  sourceOf,
  writeHistory,
  XSS,
} from "./history-fixture.ts";

const TOKEN = "dashboard-test-token-0123";
const auth = { authorization: `Bearer ${TOKEN}` };

describe("dashboard API over a hand-made history", () => {
  let postgres: RunningPostgres;
  let store: HistoryStore;
  let server: MonitorServer;
  let source: DashboardSource;
  let pagesDir: string;
  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`, { headers: auth });
    const type = response.headers.get("content-type") ?? "";
    return {
      response,
      body: type.includes("json") ? await response.json() : await response.text(),
    };
  };

  before(async () => {
    postgres = await startPostgres();
    store = new HistoryStore(postgres.url);
    await writeHistory(store);
    source = await sourceOf(store);
    pagesDir = await pagesFixture();
    server = await startMonitorServer({
      port: 0,
      metrics: { text: async () => "", contentType: "text/plain" },
      health: () => ({ overdue: false, lastCycle: null, nextDueAt: null, overdueAfter: null }),
      dashboard: createDashboard({
        source,
        token: TOKEN,
        host: "127.0.0.1",
        pagesDir,
      }),
    });
  });
  after(async () => {
    await server?.close();
    await store?.close();
    await postgres?.stop();
  });

  test("overview: each tier's status now, uptime per window, days and open incidents", async () => {
    const { response, body } = await get("/api/overview");
    assert.equal(response.status, 200);
    assert.deepEqual(body.database, { ok: true });
    assert.equal(body.generatedAt, new Date(NOW).toISOString());
    assert.deepEqual(
      body.tiers.map((t: { tier: string; label: string }) => [t.tier, t.label]),
      [
        ["frontend", "Frontend on Vercel"],
        ["backend", "Backend on Render"],
        ["supabase", "Supabase auth"],
        ["database", "Database and schema"],
        ["security", "Security"],
        ["performance", "Performance"],
      ],
      "all six tiers, in order",
    );
    const [frontend, backend, supabase, database, security] = body.tiers;
    // The newest cycle (11-30 11:30) failed health; home passed; sign-in passed inside auth-migration.
    assert.deepEqual(
      body.tiers.map((t: { status: string }) => t.status),
      ["up", "down", "maintenance", "unknown", "unknown", "unknown"],
    );
    assert.equal(body.lastCycle.endedAt, "2026-11-30T11:30:30.000Z");
    assert.equal(body.nextDueAt, null);
    // health: 24 h holds 11-30 11:30 (failed) alone; 7 d and more the six runs, three failed.
    assert.deepEqual(backend.uptime, { "24h": 0, "7d": 0.5, "30d": 0.5, "90d": 0.5 });
    // home: degraded counts as up; the failure of 10-21 is inside 90 d only (5 of 6).
    assert.deepEqual(frontend.uptime, { "24h": 1, "7d": 1, "30d": 1, "90d": 5 / 6 });
    // sign in: the skipped run says nothing.
    assert.deepEqual(supabase.uptime, { "24h": 1, "7d": 1, "30d": 1, "90d": 1 });
    assert.deepEqual(security.uptime, { "24h": null, "7d": null, "30d": null, "90d": null });
    assert.equal(frontend.days.length, 90);
    assert.equal(frontend.days.at(-1).day, "2026-11-30");
    const day = (tier: { days: Array<{ day: string; status: string }> }, d: string) =>
      tier.days.find((x) => x.day === d);
    assert.deepEqual(day(backend, "2026-11-29"), {
      day: "2026-11-29",
      status: "down",
      total: 3,
      failed: 2,
      degraded: 0,
    });
    assert.equal(day(frontend, "2026-11-29")?.status, "degraded");
    assert.equal(day(frontend, "2026-11-28")?.status, "up", "db-upgrade covers the schema only");
    assert.equal(day(frontend, "2026-10-21")?.status, "down");
    assert.equal(day(frontend, "2026-11-27")?.status, "none");
    assert.equal(day(database, "2026-11-28")?.status, "maintenance");
    assert.deepEqual(backend.incidents, [
      {
        checkId: CHECKS.health.checkId,
        title: "backend health",
        failingSince: "2026-11-30T11:30:00.000Z",
      },
    ]);
    assert.deepEqual(frontend.incidents, []);
    assert.deepEqual(backend.checks, [
      { checkId: CHECKS.health.checkId, title: "backend health", status: "failed", project: "api" },
    ]);
  });

  test("check page: runs newest first with errors, daily percentiles, locations", async () => {
    const { response, body } = await get(
      `/api/checks/${encodeURIComponent(CHECKS.health.checkId)}?days=7`,
    );
    assert.equal(response.status, 200);
    assert.deepEqual(body.check, {
      checkId: CHECKS.health.checkId,
      title: "backend health",
      tier: "backend",
      project: "api",
      file: "tests/api/health.spec.ts",
      tags: ["@critical"],
    });
    assert.deepEqual(
      body.runs.map((r: { status: string; durationMs: number }) => [r.status, r.durationMs]),
      [
        ["failed", 600],
        ["passed", 500],
        ["failed", 400],
        ["failed", 300],
        ["passed", 200],
        ["passed", 100],
      ],
    );
    const [newest] = body.runs;
    assert.equal(newest.error, XSS, "the error as written (the page shows it as text)");
    assert.equal(newest.diagnosis, "backend on Render · answered 503");
    assert.equal(newest.location, "eu");
    assert.equal(newest.reportUrl, null, "no cycle directory here");
    assert.equal(body.runs[2].retries, 2);
    assert.equal(body.runs[1].error, null);
    // Per day, percentile_cont: 11-28 [100, 200]; 11-29 [300, 400, 500]; 11-30 [600].
    assert.deepEqual(body.percentiles, [
      { day: "2026-11-28", p50: 150, p95: 195, p99: 199 },
      { day: "2026-11-29", p50: 400, p95: 490, p99: 498 },
      { day: "2026-11-30", p50: 600, p95: 600, p99: 600 },
    ]);
    assert.deepEqual(body.locations, [
      { location: "eu", status: "failed", startedAt: "2026-11-30T11:30:00.000Z" },
    ]);
    const short = await get(`/api/checks/${encodeURIComponent(CHECKS.health.checkId)}?days=1`);
    assert.equal(short.body.runs.length, 1, "days narrows the runs");
  });

  test("check page: an unknown id is 404, a bad days 400 naming it", async () => {
    const unknown = await get(`/api/checks/${encodeURIComponent("api › nothing")}`);
    assert.equal(unknown.response.status, 404);
    assert.match(unknown.body.error, /no check/);
    for (const days of ["0", "91", "7.5", "x"]) {
      const bad = await get(
        `/api/checks/${encodeURIComponent(CHECKS.health.checkId)}?days=${days}`,
      );
      assert.equal(bad.response.status, 400, `days=${days}`);
      assert.equal(bad.body.parameter, "days");
    }
  });

  test("timings: series by hour, the SLA budget, version and deploy markers", async () => {
    const { response, body } = await get("/api/timings?days=7");
    assert.equal(response.status, 200);
    assert.deepEqual(body.names, ["home TTFB"]);
    assert.deepEqual(body.budgets, { "home TTFB": 600 }, "load/sla.json journeys home.ttfb");
    assert.equal(body.series.length, 1);
    const [series] = body.series;
    assert.equal(series.checkId, CHECKS.home.checkId);
    assert.equal(series.title, "home page");
    assert.deepEqual(series.points, [
      { hour: "2026-11-28T10:00:00.000Z", p95: 100, avg: 100, max: 100, count: 1 },
      { hour: "2026-11-28T11:00:00.000Z", p95: 110, avg: 110, max: 110, count: 1 },
      // 200 and 300 in one hour: p95 = 200 + 0.95 × 100.
      { hour: "2026-11-29T10:00:00.000Z", p95: 295, avg: 250, max: 300, count: 2 },
    ]);
    assert.deepEqual(body.markers, [
      { at: "2026-11-29T11:00:00.000Z", kind: "version", label: "backend v2" },
      { at: "2026-11-30T09:05:00.000Z", kind: "deploy", label: "render abcdef1 live" },
    ]);
    assert.equal((await get("/api/timings?days=100")).body.parameter, "days");
  });

  test("incidents: fired and resolved from the journal, notifications per channel, silences, maintenance", async () => {
    const { response, body } = await get("/api/incidents?days=30");
    assert.equal(response.status, 200);
    assert.deepEqual(body.incidents, [
      {
        fingerprint: "f1",
        title: "backend health",
        tier: "backend",
        firedAt: "2026-11-29T10:00:40.000Z",
        resolvedAt: "2026-11-29T11:00:40.000Z",
        notifications: [
          { at: "2026-11-29T10:00:41.000Z", channel: "email", reason: "new", accepted: true },
          { at: "2026-11-29T10:00:42.000Z", channel: "slack", reason: "new", accepted: false },
          { at: "2026-11-29T11:00:41.000Z", channel: "email", reason: "resolved", accepted: true },
        ],
      },
    ]);
    assert.deepEqual(body.silences, [
      {
        matchers: { project: ["api"] },
        startsAt: "2026-11-29T09:00:00.000Z",
        endsAt: "2026-11-29T10:00:00.000Z",
        comment: "known outage",
      },
      {
        matchers: { project: ["supabase"] },
        startsAt: "2026-11-30T11:00:00.000Z",
        endsAt: "2026-11-30T13:00:00.000Z",
        comment: "maintenance auth-migration: moving auth",
      },
    ]);
    assert.deepEqual(body.maintenance, [
      // A one-off window: its span from the config, which the cycle inside it confirms.
      {
        id: "db-upgrade",
        startsAt: "2026-11-28T11:00:00.000Z",
        endsAt: "2026-11-28T12:00:00.000Z",
        effect: "silence",
      },
      // Open now: its span from the config.
      {
        id: "auth-migration",
        startsAt: "2026-11-30T11:00:00.000Z",
        endsAt: "2026-11-30T13:00:00.000Z",
        effect: "silence",
      },
    ]);
    assert.deepEqual((await get("/api/incidents?days=1")).body.incidents, [], "older than a day");
  });

  test("SLA: uptime and pooled p95 per tier for a period, as JSON and CSV", async () => {
    const period = "from=2026-11-28T00:00:00Z&to=2026-11-30T00:00:00Z";
    const { response, body } = await get(`/api/sla?${period}`);
    assert.equal(response.status, 200);
    assert.equal(body.from, "2026-11-28T00:00:00.000Z");
    assert.equal(body.to, "2026-11-30T00:00:00.000Z");
    const rows = Object.fromEntries(body.rows.map((r: { tier: string }) => [r.tier, r]));
    // health: 11-28 two passed, 11-29 three with two failed: 3 of 5; p95 of 100…500 = 480.
    assert.deepEqual(rows.backend, {
      tier: "backend",
      label: "Backend on Render",
      uptime: 0.6,
      p95Ms: 480,
      checks: 1,
    });
    assert.deepEqual(rows.frontend, {
      tier: "frontend",
      label: "Frontend on Vercel",
      uptime: 1,
      p95Ms: 50,
      checks: 1,
    });
    assert.deepEqual(rows.security, {
      tier: "security",
      label: "Security",
      uptime: null,
      p95Ms: null,
      checks: 0,
    });
    const csv = await get(`/api/sla?${period}&format=csv`);
    assert.match(csv.response.headers.get("content-type") ?? "", /^text\/csv/);
    assert.match(
      csv.response.headers.get("content-disposition") ?? "",
      /attachment; filename="sla-2026-11-28-2026-11-30.csv"/,
    );
    const lines = (csv.body as string).trim().split("\n");
    assert.equal(lines[0], "tier,label,uptime,p95_ms,checks");
    assert.ok(lines.includes("backend,Backend on Render,0.600000,480,1"), lines.join("\n"));
    assert.ok(lines.includes("security,Security,,,0"));
    for (const [query, parameter] of [
      ["from=yesterday", "from"],
      ["to=2026-13-45", "to"],
      ["from=2026-11-30&to=2026-11-28", "from"],
      ["format=xml", "format"],
    ]) {
      const bad = await get(`/api/sla?${query}`);
      assert.equal(bad.response.status, 400, query);
      assert.equal(bad.body.parameter, parameter, query);
    }
  });

  test("public status: tier level only, no error text, URLs or titles of checks not marked public", async () => {
    const response = await fetch(`${server.url}/api/status`);
    assert.equal(response.status, 200, "no token needed");
    const text = await response.text();
    const body = JSON.parse(text);
    for (const leak of [
      "script",
      "onerror",
      "internal.example",
      "https://",
      "backend health",
      "sign in",
      "503",
      "Render ·",
    ])
      assert.ok(!text.includes(leak), `the public answer must not contain "${leak}"`);
    assert.deepEqual(
      body.tiers.map((t: { tier: string; status: string }) => [t.tier, t.status]),
      [
        ["frontend", "up"],
        ["backend", "down"],
        ["supabase", "maintenance"],
        ["database", "unknown"],
        ["security", "unknown"],
        ["performance", "unknown"],
      ],
    );
    assert.deepEqual(Object.keys(body.tiers[0].days[0]).sort(), ["day", "status"]);
    assert.deepEqual(body.tiers[1].uptime, { "24h": 0, "7d": 0.5, "30d": 0.5, "90d": 0.5 });
    assert.deepEqual(
      body.checks,
      [{ tier: "frontend", title: "home page", status: "passed" }],
      "only @public checks",
    );
    assert.deepEqual(body.incidents, [
      // Still failing: no end.
      {
        tier: "backend",
        label: "Backend on Render",
        startedAt: "2026-11-30T11:30:00.000Z",
        resolvedAt: null,
      },
      // Failed at 10:00 and 10:05, passed at 11:00.
      {
        tier: "backend",
        label: "Backend on Render",
        startedAt: "2026-11-29T10:00:00.000Z",
        resolvedAt: "2026-11-29T11:00:00.000Z",
      },
      // Not listed: the frontend's single failure on 2026-10-21, a blip the monitor re-checked.
    ]);
  });

  test("static export: the shells made relative and static, assets, and data as .json and .js", async () => {
    const out = await mkdtemp(path.join(tmpdir(), `${PREFIX}-export-`));
    const summary = await exportDashboard(source, out, { pagesDir });
    assert.deepEqual(summary, { dir: out, pages: 6, checks: 3, databaseOk: true });
    const index = await readFile(path.join(out, "index.html"), "utf8");
    assert.match(index, /<html data-static lang="en">/);
    assert.match(index, /href="assets\/style.css"/);
    assert.ok(!index.includes('"/assets/'), "no absolute asset links");
    for (const file of [
      "assets/style.css",
      "assets/uplot.iife.min.js",
      "data/sla.csv",
      "status.html",
    ])
      assert.ok(existsSync(path.join(out, file)), file);
    const overview = JSON.parse(await readFile(path.join(out, "data", "overview.json"), "utf8"));
    assert.deepEqual(overview.tiers[1].uptime, { "24h": 0, "7d": 0.5, "30d": 0.5, "90d": 0.5 });
    const id = encodeURIComponent(CHECKS.health.checkId);
    const check = await readFile(path.join(out, "data", "checks", `${id}.js`), "utf8");
    assert.ok(check.startsWith(`dashboardStatic("checks/${id}", {`), check.slice(0, 80));
    assert.ok(!check.includes("</script>"), "a closing tag in the data cannot end a script");
    assert.ok(check.includes("\\u003cscript>"), "the error's markup, escaped");
  });
});
