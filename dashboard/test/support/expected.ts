// What the dashboard should show for a seeded history, worked out from the
// seed's summary alone (never from the history's queries), by the rules
// dashboard/API.md states: uptime = (results − failed) / results with
// skipped results saying nothing; a tier's status now from each of its
// checks' latest result; a day down with any failure, degraded with any
// degraded result, up with results, in maintenance with none but cycles in a
// window that covers the tier.
import type { ResultStatus } from "../../../monitor/types.ts";
import { addTo, emptyTally, type SeedProject, type SeedSummary, type Tally } from "../seed.ts";

const DAY_MS = 86_400_000;

/** The dashboard's tiers and the project each holds (performance: none seeded). */
export const TIER_PROJECTS = {
  frontend: "browser",
  backend: "api",
  supabase: "supabase",
  database: "schema",
  security: "security",
  performance: null,
} as const satisfies Record<string, SeedProject | null>;
export type Tier = keyof typeof TIER_PROJECTS;
export const TIER_KEYS = Object.keys(TIER_PROJECTS) as Tier[];

const inTier = (summary: SeedSummary, tier: Tier) =>
  summary.checks.flatMap((check, index) => (check.project === TIER_PROJECTS[tier] ? [index] : []));

/** The tier's results started in [from, to). */
export function tierTally(summary: SeedSummary, tier: Tier, from: number, to: number): Tally {
  const tally = emptyTally();
  const indexes = inTier(summary, tier);
  for (const run of summary.runs) {
    if (run.startedAt < from || run.startedAt >= to) continue;
    for (const index of indexes) {
      const status = run.results[index];
      if (status) addTo(tally, status);
    }
  }
  return tally;
}

export function uptimeOf(tally: Tally): number | null {
  return tally.total === 0 ? null : (tally.total - tally.failed) / tally.total;
}

export const WINDOW_DAYS = { "24h": 1, "7d": 7, "30d": 30, "90d": 90 } as const;

/** Uptime per window ending at `at` (any instant less than half an interval after the seed's now). */
export function tierUptimes(summary: SeedSummary, tier: Tier, at: number) {
  return Object.fromEntries(
    Object.entries(WINDOW_DAYS).map(([window, days]) => [
      window,
      uptimeOf(tierTally(summary, tier, at - days * DAY_MS, at + 1)),
    ]),
  ) as Record<keyof typeof WINDOW_DAYS, number | null>;
}

/** The share as the overview prints it: floored to two decimals, never rounded up to 100%. */
export function percentText(share: number | null): string {
  return share === null ? "no data" : `${(Math.floor(share * 10_000 + 1e-7) / 100).toFixed(2)}%`;
}

/** Each check's latest result decides: down, degraded, up; unknown with none. */
export function tierStatusNow(summary: SeedSummary, tier: Tier): string {
  const latest: ResultStatus[] = [];
  for (const index of inTier(summary, tier)) {
    const run = summary.runs.findLast((r) => r.results[index]);
    const status = run?.results[index];
    if (status) latest.push(status);
  }
  if (latest.length === 0) return "unknown";
  if (latest.some((s) => s === "failed" || s === "timed-out")) return "down";
  if (latest.includes("degraded")) return "degraded";
  return "up";
}

/** The tier's days (UTC) from the seed's tallies, with the status and label the bar shows. */
export function tierDays(summary: SeedSummary, tier: Tier) {
  const project = TIER_PROJECTS[tier];
  const days = new Map<string, { status: string; label: string }>();
  for (const [day, projects] of Object.entries(summary.byDay)) {
    const tally = project ? projects[project] : undefined;
    if (!tally || tally.total === 0) continue;
    const status = tally.failed > 0 ? "down" : tally.degraded > 0 ? "degraded" : "up";
    const label = `${day}: ${tally.failed} failed of ${tally.total}${tally.degraded ? `, ${tally.degraded} degraded` : ""}`;
    days.set(day, { status, label });
  }
  // A day the tier has no results of, but cycles in a window covering it: in maintenance.
  for (const run of summary.runs) {
    const day = new Date(run.startedAt).toISOString().slice(0, 10);
    if (days.has(day)) continue;
    const covered = run.maintenance.some((id) => {
      const window = summary.windows.find((w) => w.id === id);
      return (
        !window?.scope.projects || (project !== null && window.scope.projects.includes(project))
      );
    });
    if (covered) days.set(day, { status: "maintenance", label: `${day}: no runs · maintenance` });
  }
  return days;
}

/** The ids of a check's failed or timed-out runs started at or after `since`, newest first. */
export function failingRunIds(summary: SeedSummary, checkId: string, since: number): string[] {
  const index = summary.checks.findIndex((c) => c.checkId === checkId);
  return summary.runs
    .filter((run) => run.startedAt >= since)
    .filter((run) => run.results[index] === "failed" || run.results[index] === "timed-out")
    .map((run) => run.runId)
    .reverse();
}

/** The checks failing now and the start of their current run of failures. */
export function failingNow(summary: SeedSummary, tier: Tier) {
  return inTier(summary, tier).flatMap((index) => {
    let since: number | undefined;
    for (let k = summary.runs.length - 1; k >= 0; k--) {
      const run = summary.runs[k];
      const status = run?.results[index];
      if (!run || status === null || status === undefined) continue;
      if (status !== "failed" && status !== "timed-out") break;
      since = run.startedAt;
    }
    const check = summary.checks[index];
    return since === undefined || !check
      ? []
      : [{ checkId: check.checkId, title: check.title, since }];
  });
}
