// CycleRecord ⇄ table rows. Results travel to Postgres as one JSON parameter
// (jsonb_to_recordset), so a cycle of any size is one statement with one bound value.
import type { Deploy } from "../../platform/index.ts";
import type { CycleRecord, CycleStatus, ResultRecord, ResultStatus } from "../types.ts";
import { countsOf } from "../types.ts";

export const UPSERT_CYCLE = `
insert into synthetic_monitor.cycles
  (run_id, location, environment, job, started_at, ended_at, status, exit_code, versions, maintenance, counts, deploys)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
on conflict (run_id) do update set
  location = excluded.location, environment = excluded.environment, job = excluded.job,
  started_at = excluded.started_at, ended_at = excluded.ended_at, status = excluded.status,
  exit_code = excluded.exit_code, versions = excluded.versions,
  maintenance = excluded.maintenance, counts = excluded.counts, deploys = excluded.deploys`;

export const DELETE_RESULTS = "delete from synthetic_monitor.results where run_id = $1";

export const INSERT_RESULTS = `
insert into synthetic_monitor.results
  (run_id, ordinal, check_id, project, file, title, tier, severity, tags, status,
   duration_ms, retries, error, timings, started_at, location, diagnosis, test_id)
select $1, r.ordinal, r.check_id, r.project, r.file, r.title, r.tier, r.severity,
  coalesce(r.tags, '{}'), r.status, r.duration_ms, coalesce(r.retries, 0), r.error,
  coalesce(r.timings, '{}'), $2, $3, r.diagnosis, r.test_id
from jsonb_to_recordset($4::jsonb) as r(
  ordinal integer, check_id text, project text, file text, title text, tier text,
  severity text, tags text[], status text, duration_ms double precision, retries integer,
  error text, timings jsonb, diagnosis text, test_id text)`;

export function cycleValues(cycle: CycleRecord): unknown[] {
  return [
    cycle.runId,
    cycle.location,
    cycle.environment,
    cycle.job,
    cycle.startedAt,
    cycle.endedAt,
    cycle.status,
    cycle.exitCode,
    JSON.stringify(cycle.versions),
    JSON.stringify(cycle.maintenance),
    JSON.stringify(countsOf(cycle)),
    JSON.stringify(cycle.deploys ?? []),
  ];
}

export function resultsJson(results: readonly ResultRecord[]): string {
  return JSON.stringify(
    results.map((result, ordinal) => ({
      ordinal,
      check_id: result.checkId,
      project: result.project,
      file: result.file,
      title: result.title,
      tier: result.tier,
      severity: result.severity,
      tags: result.tags,
      status: result.status,
      duration_ms: result.durationMs,
      retries: result.retries,
      error: result.error ?? null,
      timings: result.timings,
      diagnosis: result.diagnosis ?? null,
      test_id: result.testId ?? null,
    })),
  );
}

export interface CycleRow {
  run_id: string;
  location: string;
  environment: string;
  job: string;
  started_at: Date;
  ended_at: Date;
  status: string;
  exit_code: number | null;
  versions: Record<string, string>;
  maintenance: CycleRecord["maintenance"];
  deploys?: Deploy[] | null;
}

export interface ResultRow {
  check_id: string;
  project: string;
  file: string;
  title: string;
  tier: string;
  severity: string;
  tags: string[];
  status: string;
  duration_ms: number;
  retries: number;
  error: string | null;
  timings: Record<string, number>;
  diagnosis?: string | null;
  test_id?: string | null;
}

export function cycleFromRows(cycle: CycleRow, results: readonly ResultRow[]): CycleRecord {
  return {
    runId: cycle.run_id,
    location: cycle.location,
    environment: cycle.environment,
    job: cycle.job,
    startedAt: cycle.started_at.toISOString(),
    endedAt: cycle.ended_at.toISOString(),
    status: cycle.status as CycleStatus,
    exitCode: cycle.exit_code,
    versions: cycle.versions,
    maintenance: cycle.maintenance,
    ...(cycle.deploys && cycle.deploys.length > 0 ? { deploys: cycle.deploys } : {}),
    results: results.map((row) => ({
      checkId: row.check_id,
      project: row.project,
      file: row.file,
      title: row.title,
      tier: row.tier,
      severity: row.severity as ResultRecord["severity"],
      tags: row.tags,
      status: row.status as ResultStatus,
      durationMs: row.duration_ms,
      retries: row.retries,
      ...(row.error === null ? {} : { error: row.error }),
      timings: row.timings,
      ...(row.diagnosis ? { diagnosis: row.diagnosis } : {}),
      ...(row.test_id ? { testId: row.test_id } : {}),
    })),
  };
}
