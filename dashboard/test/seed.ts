// A generated run history for the dashboard's tests and bench: `days` of
// cycles of `checks` checks every `everyMinutes`, ending at `now`, with the
// story of support/seed-story.ts (incidents, slow spells, a maintenance pause
// and a silence, deploys and version changes) over seeded random noise
// (isolated failures, timeouts, flaky and degraded runs, skips). Written with
// the history's own statements and rollup (monitor/history/rows.ts,
// rollup.ts), a day per transaction rather than a cycle, so 780,000 results
// take seconds, not minutes; the seed's test shows the rollups equal those
// HistoryStore.write makes. The summary lets a test work out every figure
// itself instead of trusting the dashboard's queries.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type { JournalEntry } from "../../alerts/journal.ts";
import type { HistoryStore } from "../../monitor/history/index.ts";
import { endOfHour, refreshHours } from "../../monitor/history/rollup.ts";
import {
  cycleValues,
  DELETE_RESULTS,
  INSERT_RESULTS,
  resultsJson,
  UPSERT_CYCLE,
} from "../../monitor/history/rows.ts";
import type { CycleRecord, ResultStatus } from "../../monitor/types.ts";
import type { Deploy } from "../../platform/index.ts";
import {
  PUBLIC_TAG,
  type SeededCheck,
  type SeedProject,
  seededChecks,
  XSS_ERROR,
} from "./support/seed-checks.ts";
import { type CyclePlan, cyclesOf, incidentHits, prng } from "./support/seed-cycles.ts";
import {
  type ExpectedAlert,
  type SeededRun,
  seededAlertState,
  seededJournal,
} from "./support/seed-journal.ts";
import {
  BLIP_ERRORS,
  FLAKY_ERROR,
  INCIDENTS,
  storyDeploys,
  WINDOWS,
} from "./support/seed-story.ts";

export type { SeededCheck, SeedProject } from "./support/seed-checks.ts";
export { PUBLIC_TAG, XSS_ERROR } from "./support/seed-checks.ts";
export type { ExpectedAlert, ExpectedNotification, SeededRun } from "./support/seed-journal.ts";

// Two days written at once: Postgres works on one while the next is generated and sent.
const WRITERS = 2;

export interface SeedOptions {
  days: number;
  checks: number;
  everyMinutes: number;
  /** The history ends half an interval before this (epoch ms or Date). */
  now: number | Date;
  seed: number;
  location?: string;
  environment?: string;
  /** Where to write the alert journal of the incidents (the monitor's ALERT_JOURNAL_PATH). */
  journalPath?: string;
  /** Where to write the alert state the incidents leave (ALERT_STATE_PATH, a file store). */
  statePath?: string;
}

export interface Tally {
  /** Results that said something (skipped excluded). */
  total: number;
  /** failed or timed-out. */
  failed: number;
  degraded: number;
  flaky: number;
  skipped: number;
}

/** A maintenance window as the monitor config declares it (monitor/config-schema.ts). */
export interface SeededWindow {
  id: string;
  effect: "pause" | "silence";
  scope: { projects?: SeedProject[] };
  when: { startsAt: number; endsAt: number };
  comment: string;
}

export interface SeededIncident {
  id: string;
  effect: "failed" | "degraded";
  checkIds: string[];
  startsAt: number;
  /** null: still going on at `now`. */
  endsAt: number | null;
  error: string | null;
}

export interface SeedSummary {
  now: number;
  days: number;
  everyMinutes: number;
  location: string;
  environment: string;
  checks: SeededCheck[];
  /** Every cycle, oldest first, with each check's status by its index in `checks`. */
  runs: SeededRun[];
  cycles: number;
  results: number;
  /** Results per UTC day (YYYY-MM-DD) and project. */
  byDay: Record<string, Partial<Record<SeedProject, Tally>>>;
  incidents: SeededIncident[];
  windows: SeededWindow[];
  deploys: Deploy[];
  /** The check tagged @public (the only title the status page may show). */
  publicCheck: SeededCheck;
  /** The check that fails with XSS_ERROR. */
  xssCheck: SeededCheck;
  /** Every error text any result carries (none may reach the status page). */
  errors: string[];
  journal: { path: string | null; entries: JournalEntry[]; alerts: ExpectedAlert[] };
  seedMs: number;
}

export const emptyTally = (): Tally => ({ total: 0, failed: 0, degraded: 0, flaky: 0, skipped: 0 });

export function addTo(tally: Tally, status: ResultStatus): void {
  if (status === "skipped") tally.skipped += 1;
  else {
    tally.total += 1;
    if (status === "failed" || status === "timed-out") tally.failed += 1;
    else if (status === "degraded") tally.degraded += 1;
    else if (status === "flaky") tally.flaky += 1;
  }
}

function planOf(options: SeedOptions, checks: SeededCheck[]): CyclePlan {
  const { days, everyMinutes, seed } = options;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days: ${days}`);
  if (!Number.isInteger(everyMinutes) || everyMinutes < 1 || 1_440 % everyMinutes !== 0)
    throw new RangeError(`everyMinutes must divide a day: ${everyMinutes}`);
  const now = new Date(options.now).getTime();
  return {
    now,
    everyMinutes,
    count: (days * 1_440) / everyMinutes,
    location: options.location ?? "eu-west",
    environment: options.environment ?? "production",
    runPrefix: `sd${(seed >>> 0).toString(36)}x`,
    checks,
    deploys: storyDeploys(now),
    random: prng(seed),
  };
}

/** The cycles a seed makes, without writing them (for tests of the generator itself). */
export function* seededCycles(options: SeedOptions): Generator<CycleRecord> {
  const checks = seededChecks(options.checks, options.environment ?? "production");
  yield* cyclesOf(planOf(options, checks));
}

async function writeDay(pool: pg.Pool, cycles: CycleRecord[], location: string) {
  const first = cycles[0];
  const last = cycles.at(-1);
  if (!first || !last) return;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("begin");
    for (const cycle of cycles) {
      await client.query(UPSERT_CYCLE, cycleValues(cycle));
      await client.query(DELETE_RESULTS, [cycle.runId]);
      if (cycle.results.length > 0)
        await client.query(INSERT_RESULTS, [
          cycle.runId,
          cycle.startedAt,
          cycle.location,
          resultsJson(cycle.results),
        ]);
    }
    // The day's hours at once: the statement HistoryStore.write runs for each cycle's hour.
    await refreshHours(client, first.startedAt, endOfHour(last.startedAt), location);
    await client.query("commit");
  } catch (error) {
    broken = error as Error;
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Seeds `store`'s database (its schema made if absent) and says what it wrote. */
export async function seedHistory(store: HistoryStore, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const environment = options.environment ?? "production";
  const checks = seededChecks(options.checks, environment);
  const plan = planOf(options, checks);
  const runs: SeededRun[] = [];
  const byDay: SeedSummary["byDay"] = {};
  const errors = new Set<string>();
  let results = 0;

  await store.run(async (db) => {
    if (!(db instanceof pg.Pool)) throw new Error("seedHistory needs the store's pool");
    const writing = new Set<Promise<void>>();
    const failures: unknown[] = [];
    const send = (batch: CycleRecord[]) => {
      const write: Promise<void> = writeDay(db, batch, plan.location)
        .catch((error: unknown) => void failures.push(error))
        .finally(() => writing.delete(write));
      writing.add(write);
    };
    let batch: CycleRecord[] = [];
    let batchDay = "";
    for (const cycle of cyclesOf(plan)) {
      const day = cycle.startedAt.slice(0, 10);
      if (day !== batchDay && batch.length > 0) {
        send(batch);
        batch = [];
        if (writing.size >= WRITERS) await Promise.race(writing);
        if (failures.length > 0) break;
      }
      batchDay = day;
      batch.push(cycle);
      const index = new Map(cycle.results.map((r) => [r.checkId, r.status]));
      runs.push({
        runId: cycle.runId,
        startedAt: Date.parse(cycle.startedAt),
        endedAt: Date.parse(cycle.endedAt),
        status: cycle.status,
        maintenance: cycle.maintenance.map((m) => m.id),
        results: checks.map((check) => index.get(check.checkId) ?? null),
      });
      const tallies = byDay[day] ?? {};
      byDay[day] = tallies;
      for (const result of cycle.results) {
        const project = result.project as SeedProject;
        const tally = tallies[project] ?? emptyTally();
        tallies[project] = tally;
        addTo(tally, result.status);
        if (result.error) errors.add(result.error);
      }
      results += cycle.results.length;
    }
    if (failures.length === 0 && batch.length > 0) send(batch);
    await Promise.all(writing);
    if (failures.length > 0) throw failures[0];
    for (const table of ["cycles", "results", "check_hours", "check_hour_timings"])
      await db.query(`analyze synthetic_monitor.${table}`);
  });

  const journal = seededJournal(checks, runs, environment, plan.now);
  if (options.journalPath) {
    await mkdir(path.dirname(options.journalPath), { recursive: true });
    await writeFile(
      options.journalPath,
      journal.entries.map((entry) => `${JSON.stringify(entry)}\n`).join(""),
    );
  }
  if (options.statePath) {
    await mkdir(path.dirname(options.statePath), { recursive: true });
    const state = seededAlertState(checks, journal.alerts, environment, plan.now);
    await writeFile(options.statePath, `${JSON.stringify(state, null, 2)}\n`);
  }
  const find = (test: (check: SeededCheck) => boolean, what: string) => {
    const found = checks.find(test);
    if (!found) throw new Error(`the seeded checks have no ${what}`);
    return found;
  };
  return {
    now: plan.now,
    days: options.days,
    everyMinutes: plan.everyMinutes,
    location: plan.location,
    environment,
    checks,
    runs,
    cycles: runs.length,
    results,
    byDay,
    incidents: INCIDENTS.map((incident) => ({
      id: incident.id,
      effect: incident.effect,
      checkIds: checks.filter((c) => incidentHits(incident, c)).map((c) => c.checkId),
      startsAt: plan.now - incident.startsAgo,
      endsAt: incident.endsAgo === null ? null : plan.now - incident.endsAgo,
      error: incident.error ?? null,
    })),
    windows: WINDOWS.map((w) => ({
      id: w.id,
      effect: w.effect,
      scope: w.projects ? { projects: w.projects } : {},
      when: { startsAt: plan.now - w.startsAgo, endsAt: plan.now - w.endsAgo },
      comment: w.comment,
    })),
    deploys: plan.deploys.all,
    publicCheck: find((c) => c.tags.includes(PUBLIC_TAG), "@public check"),
    xssCheck: find((c) => c.role === "xss", "XSS check"),
    errors: [...errors],
    journal: { path: options.journalPath ?? null, ...journal },
    seedMs: performance.now() - started,
  };
}

/** Every error text the story and the noise can produce, whether or not a seed drew it. */
export const POSSIBLE_ERRORS: readonly string[] = [
  ...INCIDENTS.flatMap((i) => (i.error ? [i.error] : [])),
  ...Object.values(BLIP_ERRORS),
  FLAKY_ERROR,
  XSS_ERROR,
];
