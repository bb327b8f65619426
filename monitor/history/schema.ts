// The history's tables. Kept out of `public` so Supabase's REST API never
// exposes them; row level security is on with no policy as a second fence (the
// monitor connects as the owner, which bypasses it).
import type pg from "pg";
import { ROLLUP_SQL } from "./rollup.ts";

export const SCHEMA = "synthetic_monitor";

const SCHEMA_SQL = `
create schema if not exists synthetic_monitor;

create table if not exists synthetic_monitor.cycles (
  run_id text primary key,
  location text not null,
  environment text not null,
  job text not null,
  started_at timestamptz not null,
  ended_at timestamptz not null,
  status text not null,
  exit_code integer,
  versions jsonb not null default '{}',
  maintenance jsonb not null default '[]',
  counts jsonb not null default '{}'
);
alter table synthetic_monitor.cycles enable row level security;
create index if not exists cycles_location_started
  on synthetic_monitor.cycles (location, started_at desc);
create index if not exists cycles_started on synthetic_monitor.cycles (started_at);

create table if not exists synthetic_monitor.results (
  run_id text not null references synthetic_monitor.cycles (run_id) on delete cascade,
  ordinal integer not null,
  check_id text not null,
  project text not null,
  file text not null,
  title text not null,
  tier text not null,
  severity text not null,
  tags text[] not null default '{}',
  status text not null,
  duration_ms double precision not null,
  retries integer not null default 0,
  error text,
  timings jsonb not null default '{}',
  started_at timestamptz not null,
  location text not null,
  primary key (run_id, ordinal)
);
alter table synthetic_monitor.results enable row level security;
-- Period queries over all checks (uptime, daily status, percentiles) read only
-- this index; per-check queries and "latest per check" walk the second.
create index if not exists results_started
  on synthetic_monitor.results (started_at) include (check_id, location, status, duration_ms);
create index if not exists results_check_started
  on synthetic_monitor.results (check_id, location, started_at desc) include (status);

-- Added with platform awareness; histories made before get the columns here.
alter table synthetic_monitor.cycles add column if not exists deploys jsonb not null default '[]';
alter table synthetic_monitor.results add column if not exists diagnosis text;
alter table synthetic_monitor.results add column if not exists test_id text;
`;

/** Creates the schema if absent; a transaction lock keeps two monitors from racing. */
export async function ensureSchema(client: pg.ClientBase): Promise<void> {
  await client.query("begin");
  try {
    await client.query("select pg_advisory_xact_lock(hashtext('synthetic_monitor.schema'))");
    await client.query(SCHEMA_SQL);
    await client.query(ROLLUP_SQL);
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  }
}
