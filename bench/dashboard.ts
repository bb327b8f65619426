// `npm run bench:dashboard`: the dashboard over a full-size history (90 days,
// 30 checks every 5 minutes, ~780,000 results, seeded by dashboard/test/seed.ts
// into a throw-away embedded Postgres), served as the monitor serves it (its
// HTTP server with the dashboard mounted): p50/p95 of each page's JSON over
// loopback, and the overview's page weight. Goal (issue 15): p95 under 200 ms
// each, the overview under 300 KB. Prints numbers only: a goal missed is
// reported, never an exit code.
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createDashboard } from "../dashboard/index.ts";
import { seedHistory } from "../dashboard/test/seed.ts";
import { defineMonitor } from "../monitor/config-schema.ts";
import { HistoryStore } from "../monitor/history/index.ts";
import { startMonitorServer } from "../monitor/server.ts";
import { startPostgres } from "../stack/index.ts";

const DAYS = 90;
const CHECKS = 30;
const EVERY_MINUTES = 5;
const RUNS = 30;
const WARM_UP = 3;
const GOAL_P95_MS = 200;
const GOAL_WEIGHT_BYTES = 300 * 1024;
const TOKEN = "bench-dashboard-token";

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const auth = { authorization: `Bearer ${TOKEN}` };

async function get(url: string): Promise<{ status: number; bytes: number }> {
  const response = await fetch(url, { headers: auth });
  const body = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, bytes: body.byteLength };
}

/** The overview's HTML and every stylesheet and script it names (what a first visit downloads). */
async function pageWeight(base: string, route: string) {
  const response = await fetch(`${base}${route}`, { headers: auth });
  const html = await response.text();
  const assets = [...html.matchAll(/<(?:link[^>]+href|script[^>]+src)="([^"]+)"/g)].map(
    (m) => m[1] as string,
  );
  const sizes = await Promise.all(assets.map((asset) => get(new URL(asset, base).href)));
  const missing = assets.filter((_, i) => sizes[i]?.status !== 200);
  return {
    html: Buffer.byteLength(html),
    assets: sizes.reduce((sum, s) => sum + s.bytes, 0),
    count: assets.length,
    missing,
  };
}

const dir = await mkdtemp(path.join(tmpdir(), "bench-dashboard-"));
const database = await startPostgres();
const store = new HistoryStore(database.url);
try {
  console.log(`dashboard bench: ${cpus().length} CPUs, embedded PostgreSQL`);
  const summary = await seedHistory(store, {
    days: DAYS,
    checks: CHECKS,
    everyMinutes: EVERY_MINUTES,
    now: Date.now(),
    seed: 15,
    journalPath: path.join(dir, "alerts", "journal.jsonl"),
  });
  console.log(
    `seeded ${summary.cycles} cycles, ${summary.results} results (${DAYS} days, ${CHECKS} checks every ${EVERY_MINUTES} min) and ${summary.journal.entries.length} journal lines in ${(summary.seedMs / 1000).toFixed(1)} s`,
  );
  // A long-lived history's tables are vacuumed (index-only scans need the visibility map).
  const vacuumStart = performance.now();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (const table of ["cycles", "results", "check_hours", "check_hour_timings"])
      await client.query(`vacuum analyze synthetic_monitor.${table}`);
  } finally {
    await client.end();
  }
  console.log(`vacuum analyze: ${((performance.now() - vacuumStart) / 1000).toFixed(1)} s`);

  const dashboard = createDashboard({
    source: {
      history: store,
      maintenance: defineMonitor({ maintenance: summary.windows }).maintenance,
      alerts: {
        journalPath: path.join(dir, "alerts", "journal.jsonl"),
        state: { kind: "file", path: path.join(dir, "alerts", "state.json") },
        silences: [],
      },
      monitorDir: dir,
    },
    token: TOKEN,
    host: "127.0.0.1",
  });
  const server = await startMonitorServer({
    port: 0,
    metrics: { text: async () => "", contentType: "text/plain" },
    health: () => ({ overdue: false, lastCycle: null, nextDueAt: null, overdueAfter: null }),
    dashboard,
  });
  try {
    const health = summary.checks.find((c) => c.role === "health") ?? summary.checks[0];
    const check = `/api/checks/${encodeURIComponent(health?.checkId ?? "")}`;
    const routes: Array<[string, string, boolean]> = [
      ["/api/overview", "overview", true],
      [check, "a check (7 days)", true],
      ["/api/timings", "timings (7 days)", true],
      [`${check}?days=90`, "a check, 90 days", false],
      ["/api/timings?days=90", "timings, 90 days", false],
      ["/api/incidents?days=90", "incidents, 90 days", false],
      ["/api/sla", "SLA, 30 days", false],
      ["/api/status", "public status", false],
    ];
    console.log(
      `server time over loopback, ${RUNS} requests each after ${WARM_UP} (goal: p95 under ${GOAL_P95_MS} ms for the first three):`,
    );
    for (const [route, label, goal] of routes) {
      let bytes = 0;
      for (let i = 0; i < WARM_UP; i++) {
        const warm = await get(`${server.url}${route}`);
        if (warm.status !== 200) throw new Error(`${route} answered ${warm.status}`);
        bytes = warm.bytes;
      }
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        await get(`${server.url}${route}`);
        times.push(performance.now() - start);
      }
      const p95 = percentile(times, 95);
      const verdict = goal ? (p95 <= GOAL_P95_MS ? "within goal" : "OVER GOAL") : "";
      console.log(
        `  ${label.padEnd(20)} p50 ${percentile(times, 50).toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms  ${kb(bytes).padStart(9)}  ${verdict}`,
      );
    }
    const weight = await pageWeight(server.url, "/");
    const data = await get(`${server.url}/api/overview`);
    // Everything the browser downloads to show the overview: the page, its assets and its data.
    const total = weight.html + weight.assets + data.bytes;
    console.log(
      `overview page weight: ${kb(total)} (HTML ${kb(weight.html)} + ${weight.count} assets ${kb(weight.assets)} + its data /api/overview ${kb(data.bytes)}${weight.missing.length ? `; missing: ${weight.missing.join(", ")}` : ""}); goal under ${kb(GOAL_WEIGHT_BYTES)}: ${total <= GOAL_WEIGHT_BYTES ? "within goal" : "OVER GOAL"}`,
    );
  } finally {
    await server.close();
  }
} finally {
  await store.close();
  await database.stop();
  await rm(dir, { recursive: true, force: true });
}
