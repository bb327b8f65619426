// The overview (every tier now, its uptime and 90 days of daily status) and
// the public status page, which is the same figures without anything a check said.

import { HistoryUnavailableError, queries } from "../monitor/history/index.ts";
import type { CatalogEntry, CycleMark, Queryable } from "../monitor/history/queries.ts";
import { openWindows } from "../monitor/maintenance.ts";
import type { ResultStatus } from "../monitor/types.ts";
import { DAY_MS } from "./http.ts";
import { type DashboardSource, nowOf } from "./source.ts";
import {
  labelOf,
  PUBLIC_TAG,
  scopeCovers,
  TIERS,
  type TierDefinition,
  type TierKey,
  tierOf,
} from "./tiers.ts";

export type TierStatus = "up" | "degraded" | "down" | "paused" | "maintenance" | "unknown";
export type DayStatusName = "up" | "degraded" | "down" | "maintenance" | "none";
export type UptimeWindows = Record<"24h" | "7d" | "30d" | "90d", number | null>;

export const WINDOWS = [
  ["24h", 1],
  ["7d", 7],
  ["30d", 30],
  ["90d", 90],
] as const;
const HISTORY_DAYS = 90;
/** A check whose newest result is older than this no longer says anything about now. */
const FRESH_MS = DAY_MS;

export interface OverviewTier {
  tier: TierKey;
  label: string;
  status: TierStatus;
  uptime: UptimeWindows;
  days: Array<{
    day: string;
    status: DayStatusName;
    total: number;
    failed: number;
    degraded: number;
  }>;
  incidents: Array<{ checkId: string; title: string; failingSince: string | null }>;
  checks: Array<{ checkId: string; title: string; status: ResultStatus; project: string }>;
}

export interface Overview {
  generatedAt: string;
  database: { ok: boolean; error?: string };
  lastCycle: { runId: string; endedAt: string; status: string } | null;
  nextDueAt: string | null;
  tiers: OverviewTier[];
}

const FAILING = new Set<ResultStatus>(["failed", "timed-out"]);
const WORST: ResultStatus[] = ["failed", "timed-out", "degraded", "flaky", "passed", "skipped"];
const worse = (a: ResultStatus, b: ResultStatus) => (WORST.indexOf(a) <= WORST.indexOf(b) ? a : b);

/** The UTC days from `days - 1` days before `now` up to `now`'s, oldest first. */
export function dayList(now: number, days: number): string[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: days }, (_, i) =>
    new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
}

function share(total: number, failed: number): number | null {
  return total === 0 ? null : (total - failed) / total;
}

/** Whether a cycle's maintenance (or its pause) covered a tier. */
function maintenanceCovers(
  source: DashboardSource,
  mark: CycleMark,
  tier: TierDefinition,
): boolean {
  if (mark.status === "paused" && mark.maintenance.length === 0) return true;
  return mark.maintenance.some(({ id }) => {
    const window = source.maintenance.find((w) => w.id === id);
    // A window no longer in the config: its scope is unknown, so it covers every tier.
    return !window || scopeCovers(window.scope, tier);
  });
}

export interface Figures {
  catalog: CatalogEntry[];
  tierByCheck: Map<string, TierKey>;
}

async function catalogOf(db: Queryable, now: number): Promise<Figures> {
  const catalog = await queries.checkCatalog(db, { since: new Date(now - HISTORY_DAYS * DAY_MS) });
  const tierByCheck = new Map<string, TierKey>();
  for (const entry of catalog) {
    const tier = tierOf(entry);
    if (tier) tierByCheck.set(entry.checkId, tier);
  }
  return { catalog, tierByCheck };
}

function emptyTier(definition: TierDefinition, now: number): OverviewTier {
  return {
    tier: definition.tier,
    label: definition.label,
    status: "unknown",
    uptime: { "24h": null, "7d": null, "30d": null, "90d": null },
    days: dayList(now, HISTORY_DAYS).map((day) => ({
      day,
      status: "none",
      total: 0,
      failed: 0,
      degraded: 0,
    })),
    incidents: [],
    checks: [],
  };
}

async function readOverview(db: Queryable, now: number) {
  const to = new Date(now);
  const { catalog, tierByCheck } = await catalogOf(db, now);
  const [uptimes, daily, marks, newest] = await Promise.all([
    Promise.all(
      WINDOWS.map(([, days]) => queries.uptime(db, { from: new Date(now - days * DAY_MS), to })),
    ),
    queries.dailyStatus(db, { days: HISTORY_DAYS, to }),
    queries.cycleMarks(db, { from: new Date(now - HISTORY_DAYS * DAY_MS), to }),
    queries.newestCycle(db),
  ]);
  const fresh = catalog.filter(
    (entry) => tierByCheck.has(entry.checkId) && now - Date.parse(entry.startedAt) <= FRESH_MS,
  );
  const failing = fresh.filter((entry) => FAILING.has(entry.status));
  const since = await Promise.all(
    failing.map((entry) => queries.failingSince(db, entry).then((at) => [entry, at] as const)),
  );
  return { catalog, tierByCheck, uptimes, daily, marks, newest, fresh, since };
}

export async function overview(source: DashboardSource): Promise<Overview> {
  const now = nowOf(source);
  const health = source.health?.();
  const base = {
    generatedAt: new Date(now).toISOString(),
    nextDueAt: health?.nextDueAt ?? null,
  };
  let read: Awaited<ReturnType<typeof readOverview>>;
  try {
    read = await source.history.run((db) => readOverview(db, now));
  } catch (error) {
    if (!(error instanceof HistoryUnavailableError)) source.onError?.(error);
    return {
      ...base,
      database: {
        ok: false,
        error:
          error instanceof HistoryUnavailableError ? error.message : "the history query failed",
      },
      lastCycle: health?.lastCycle ?? null,
      tiers: TIERS.map((definition) => emptyTier(definition, now)),
    };
  }
  const { tierByCheck, uptimes, daily, marks, newest, fresh, since } = read;
  const openNow = openWindows(source.maintenance, now);
  const lastCycle = health?.lastCycle ?? newest;

  const tiers = TIERS.map((definition): OverviewTier => {
    const tier = emptyTier(definition, now);
    const mine = (checkId: string) => tierByCheck.get(checkId) === definition.tier;
    WINDOWS.forEach(([name], i) => {
      const rows = (uptimes[i] ?? []).filter((row) => mine(row.checkId));
      const total = rows.reduce((sum, row) => sum + row.total, 0);
      const failed = rows.reduce((sum, row) => sum + row.failed, 0);
      tier.uptime[name] = share(total, failed);
    });
    const byDay = new Map(tier.days.map((d) => [d.day, d]));
    for (const row of daily) {
      const day = byDay.get(row.day);
      if (!day || !mine(row.checkId)) continue;
      day.total += row.total;
      day.failed += row.failed;
      day.degraded += row.degraded;
    }
    const maintenanceDays = new Set(
      marks
        .filter(
          (mark) =>
            (mark.maintenance.length > 0 || mark.status === "paused") &&
            maintenanceCovers(source, mark, definition),
        )
        .map((mark) => mark.startedAt.slice(0, 10)),
    );
    for (const day of tier.days) day.status = dayStatus(day, maintenanceDays.has(day.day));

    const checks = new Map<string, OverviewTier["checks"][number]>();
    for (const entry of fresh.filter((e) => mine(e.checkId))) {
      const seen = checks.get(entry.checkId);
      checks.set(entry.checkId, {
        checkId: entry.checkId,
        title: entry.title,
        project: entry.project,
        status: seen ? worse(seen.status, entry.status) : entry.status,
      });
    }
    tier.checks = [...checks.values()].sort((a, b) => a.title.localeCompare(b.title));
    const incidents = new Map<string, OverviewTier["incidents"][number]>();
    for (const [entry, at] of since) {
      if (!mine(entry.checkId)) continue;
      const seen = incidents.get(entry.checkId);
      if (!seen || (at && (!seen.failingSince || at < seen.failingSince)))
        incidents.set(entry.checkId, {
          checkId: entry.checkId,
          title: entry.title,
          failingSince: at,
        });
    }
    tier.incidents = [...incidents.values()].sort((a, b) =>
      (a.failingSince ?? "").localeCompare(b.failingSince ?? ""),
    );
    const windows = openNow.filter((o) => scopeCovers(o.window.scope, definition));
    const statuses = tier.checks.map((c) => c.status);
    // An announced window comes first, as on peers' status pages: a failure inside planned
    // maintenance is the maintenance, not an outage.
    tier.status = windows.some((o) => o.window.effect === "silence")
      ? "maintenance"
      : windows.length > 0
        ? "paused"
        : statuses.some((s) => FAILING.has(s))
          ? "down"
          : statuses.includes("degraded")
            ? "degraded"
            : lastCycle?.status === "paused" && statuses.length === 0
              ? "paused"
              : statuses.some((s) => s !== "skipped")
                ? "up"
                : "unknown";
    return tier;
  });
  return { ...base, database: { ok: true }, lastCycle, tiers };
}

function dayStatus(
  day: { total: number; failed: number; degraded: number },
  inMaintenance: boolean,
): DayStatusName {
  // Results decide, as they do uptime; a day in maintenance says so when nothing ran.
  if (day.failed > 0) return "down";
  if (day.degraded > 0) return "degraded";
  if (day.total > 0) return "up";
  return inMaintenance ? "maintenance" : "none";
}

export interface PublicStatus {
  generatedAt: string;
  database?: { ok: false };
  tiers: Array<{
    tier: TierKey;
    label: string;
    status: Exclude<TierStatus, "paused">;
    uptime: UptimeWindows;
    days: Array<{ day: string; status: DayStatusName }>;
  }>;
  incidents: Array<{ tier: TierKey; label: string; startedAt: string; resolvedAt: string | null }>;
  checks: Array<{ tier: TierKey; title: string; status: ResultStatus }>;
}

/** Two failing hours closer than this are one incident. */
const INCIDENT_GAP_MS = 2 * 3_600_000;
const PUBLIC_INCIDENTS = 30;

/**
 * The public page: tier status, uptime, days and incidents. Built from the
 * overview plus failed hours, and only ever copies tier-level fields, so no
 * error text, URL or check title (other than a `@public` check's) can leak.
 */
export async function publicStatus(source: DashboardSource): Promise<PublicStatus> {
  const full = await overview(source);
  const now = Date.parse(full.generatedAt);
  const tiers = full.tiers.map((t) => ({
    tier: t.tier,
    label: t.label,
    status: t.status === "paused" ? ("maintenance" as const) : t.status,
    uptime: { ...t.uptime },
    days: t.days.map((d) => ({ day: d.day, status: d.status })),
  }));
  if (!full.database.ok)
    return {
      generatedAt: full.generatedAt,
      database: { ok: false },
      tiers,
      incidents: [],
      checks: [],
    };
  // A tier not up now may still be in its newest incident (down, or no fresh results to say).
  const notUp = new Set(full.tiers.filter((t) => t.status !== "up").map((t) => t.tier));
  let incidents: PublicStatus["incidents"] = [];
  let checks: PublicStatus["checks"] = [];
  try {
    ({ incidents, checks } = await source.history.run(async (db) => {
      const { catalog, tierByCheck } = await catalogOf(db, now);
      const all = incidentSpans(
        await queries.failedHours(db, {
          from: new Date(now - HISTORY_DAYS * DAY_MS),
          to: new Date(now + 1),
        }),
        tierByCheck,
      );
      const newest = new Set<Span>();
      for (const tier of notUp) {
        const span = all.find((s) => s.tier === tier);
        if (span) newest.add(span);
      }
      // One failed result is a blip the monitor re-checked, not an incident the public needs.
      const spans = all
        .filter((span) => span.failed >= MIN_PUBLIC_FAILURES || newest.has(span))
        .slice(0, PUBLIC_INCIDENTS);
      const found = await Promise.all(
        spans.map((span) => refine(db, span, tierByCheck, newest.has(span), now)),
      );
      const publicChecks = new Map<string, PublicStatus["checks"][number]>();
      for (const entry of catalog) {
        const tier = tierByCheck.get(entry.checkId);
        if (
          !tier ||
          !entry.tags.includes(PUBLIC_TAG) ||
          now - Date.parse(entry.startedAt) > FRESH_MS
        )
          continue;
        const seen = publicChecks.get(entry.checkId);
        publicChecks.set(entry.checkId, {
          tier,
          title: entry.title,
          status: seen ? worse(seen.status, entry.status) : entry.status,
        });
      }
      return { incidents: found, checks: [...publicChecks.values()] };
    }));
  } catch (error) {
    if (!(error instanceof HistoryUnavailableError)) source.onError?.(error);
  }
  return { generatedAt: full.generatedAt, tiers, incidents, checks };
}

interface Span {
  tier: TierKey;
  firstHour: number;
  lastHour: number;
  /** Failed results in the span, all the tier's checks together. */
  failed: number;
}

/** Failed results a span needs to be listed on the public page (unless it is going on now). */
const MIN_PUBLIC_FAILURES = 2;

/** Failed hours per tier merged into spans, newest first. */
export function incidentSpans(
  hours: readonly queries.FailedHour[],
  tierByCheck: ReadonlyMap<string, TierKey>,
): Span[] {
  const open = new Map<TierKey, Span>();
  const spans: Span[] = [];
  for (const row of hours) {
    const tier = tierByCheck.get(row.checkId);
    if (!tier) continue;
    const hour = Date.parse(row.hour);
    const span = open.get(tier);
    if (span && hour - span.lastHour <= INCIDENT_GAP_MS) {
      span.lastHour = Math.max(span.lastHour, hour);
      span.failed += row.failed;
    } else {
      const next = { tier, firstHour: hour, lastHour: hour, failed: row.failed };
      open.set(tier, next);
      spans.push(next);
    }
  }
  return spans.sort((a, b) => b.firstHour - a.firstHour);
}

async function refine(
  db: Queryable,
  span: Span,
  tierByCheck: ReadonlyMap<string, TierKey>,
  /** The tier's newest span while the tier is not up: without a pass seen, it is still on. */
  current: boolean,
  now: number,
): Promise<PublicStatus["incidents"][number]> {
  const checkIds = [...tierByCheck].filter(([, t]) => t === span.tier).map(([id]) => id);
  const hour = 3_600_000;
  const [first, last] = await Promise.all([
    queries.resultMarks(db, {
      from: new Date(span.firstHour),
      to: new Date(span.firstHour + hour),
      checkIds,
    }),
    queries.resultMarks(db, {
      from: new Date(span.lastHour),
      to: new Date(Math.min(span.lastHour + 3 * hour, now + 1)),
      checkIds,
    }),
  ]);
  const startedAt =
    first.find((m) => m.failed)?.startedAt ?? new Date(span.firstHour).toISOString();
  const lastFailure = last.filter((m) => m.failed).at(-1);
  const recovered = lastFailure
    ? last.find(
        (m) =>
          !m.failed && m.checkId === lastFailure.checkId && m.startedAt > lastFailure.startedAt,
      )
    : undefined;
  const ongoing = current && !recovered;
  return {
    tier: span.tier,
    label: labelOf(span.tier),
    startedAt,
    resolvedAt: ongoing ? null : (recovered?.startedAt ?? lastFailure?.startedAt ?? startedAt),
  };
}
