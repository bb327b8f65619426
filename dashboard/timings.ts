// Timings over time: each named timing per check by hour, the SLA budget the
// name has in load/sla.json, and markers where the backend's version changed
// or a platform deployed.

import { type Sla, sla } from "../load/sla.ts";
import { queries } from "../monitor/history/index.ts";
import { DAY_MS } from "./http.ts";
import { type DashboardSource, nowOf } from "./source.ts";

export interface Timings {
  names: string[];
  series: Array<{
    name: string;
    checkId: string;
    title: string;
    points: Array<{ hour: string; p95: number; avg: number; max: number; count: number }>;
  }>;
  budgets: Record<string, number>;
  markers: Array<{ at: string; kind: "version" | "deploy"; label: string }>;
}

/** "home TTFB" → "home.ttfb", "backend /health" → "backend.health": the SLA file's names. */
const slaKey = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ".")
    .replace(/^\.|\.$/g, "");

/** The budget a timing is held to: a journey's failing (else degraded) budget, an endpoint's p95. */
export function budgetOf(name: string, from: Sla): number | undefined {
  const key = slaKey(name);
  const journey = from.journeys[key];
  if (journey) return journey.failMs ?? journey.degradedMs;
  return from.endpoints[key]?.p95Ms;
}

function readSlaOrNone(): Sla | undefined {
  try {
    return sla();
  } catch {
    return undefined;
  }
}

export async function timings(source: DashboardSource, days: number): Promise<Timings> {
  const now = nowOf(source);
  const period = { from: new Date(now - days * DAY_MS), to: new Date(now) };
  const read = await source.history.run(async (db) => {
    const names = await queries.timingNames(db, { since: period.from });
    const [series, catalog, marks, deploys] = await Promise.all([
      Promise.all(names.map((name) => queries.timingSeries(db, { ...period, name }))),
      queries.checkCatalog(db, { since: period.from }),
      queries.cycleMarks(db, period),
      queries.seenDeploys(db, period),
    ]);
    return { names, series, catalog, marks, deploys };
  });
  const titles = new Map(read.catalog.map((entry) => [entry.checkId, entry.title]));
  const budgets: Record<string, number> = {};
  const file = readSlaOrNone();
  for (const name of read.names) {
    const budget = file && budgetOf(name, file);
    if (budget !== undefined) budgets[name] = budget;
  }
  const series: Timings["series"] = [];
  read.names.forEach((name, i) => {
    const byCheck = new Map<string, Timings["series"][number]>();
    for (const point of read.series[i] ?? []) {
      let line = byCheck.get(point.checkId);
      if (!line) {
        line = {
          name,
          checkId: point.checkId,
          title: titles.get(point.checkId) ?? point.checkId,
          points: [],
        };
        byCheck.set(point.checkId, line);
        series.push(line);
      }
      line.points.push({
        hour: point.hour,
        p95: point.p95,
        avg: point.avg,
        max: point.max,
        count: point.count,
      });
    }
  });
  const markers: Timings["markers"] = [];
  for (const mark of read.marks) {
    // A cycle that recorded no versions (paused, or stopped before its checks) is no change.
    if (!mark.previousVersions || Object.keys(mark.previousVersions).length === 0) continue;
    if (Object.keys(mark.versions).length === 0) continue;
    for (const [part, version] of Object.entries(mark.versions)) {
      if (mark.previousVersions[part] !== version)
        markers.push({ at: mark.startedAt, kind: "version", label: `${part} ${version}` });
    }
  }
  for (const deploy of read.deploys) {
    const at = deploy.liveAt ?? deploy.createdAt;
    if (typeof at !== "number" || at < period.from.getTime() || at > now) continue;
    const commit = deploy.commit?.sha ? ` ${deploy.commit.sha.slice(0, 7)}` : "";
    markers.push({
      at: new Date(at).toISOString(),
      kind: "deploy",
      label: `${deploy.platform}${commit} ${deploy.phase}`,
    });
  }
  markers.sort((a, b) => a.at.localeCompare(b.at));
  return { names: read.names, series, budgets, markers };
}
