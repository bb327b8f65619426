// Hourly summaries per check and location (synthetic_monitor.check_hours),
// so the dashboard's long periods read ~720 rows per check a month instead of
// every result. Rebuilt from the results of the hours a write or prune
// touched, never incremented: a replaced or re-flushed cycle cannot count twice.
import type { Queryable } from "./queries.ts";

export const ROLLUP_SQL = `
create table if not exists synthetic_monitor.check_hours (
  hour timestamptz not null,
  check_id text not null,
  location text not null,
  total integer not null,
  failed integer not null,
  degraded integer not null,
  flaky integer not null,
  skipped integer not null,
  -- The durations of the hour's results that ran, for exact percentiles.
  durations double precision[] not null,
  primary key (hour, check_id, location)
);
alter table synthetic_monitor.check_hours enable row level security;
create index if not exists check_hours_check on synthetic_monitor.check_hours (check_id, hour);

-- A named timing's values of the hour (arrays of numbers read faster than jsonb).
create table if not exists synthetic_monitor.check_hour_timings (
  hour timestamptz not null,
  check_id text not null,
  location text not null,
  name text not null,
  vals double precision[] not null,
  primary key (hour, check_id, location, name)
);
alter table synthetic_monitor.check_hour_timings enable row level security;
create index if not exists check_hour_timings_name
  on synthetic_monitor.check_hour_timings (name, hour);
`;

const DELETE_HOURS = ["check_hours", "check_hour_timings"].map(
  (table) => `
delete from synthetic_monitor.${table}
where hour >= date_trunc('hour', $1::timestamptz, 'UTC') and hour < $2::timestamptz
  and ($3::text is null or location = $3)`,
);

/** Deletes the summaries of the hours wholly before `cutoff`. */
export const PRUNE_HOURS = ["check_hours", "check_hour_timings"].map(
  (table) =>
    `delete from synthetic_monitor.${table} where hour < date_trunc('hour', $1::timestamptz, 'UTC')`,
);

const INSERT_TIMINGS = `
insert into synthetic_monitor.check_hour_timings (hour, check_id, location, name, vals)
select date_trunc('hour', r.started_at, 'UTC'), r.check_id, r.location, e.key,
  array_agg((e.value #>> '{}')::double precision)
from synthetic_monitor.results as r cross join lateral jsonb_each(r.timings) as e
where r.started_at >= date_trunc('hour', $1::timestamptz, 'UTC') and r.started_at < $2::timestamptz
  and ($3::text is null or r.location = $3)
  and r.status <> 'skipped' and jsonb_typeof(e.value) = 'number'
group by 1, 2, 3, 4`;

const INSERT_HOURS = `
insert into synthetic_monitor.check_hours
  (hour, check_id, location, total, failed, degraded, flaky, skipped, durations)
select date_trunc('hour', started_at, 'UTC'), check_id, location,
  count(*) filter (where status <> 'skipped'),
  count(*) filter (where status in ('failed', 'timed-out')),
  count(*) filter (where status = 'degraded'),
  count(*) filter (where status = 'flaky'),
  count(*) filter (where status = 'skipped'),
  coalesce(array_agg(duration_ms) filter (where status <> 'skipped'), '{}')
from synthetic_monitor.results
where started_at >= date_trunc('hour', $1::timestamptz, 'UTC') and started_at < $2::timestamptz
  and ($3::text is null or location = $3)
group by 1, 2, 3`;

/**
 * Rebuilds the summaries of the hours from `from`'s hour up to `to` (of one
 * location, or all). Run it inside the transaction that changed the results.
 */
export async function refreshHours(
  db: Queryable,
  from: Date | string,
  to: Date | string,
  location: string | null,
): Promise<void> {
  for (const sql of [...DELETE_HOURS, INSERT_HOURS, INSERT_TIMINGS]) {
    await db.query(sql, [from, to, location]);
  }
}

/** The end of the hour `instant` falls in. */
export function endOfHour(instant: Date | string): Date {
  const time = new Date(instant).getTime();
  return new Date(Math.floor(time / 3_600_000) * 3_600_000 + 3_600_000);
}
