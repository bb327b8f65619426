// What the dashboard (and the scheduler) read from the history. Every value
// is a bound parameter; optional filters are `$n is null or …` so one
// statement text serves every combination.
import type pg from "pg";
import type { Deploy } from "../../platform/index.ts";
import type { ResultStatus } from "../types.ts";

export type Queryable = pg.Pool | pg.ClientBase;
type Instant = Date | string;

/** Narrows any query to some checks and/or one location. */
export interface Filter {
  checkIds?: readonly string[] | undefined;
  location?: string | undefined;
}

export interface Period extends Filter {
  from: Instant;
  to: Instant;
}

const filterValues = (filter: Filter) => [
  filter.checkIds ? [...filter.checkIds] : null,
  filter.location ?? null,
];

// Failed means the check said the target is broken; a skipped result says nothing.
const FAILED = "status in ('failed', 'timed-out')";
const COUNTED = "status <> 'skipped'";
const HOUR_MS = 3_600_000;

/**
 * A period as whole hours (read from check_hours) plus the two partial hours
 * at its edges (read from results), so long periods stay cheap and exact.
 */
function split(period: Period): Date[] {
  const from = new Date(period.from).getTime();
  const to = new Date(period.to).getTime();
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor(to / HOUR_MS) * HOUR_MS;
  return [
    firstHour,
    lastHour,
    from,
    Math.min(firstHour, to),
    Math.max(lastHour, firstHour),
    to,
  ].map((time) => new Date(time));
}

// $1..$6 are split()'s; $7, $8 the filter's.
const IN_HOURS =
  "hour >= $1 and hour < $2 and ($7::text[] is null or check_id = any($7)) and ($8::text is null or location = $8)";
const AT_EDGES =
  "((started_at >= $3 and started_at < $4) or (started_at >= $5 and started_at < $6)) and ($7::text[] is null or check_id = any($7)) and ($8::text is null or location = $8)";

export interface Uptime {
  checkId: string;
  /** Results that said something (skipped ones excluded). */
  total: number;
  failed: number;
  /** Share of non-failed results, 0…1; null when there were none. */
  uptime: number | null;
}

export async function uptime(db: Queryable, period: Period): Promise<Uptime[]> {
  const { rows } = await db.query<{ check_id: string; total: number; failed: number }>(
    `select check_id, sum(total)::int as total, sum(failed)::int as failed
     from (
       select check_id, total, failed from synthetic_monitor.check_hours where ${IN_HOURS}
       union all
       select check_id, count(*) filter (where ${COUNTED}), count(*) filter (where ${FAILED})
       from synthetic_monitor.results where ${AT_EDGES}
       group by check_id
     ) as parts
     group by check_id order by check_id`,
    [...split(period), ...filterValues(period)],
  );
  return rows.map((row) => ({
    checkId: row.check_id,
    total: row.total,
    failed: row.failed,
    uptime: row.total === 0 ? null : (row.total - row.failed) / row.total,
  }));
}

export interface DayStatus {
  /** YYYY-MM-DD in the requested time zone. */
  day: string;
  checkId: string;
  total: number;
  failed: number;
  degraded: number;
  flaky: number;
  skipped: number;
}

export interface DailyRange extends Filter {
  /** Days back including the one `to` falls in; 90 unless told. */
  days?: number;
  to?: Instant;
  /**
   * IANA zone the days are cut in; UTC unless told. Days are made of whole
   * UTC hours, so a zone with a half-hour offset cuts them at the hour.
   */
  timeZone?: string;
}

export async function dailyStatus(db: Queryable, range: DailyRange = {}): Promise<DayStatus[]> {
  const { rows } = await db.query<{
    day: string;
    check_id: string;
    total: number;
    failed: number;
    degraded: number;
    flaky: number;
    skipped: number;
  }>(
    `select ((hour at time zone $2)::date)::text as day, check_id,
       sum(total)::int as total, sum(failed)::int as failed, sum(degraded)::int as degraded,
       sum(flaky)::int as flaky, sum(skipped)::int as skipped
     from synthetic_monitor.check_hours
     where hour >= date_trunc('day', $1::timestamptz, $2) - make_interval(days => $3 - 1)
       and hour <= $1::timestamptz
       and ($4::text[] is null or check_id = any($4)) and ($5::text is null or location = $5)
     group by 1, 2 order by 2, 1`,
    [range.to ?? new Date(), range.timeZone ?? "UTC", range.days ?? 90, ...filterValues(range)],
  );
  return rows.map((row) => ({
    day: row.day,
    checkId: row.check_id,
    total: row.total,
    failed: row.failed,
    degraded: row.degraded,
    flaky: row.flaky,
    skipped: row.skipped,
  }));
}

export interface DurationPercentiles {
  checkId: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Durations of the results that ran (skipped ones excluded), interpolated (percentile_cont). */
export async function durationPercentiles(
  db: Queryable,
  period: Period,
): Promise<DurationPercentiles[]> {
  const { rows } = await db.query<{ check_id: string; count: number; p: number[] | null }>(
    // One check at a time: 30 sorts of a month's 8,640 values beat one sort of them all.
    `with edges as materialized (
       select check_id, duration_ms from synthetic_monitor.results where ${AT_EDGES} and ${COUNTED}
     ), checks as (
       select distinct check_id from synthetic_monitor.check_hours where ${IN_HOURS}
       union
       select check_id from edges
     )
     select c.check_id, p.count, p.p
     from checks as c cross join lateral (
       select count(*)::int as count,
         percentile_cont(array[0.5, 0.95, 0.99]) within group (order by duration) as p
       from (
         select unnest(h.durations) as duration from synthetic_monitor.check_hours as h
         where h.check_id = c.check_id and h.hour >= $1 and h.hour < $2
           and ($8::text is null or h.location = $8)
         union all
         select e.duration_ms from edges as e where e.check_id = c.check_id
       ) as durations
     ) as p
     order by c.check_id`,
    [...split(period), ...filterValues(period)],
  );
  return rows.map((row) => ({
    checkId: row.check_id,
    count: row.count,
    p50: row.p?.[0] ?? Number.NaN,
    p95: row.p?.[1] ?? Number.NaN,
    p99: row.p?.[2] ?? Number.NaN,
  }));
}

export interface LatestStatus {
  checkId: string;
  location: string;
  status: ResultStatus;
  startedAt: string;
  runId: string;
}

/** Per check and location, the newest result since `since` (bounding the scan). */
export async function latestStatus(
  db: Queryable,
  query: Filter & { since: Instant },
): Promise<LatestStatus[]> {
  const { rows } = await db.query<{
    check_id: string;
    location: string;
    status: ResultStatus;
    started_at: Date;
    run_id: string;
  }>(
    `select distinct on (check_id, location) check_id, location, status, started_at, run_id
     from synthetic_monitor.results
     where started_at >= $1
       and ($2::text[] is null or check_id = any($2)) and ($3::text is null or location = $3)
     order by check_id, location, started_at desc`,
    [query.since, ...filterValues(query)],
  );
  return rows.map((row) => ({
    checkId: row.check_id,
    location: row.location,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    runId: row.run_id,
  }));
}

export interface TimingPoint {
  /** Start of the hour (UTC), ISO. */
  hour: string;
  checkId: string;
  count: number;
  avg: number;
  p95: number;
  max: number;
}

/**
 * One named timing (a key of `timings`, e.g. "home TTFB") per check, by hour:
 * every hour the period touches, whole (a chart's buckets).
 */
export async function timingSeries(
  db: Queryable,
  query: Period & { name: string },
): Promise<TimingPoint[]> {
  const { rows } = await db.query<{
    hour: Date;
    check_id: string;
    count: number;
    avg: number;
    p95: number;
    max: number;
  }>(
    `select hour, check_id, count(*)::int as count, avg(value) as avg,
       percentile_cont(0.95) within group (order by value) as p95, max(value) as max
     from (
       select t.hour, t.check_id, v.value
       from synthetic_monitor.check_hour_timings as t cross join lateral unnest(t.vals) as v(value)
       where t.name = $1 and t.hour >= date_trunc('hour', $2::timestamptz, 'UTC') and t.hour < $3
         and ($4::text[] is null or t.check_id = any($4)) and ($5::text is null or t.location = $5)
     ) as points
     group by 1, 2 order by 2, 1`,
    [query.name, query.from, query.to, ...filterValues(query)],
  );
  return rows.map((row) => ({
    hour: row.hour.toISOString(),
    checkId: row.check_id,
    count: row.count,
    avg: row.avg,
    p95: row.p95,
    max: row.max,
  }));
}

export interface CatalogEntry {
  checkId: string;
  location: string;
  project: string;
  file: string;
  title: string;
  tier: string;
  tags: string[];
  /** The newest result's, with `startedAt` and `runId`. */
  status: ResultStatus;
  startedAt: string;
  runId: string;
}

/**
 * Every check (per location) with a result since `since`, as its newest
 * result describes it. The pairs come from the hourly rollups, so each newest
 * result is one index probe however long the history.
 */
export async function checkCatalog(
  db: Queryable,
  query: Filter & { since: Instant },
): Promise<CatalogEntry[]> {
  const { rows } = await db.query<{
    check_id: string;
    location: string;
    project: string;
    file: string;
    title: string;
    tier: string;
    tags: string[];
    status: ResultStatus;
    started_at: Date;
    run_id: string;
  }>(
    `with pairs as (
       select distinct check_id, location from synthetic_monitor.check_hours
       where hour >= date_trunc('hour', $1::timestamptz, 'UTC')
         and ($2::text[] is null or check_id = any($2)) and ($3::text is null or location = $3)
     )
     select p.check_id, p.location, r.project, r.file, r.title, r.tier, r.tags, r.status,
       r.started_at, r.run_id
     from pairs as p cross join lateral (
       select project, file, title, tier, tags, status, started_at, run_id
       from synthetic_monitor.results as r
       where r.check_id = p.check_id and r.location = p.location and r.started_at >= $1
       order by r.started_at desc limit 1
     ) as r
     order by p.check_id, p.location`,
    [query.since, ...filterValues(query)],
  );
  return rows.map((row) => ({
    checkId: row.check_id,
    location: row.location,
    project: row.project,
    file: row.file,
    title: row.title,
    tier: row.tier,
    tags: row.tags,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    runId: row.run_id,
  }));
}

/** When a check's current run of failures at a location began (null when its newest result did not fail). */
export async function failingSince(
  db: Queryable,
  query: { checkId: string; location: string },
): Promise<string | null> {
  const { rows } = await db.query<{ since: Date | null }>(
    `select min(started_at) as since from synthetic_monitor.results
     where check_id = $1 and location = $2 and ${FAILED}
       and started_at > coalesce((
         select max(started_at) from synthetic_monitor.results
         where check_id = $1 and location = $2 and status in ('passed', 'flaky', 'degraded')
       ), '-infinity'::timestamptz)`,
    [query.checkId, query.location],
  );
  return rows[0]?.since?.toISOString() ?? null;
}

export interface RunRow {
  runId: string;
  startedAt: string;
  status: ResultStatus;
  durationMs: number;
  retries: number;
  location: string;
  error: string | null;
  diagnosis: string | null;
  /** The test's page in its cycle's HTML report (null for results recorded before it was kept). */
  testId: string | null;
}

/** One check's results since `since`, newest first, at most `limit`. */
export async function checkRuns(
  db: Queryable,
  query: { checkId: string; since: Instant; limit: number },
): Promise<RunRow[]> {
  const { rows } = await db.query<{
    run_id: string;
    started_at: Date;
    status: ResultStatus;
    duration_ms: number;
    retries: number;
    location: string;
    error: string | null;
    diagnosis: string | null;
    test_id: string | null;
  }>(
    `select run_id, started_at, status, duration_ms, retries, location, error, diagnosis, test_id
     from synthetic_monitor.results
     where check_id = $1 and started_at >= $2
     order by started_at desc, location limit $3`,
    [query.checkId, query.since, query.limit],
  );
  return rows.map((row) => ({
    runId: row.run_id,
    startedAt: row.started_at.toISOString(),
    status: row.status,
    durationMs: row.duration_ms,
    retries: row.retries,
    location: row.location,
    error: row.error,
    diagnosis: row.diagnosis,
    testId: row.test_id,
  }));
}

export interface DayPercentiles {
  day: string;
  checkId: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Duration percentiles per UTC day (from the hourly rollups), oldest first. */
export async function dailyPercentiles(
  db: Queryable,
  query: Filter & { days: number; to?: Instant },
): Promise<DayPercentiles[]> {
  const { rows } = await db.query<{ day: string; check_id: string; count: number; p: number[] }>(
    `select ((hour at time zone 'UTC')::date)::text as day, check_id, count(*)::int as count,
       percentile_cont(array[0.5, 0.95, 0.99]) within group (order by duration) as p
     from synthetic_monitor.check_hours as h cross join lateral unnest(h.durations) as d(duration)
     where hour >= date_trunc('day', $1::timestamptz, 'UTC') - make_interval(days => $2 - 1)
       and hour <= $1::timestamptz
       and ($3::text[] is null or check_id = any($3)) and ($4::text is null or location = $4)
     group by 1, 2 order by 2, 1`,
    [query.to ?? new Date(), query.days, ...filterValues(query)],
  );
  return rows.map((row) => ({
    day: row.day,
    checkId: row.check_id,
    count: row.count,
    p50: row.p[0] ?? Number.NaN,
    p95: row.p[1] ?? Number.NaN,
    p99: row.p[2] ?? Number.NaN,
  }));
}

/** Percentiles of every duration of the checks in `period` together (a tier's p95). */
export async function pooledPercentiles(
  db: Queryable,
  period: Period,
): Promise<{ count: number; p50: number | null; p95: number | null; p99: number | null }> {
  const { rows } = await db.query<{ count: number; p: number[] | null }>(
    `select count(*)::int as count,
       percentile_cont(array[0.5, 0.95, 0.99]) within group (order by duration) as p
     from (
       select unnest(durations) as duration from synthetic_monitor.check_hours where ${IN_HOURS}
       union all
       select duration_ms from synthetic_monitor.results where ${AT_EDGES} and ${COUNTED}
     ) as durations`,
    [...split(period), ...filterValues(period)],
  );
  const row = rows[0];
  return {
    count: row?.count ?? 0,
    p50: row?.p?.[0] ?? null,
    p95: row?.p?.[1] ?? null,
    p99: row?.p?.[2] ?? null,
  };
}

export interface FailedHour {
  hour: string;
  checkId: string;
  failed: number;
}

/** The hours in which a check failed (any location), oldest first. */
export async function failedHours(db: Queryable, period: Period): Promise<FailedHour[]> {
  const { rows } = await db.query<{ hour: Date; check_id: string; failed: number }>(
    `select hour, check_id, sum(failed)::int as failed from synthetic_monitor.check_hours
     where hour >= date_trunc('hour', $1::timestamptz, 'UTC') and hour < $2 and failed > 0
       and ($3::text[] is null or check_id = any($3)) and ($4::text is null or location = $4)
     group by 1, 2 order by 1, 2`,
    [period.from, period.to, ...filterValues(period)],
  );
  return rows.map((row) => ({
    hour: row.hour.toISOString(),
    checkId: row.check_id,
    failed: row.failed,
  }));
}

export interface ResultMark {
  checkId: string;
  startedAt: string;
  failed: boolean;
}

/** Which results failed in a short span (an incident's edges), oldest first. */
export async function resultMarks(db: Queryable, period: Period): Promise<ResultMark[]> {
  const { rows } = await db.query<{ check_id: string; started_at: Date; failed: boolean }>(
    `select check_id, started_at, ${FAILED} as failed from synthetic_monitor.results
     where started_at >= $1 and started_at < $2 and ${COUNTED}
       and ($3::text[] is null or check_id = any($3)) and ($4::text is null or location = $4)
     order by started_at`,
    [period.from, period.to, ...filterValues(period)],
  );
  return rows.map((row) => ({
    checkId: row.check_id,
    startedAt: row.started_at.toISOString(),
    failed: row.failed,
  }));
}

export interface CycleMark {
  runId: string;
  location: string;
  startedAt: string;
  endedAt: string;
  status: string;
  versions: Record<string, string>;
  maintenance: Array<{ id: string; effect: "pause" | "silence" }>;
  /** The versions of the location's cycle before (null for the first in the period). */
  previousVersions: Record<string, string> | null;
}

/**
 * The cycles of a period that matter on a timeline: where the versions changed
 * from the location's previous cycle, and those in a maintenance window or paused.
 */
export async function cycleMarks(db: Queryable, period: Period): Promise<CycleMark[]> {
  const { rows } = await db.query<{
    run_id: string;
    location: string;
    started_at: Date;
    ended_at: Date;
    status: string;
    versions: Record<string, string>;
    maintenance: CycleMark["maintenance"];
    previous: Record<string, string> | null;
  }>(
    `select * from (
       select run_id, location, started_at, ended_at, status, versions, maintenance,
         lag(versions) over (partition by location order by started_at) as previous
       from synthetic_monitor.cycles
       where started_at >= $1 and started_at < $2 and ($3::text is null or location = $3)
     ) as c
     where previous is distinct from versions or maintenance <> '[]'::jsonb or status = 'paused'
     order by started_at`,
    [period.from, period.to, period.location ?? null],
  );
  return rows.map((row) => ({
    runId: row.run_id,
    location: row.location,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at.toISOString(),
    status: row.status,
    versions: row.versions,
    maintenance: row.maintenance,
    previousVersions: row.previous,
  }));
}

/** The platforms' deploys the cycles of a period saw, each once (by platform and id). */
export async function seenDeploys(db: Queryable, period: Period): Promise<Deploy[]> {
  const { rows } = await db.query<{ deploy: Deploy }>(
    `select distinct on (d->>'platform', d->>'id') d as deploy
     from synthetic_monitor.cycles as c cross join lateral jsonb_array_elements(c.deploys) as d
     where c.started_at >= $1 and c.started_at < $2 and jsonb_typeof(c.deploys) = 'array'
       and ($3::text is null or c.location = $3)
     order by d->>'platform', d->>'id'`,
    [period.from, period.to, period.location ?? null],
  );
  return rows.map((row) => row.deploy);
}

/** The newest cycle (any location), or null. */
export async function newestCycle(
  db: Queryable,
): Promise<{ runId: string; endedAt: string; status: string } | null> {
  const { rows } = await db.query<{ run_id: string; ended_at: Date; status: string }>(
    "select run_id, ended_at, status from synthetic_monitor.cycles order by started_at desc limit 1",
  );
  const row = rows[0];
  return row
    ? { runId: row.run_id, endedAt: row.ended_at.toISOString(), status: row.status }
    : null;
}

/** Distinct timing names recorded since `since`. */
export async function timingNames(db: Queryable, query: { since: Instant }): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select distinct name from synthetic_monitor.check_hour_timings
     where hour >= date_trunc('hour', $1::timestamptz, 'UTC') order by name`,
    [query.since],
  );
  return rows.map((row) => row.name);
}
