// One check: its runs (newest first), daily duration percentiles, and what
// each location saw last. Links point at the cycle's own Playwright report
// when the monitor still keeps that cycle's directory.
import { existsSync } from "node:fs";
import path from "node:path";
import { queries } from "../monitor/history/index.ts";
import { DAY_MS, NotFound } from "./http.ts";
import { type DashboardSource, nowOf } from "./source.ts";
import { tierOf } from "./tiers.ts";

export const MAX_RUNS = 500;
const RUN_ID = /^[\w.-]{1,100}$/;
/** A cycle's report, relative to its directory (monitor/cycle.ts puts it there). */
export const REPORT_PATH = "playwright-report/index.html";

export interface CheckPage {
  check: {
    checkId: string;
    title: string;
    tier: string;
    project: string;
    file: string;
    tags: string[];
  };
  runs: Array<queries.RunRow & { reportUrl: string | null; traceUrl: string | null }>;
  percentiles: Array<{ day: string; p50: number; p95: number; p99: number }>;
  locations: Array<{ location: string; status: string; startedAt: string }>;
}

/** The report of a cycle, as a dashboard link, when its directory still holds one. */
export function reportUrlOf(monitorDir: string | undefined, runId: string): string | null {
  if (!monitorDir || !RUN_ID.test(runId)) return null;
  return existsSync(path.join(monitorDir, "cycles", runId, REPORT_PATH))
    ? `/artifacts/${encodeURIComponent(runId)}/${REPORT_PATH}`
    : null;
}

export async function checkPage(
  source: DashboardSource,
  checkId: string,
  days: number,
): Promise<CheckPage> {
  const now = nowOf(source);
  const since = new Date(now - days * DAY_MS);
  const read = await source.history.run(async (db) => {
    const catalog = await queries.checkCatalog(db, {
      since: new Date(now - 90 * DAY_MS),
      checkIds: [checkId],
    });
    if (catalog.length === 0) return undefined;
    const [runs, percentiles] = await Promise.all([
      queries.checkRuns(db, { checkId, since, limit: MAX_RUNS }),
      queries.dailyPercentiles(db, { days, to: new Date(now), checkIds: [checkId] }),
    ]);
    return { catalog, runs, percentiles };
  });
  if (!read) throw new NotFound(`no check with the id "${checkId}" in the last 90 days`);
  const newest = read.catalog.reduce((a, b) => (a.startedAt >= b.startedAt ? a : b));
  const reports = new Map<string, string | null>();
  const reportOf = (runId: string) => {
    if (!reports.has(runId)) reports.set(runId, reportUrlOf(source.monitorDir, runId));
    return reports.get(runId) ?? null;
  };
  return {
    check: {
      checkId: newest.checkId,
      title: newest.title,
      tier: tierOf(newest) ?? newest.tier,
      project: newest.project,
      file: newest.file,
      tags: newest.tags,
    },
    runs: read.runs.map((run) => {
      const reportUrl = reportOf(run.runId);
      // The test's own page in the report holds its trace (and screenshots) for a failed attempt.
      const failed = run.status !== "passed" && run.status !== "skipped";
      const traceUrl =
        reportUrl && run.testId && failed
          ? `${reportUrl}#?testId=${encodeURIComponent(run.testId)}`
          : null;
      return { ...run, reportUrl, traceUrl };
    }),
    percentiles: read.percentiles.map(({ day, p50, p95, p99 }) => ({ day, p50, p95, p99 })),
    locations: read.catalog.map(({ location, status, startedAt }) => ({
      location,
      status,
      startedAt,
    })),
  };
}
