// The seeded history's cycles, generated one at a time (a 90-day, 30-check
// history is 780,000 results: never all in memory at once). Deterministic:
// one seeded PRNG, drawn the same number of times for every result.
import type { CycleRecord, ResultRecord, ResultStatus } from "../../../monitor/types.ts";
import { labelsOf, type SeededCheck } from "./seed-checks.ts";
import {
  BLIP_ERRORS,
  FLAKY_ERROR,
  HEALTH_SLOWER_AGO,
  INCIDENTS,
  type StoryDeploys,
  type StoryIncident,
  type StoryWindow,
  WINDOWS,
} from "./seed-story.ts";

const MINUTE = 60_000;

export interface CyclePlan {
  now: number;
  everyMinutes: number;
  count: number;
  location: string;
  environment: string;
  runPrefix: string;
  checks: readonly SeededCheck[];
  deploys: StoryDeploys;
  random: () => number;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Cycle `index`'s start: evenly spaced, the last half an interval before `now`, so no period edge cuts one. */
export function cycleStart(plan: Pick<CyclePlan, "now" | "everyMinutes" | "count">, index: number) {
  return plan.now - (plan.count - index - 0.5) * plan.everyMinutes * MINUTE;
}

/** Whether `at` falls in a span given as offsets before `now` (`endsAgo` null: not over). */
export const within = (at: number, now: number, startsAgo: number, endsAgo: number | null) =>
  at >= now - startsAgo && (endsAgo === null || at < now - endsAgo);

export function incidentHits(incident: StoryIncident, check: SeededCheck): boolean {
  return (
    (incident.projects?.includes(check.project) ?? false) ||
    (incident.roles?.includes(check.role) ?? false)
  );
}

export function windowCovers(window: StoryWindow, check: SeededCheck): boolean {
  return !window.projects || window.projects.includes(check.project);
}

const round = (value: number) => Math.round(value * 10) / 10;

function timingsOf(
  check: SeededCheck,
  plan: CyclePlan,
  at: number,
  slow: number,
  draws: number[],
): Record<string, number> {
  const timings: Record<string, number> = {};
  check.timings.forEach((name, i) => {
    const r = draws[i] ?? 0.5;
    if (name === "home TTFB") timings[name] = round((140 + 90 * r) * slow);
    else if (name === "home LCP") timings[name] = round((1_150 + 600 * r) * slow);
    else {
      const slower = at >= plan.now - HEALTH_SLOWER_AGO ? 1.4 : 1;
      timings[name] = round((55 + 35 * r) * slower * slow);
    }
  });
  return timings;
}

function resultOf(check: SeededCheck, plan: CyclePlan, at: number, calm: boolean): ResultRecord {
  // Always the same number of draws per result, whatever it turns out to be.
  const roll = plan.random();
  const spread = plan.random();
  const draws = [plan.random(), plan.random()];
  const incident = INCIDENTS.find(
    (i) => within(at, plan.now, i.startsAgo, i.endsAgo) && incidentHits(i, check),
  );
  let status: ResultStatus = "passed";
  let error: string | undefined;
  let diagnosis: string | undefined;
  let retries = 0;
  if (incident?.effect === "failed") {
    status = "failed";
    error = incident.error;
    diagnosis = incident.diagnosis;
    retries = 1;
  } else if (incident?.effect === "degraded") status = "degraded";
  else if (!calm) {
    if (roll < 0.0015) {
      status = "failed";
      error = BLIP_ERRORS[check.project];
      retries = 1;
    } else if (roll < 0.002) {
      status = "timed-out";
      error = `Test timeout of 60000ms exceeded. (${check.file})`;
    } else if (roll < 0.007) {
      status = "flaky";
      error = FLAKY_ERROR;
      retries = 1;
    } else if (roll < 0.012) status = "degraded";
    else if (roll < 0.017) status = "skipped";
  }
  const slow = status === "degraded" ? 2.4 : 1;
  const durationMs =
    status === "skipped"
      ? 0
      : status === "timed-out"
        ? 60_000
        : status === "failed"
          ? round(15_000 + 400 * spread)
          : round(check.baseMs * (0.85 + 0.3 * spread) * slow);
  const ran = status !== "skipped" && status !== "failed" && status !== "timed-out";
  return {
    checkId: check.checkId,
    ...labelsOf(check),
    status,
    durationMs,
    retries,
    ...(error ? { error } : {}),
    timings: ran ? timingsOf(check, plan, at, slow, draws) : {},
    ...(diagnosis ? { diagnosis } : {}),
  };
}

/** Every cycle of the plan, oldest first. */
export function* cyclesOf(plan: CyclePlan): Generator<CycleRecord> {
  for (let index = 0; index < plan.count; index++) {
    const at = cycleStart(plan, index);
    const open = WINDOWS.filter((w) => within(at, plan.now, w.startsAgo, w.endsAgo));
    const paused = (check: SeededCheck) =>
      open.some((w) => w.effect === "pause" && windowCovers(w, check));
    // The last two cycles carry only the story: what "now" shows is by design, not by chance.
    const calm = index >= plan.count - 2;
    const results = plan.checks
      .filter((check) => !paused(check))
      .map((check) => resultOf(check, plan, at, calm));
    const failed = results.some((r) => r.status === "failed" || r.status === "timed-out");
    const longest = Math.max(0, ...results.map((r) => r.durationMs));
    yield {
      runId: `${plan.runPrefix}${index.toString(36).padStart(5, "0")}`,
      location: plan.location,
      environment: plan.environment,
      job: "default",
      startedAt: new Date(at).toISOString(),
      endedAt: new Date(at + (results.length ? longest + 8_000 : 0)).toISOString(),
      status: results.length === 0 ? "paused" : failed ? "failed" : "passed",
      exitCode: results.length === 0 ? null : failed ? 1 : 0,
      versions: results.length === 0 ? {} : plan.deploys.versionsAt(at),
      maintenance: open.map((w) => ({ id: w.id, effect: w.effect })),
      ...(results.length ? { deploys: plan.deploys.liveAt(at) } : {}),
      results,
    };
  }
}
