// `tsx bench/monitor-history.ts`: the run history at full size (90 days, 30
// checks every 5 minutes, in a throw-away embedded Postgres): how long a
// cycle's write takes and each dashboard query, against the goal "each query
// under 100 ms p95". Prints numbers only: a goal missed is reported, never an exit code.
import { cpus } from "node:os";
import pg from "pg";
import { HistoryStore, queries } from "../monitor/history/index.ts";
import { refreshHours } from "../monitor/history/rollup.ts";
import type { CycleRecord, ResultRecord } from "../monitor/types.ts";
import { startPostgres } from "../stack/index.ts";

const DAYS = 90;
const CHECKS = 30;
const EVERY_MINUTES = 5;
const CYCLES = (DAYS * 24 * 60) / EVERY_MINUTES;
const WRITES = 50;
const RUNS = 20;
const GOAL_P95_MS = 100;
const LOCATION = "bench-eu";
const DAY_MS = 86_400_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function time(work: () => Promise<unknown>, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times;
}

// Every cycle and result in two statements, so seeding is Postgres's work alone.
const SEED_CYCLES = `
insert into synthetic_monitor.cycles
  (run_id, location, environment, job, started_at, ended_at, status, exit_code, versions, counts)
select 'bench-' || n, $1, 'production', 'default', t, t + interval '40 seconds',
  'passed', 0, '{"backend": "abc1234"}', '{}'
from generate_series(1, $2::int) as n,
  lateral (select now() - n * make_interval(mins => $3) as t) as at`;

const SEED_RESULTS = `
insert into synthetic_monitor.results
  (run_id, ordinal, check_id, project, file, title, tier, severity, tags, status,
   duration_ms, retries, timings, started_at, location)
select 'bench-' || n, c, 'api › check-' || c, 'api', 'tests/check-' || c || '.spec.ts',
  'check ' || c, 'api', case when c < 5 then 'critical' else 'warning' end, '{@smoke}',
  case when r < 0.01 then 'failed' when r < 0.02 then 'flaky' when r < 0.05 then 'degraded'
       else 'passed' end,
  200 + random() * 800, 0, jsonb_build_object('home TTFB', 50 + random() * 300), t, $1
from generate_series(1, $2::int) as n,
  lateral (select now() - n * make_interval(mins => $3) as t) as at,
  generate_series(0, $4::int - 1) as c,
  lateral (select random() as r) as roll`;

function cycle(index: number): CycleRecord {
  const startedAt = new Date(Date.now() + index * 1000);
  const results: ResultRecord[] = Array.from({ length: CHECKS }, (_, c) => ({
    checkId: `api › check-${c}`,
    project: "api",
    file: `tests/check-${c}.spec.ts`,
    title: `check ${c}`,
    tier: "api",
    severity: c < 5 ? "critical" : "warning",
    tags: ["@smoke"],
    status: "passed",
    durationMs: 200 + c,
    retries: 0,
    timings: { "home TTFB": 120 },
  }));
  return {
    runId: `bench-write-${index}`,
    location: LOCATION,
    environment: "production",
    job: "default",
    startedAt: startedAt.toISOString(),
    endedAt: new Date(startedAt.getTime() + 40_000).toISOString(),
    status: "passed",
    exitCode: 0,
    versions: { backend: "abc1234" },
    maintenance: [],
    results,
  };
}

const server = await startPostgres();
const store = new HistoryStore(server.url);
try {
  const seedStart = performance.now();
  await store.run(async () => {});
  // Seeding outlasts the store's query timeout: its own connection, none.
  const seeder = new pg.Client({ connectionString: server.url });
  await seeder.connect();
  try {
    await seeder.query(SEED_CYCLES, [LOCATION, CYCLES, EVERY_MINUTES]);
    await seeder.query(SEED_RESULTS, [LOCATION, CYCLES, EVERY_MINUTES, CHECKS]);
    await refreshHours(seeder, new Date(Date.now() - (DAYS + 1) * DAY_MS), new Date(), LOCATION);
    await seeder.query("vacuum analyze synthetic_monitor.cycles");
    await seeder.query("vacuum analyze synthetic_monitor.check_hours");
    await seeder.query("vacuum analyze synthetic_monitor.check_hour_timings");
    await seeder.query("vacuum analyze synthetic_monitor.results");
  } finally {
    await seeder.end();
  }
  const seedMs = performance.now() - seedStart;
  const counts = await store.run(async (db) => {
    const { rows } = await db.query<{ cycles: number; results: number }>(
      `select (select count(*) from synthetic_monitor.cycles)::int as cycles,
              (select count(*) from synthetic_monitor.results)::int as results`,
    );
    return rows[0];
  });

  console.log(`monitor history bench: ${cpus().length} CPUs, embedded PostgreSQL`);
  console.log(
    `seeded ${counts?.cycles} cycles, ${counts?.results} results (${DAYS} days, ${CHECKS} checks every ${EVERY_MINUTES} min) in ${(seedMs / 1000).toFixed(1)} s`,
  );

  let written = 0;
  const writes = await time(() => store.write(cycle(written++)), WRITES);
  console.log(
    `write one cycle of ${CHECKS} results: p50 ${percentile(writes, 50).toFixed(1)} ms, p95 ${percentile(writes, 95).toFixed(1)} ms (${WRITES} writes)`,
  );

  const now = Date.now();
  const since = (days: number) => new Date(now - days * DAY_MS);
  const to = new Date(now + DAY_MS);
  const dashboard: Array<[string, () => Promise<unknown>]> = [
    ["uptime, 24 h", () => store.run((db) => queries.uptime(db, { from: since(1), to }))],
    ["uptime, 30 days", () => store.run((db) => queries.uptime(db, { from: since(30), to }))],
    ["uptime, 90 days", () => store.run((db) => queries.uptime(db, { from: since(90), to }))],
    ["daily status, 90 days", () => store.run((db) => queries.dailyStatus(db, { days: 90 }))],
    [
      "daily status, 90 days, one check",
      () => store.run((db) => queries.dailyStatus(db, { days: 90, checkIds: ["api › check-7"] })),
    ],
    [
      "duration p50/p95/p99, 24 h",
      () => store.run((db) => queries.durationPercentiles(db, { from: since(1), to })),
    ],
    [
      "duration p50/p95/p99, 7 days",
      () => store.run((db) => queries.durationPercentiles(db, { from: since(7), to })),
    ],
    [
      "duration p50/p95/p99, 30 days",
      () => store.run((db) => queries.durationPercentiles(db, { from: since(30), to })),
    ],
    [
      "latest status per check (since 1 h)",
      () => store.run((db) => queries.latestStatus(db, { since: new Date(now - 3_600_000) })),
    ],
    [
      "latest status per check (since 24 h)",
      () => store.run((db) => queries.latestStatus(db, { since: since(1) })),
    ],
    [
      "timing series by hour, 24 h",
      () => store.run((db) => queries.timingSeries(db, { name: "home TTFB", from: since(1), to })),
    ],
    [
      "timing series by hour, 7 days",
      () => store.run((db) => queries.timingSeries(db, { name: "home TTFB", from: since(7), to })),
    ],
    [
      "timing series by hour, 7 days, one check",
      () =>
        store.run((db) =>
          queries.timingSeries(db, {
            name: "home TTFB",
            from: since(7),
            to,
            checkIds: ["api › check-7"],
          }),
        ),
    ],
    ["last cycle of a location", () => store.lastCycle(LOCATION)],
  ];
  console.log(`dashboard queries, ${RUNS} runs each (goal: p95 under ${GOAL_P95_MS} ms):`);
  for (const [label, query] of dashboard) {
    await query();
    const times = await time(query, RUNS);
    const p95 = percentile(times, 95);
    console.log(
      `  ${label.padEnd(44)} p50 ${percentile(times, 50).toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms  ${p95 <= GOAL_P95_MS ? "within goal" : "OVER GOAL"}`,
    );
  }
  const pruneStart = performance.now();
  const pruned = await store.prune(DAYS - 1);
  console.log(
    `prune one day (${pruned} cycles): ${(performance.now() - pruneStart).toFixed(0)} ms`,
  );
} finally {
  await store.close();
  await server.stop();
}
