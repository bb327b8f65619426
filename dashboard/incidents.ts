// Incidents as the alert engine saw them: fired and resolved from the
// journal's check decisions, each notification sent about them (per channel,
// accepted or not), the silences in force and the maintenance windows, on one timeline.
import { readFile, stat } from "node:fs/promises";
import { PostgresStateStore } from "../alerts/store/postgres-store.ts";
import { isAlertState } from "../alerts/store/state-store.ts";
import type { AlertState } from "../alerts/types.ts";
import { queries } from "../monitor/history/index.ts";
import { openWindows, silencesOf } from "../monitor/maintenance.ts";
import { DAY_MS } from "./http.ts";
import { type DashboardSource, nowOf } from "./source.ts";
import { tierOf } from "./tiers.ts";

export interface Incidents {
  incidents: Array<{
    fingerprint: string;
    title: string;
    tier: string;
    firedAt: string;
    resolvedAt: string | null;
    notifications: Array<{ at: string; channel: string; reason: string; accepted: boolean }>;
  }>;
  silences: Array<{
    matchers: Record<string, unknown>;
    startsAt: string;
    endsAt: string;
    comment: string;
  }>;
  maintenance: Array<{ id: string; startsAt: string; endsAt: string; effect: "pause" | "silence" }>;
}

type Entry = { ts?: string; runId?: string; type?: string } & Record<string, unknown>;

const cache = new Map<string, { mtimeMs: number; size: number; entries: Entry[] }>();

/** The journal's lines (the rotated file first), parsed once per change of the file. */
async function journalEntries(journalPath: string): Promise<Entry[]> {
  const all: Entry[] = [];
  for (const file of [`${journalPath}.1`, journalPath]) {
    const info = await stat(file).catch(() => undefined);
    if (!info) continue;
    const cached = cache.get(file);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) {
      all.push(...cached.entries);
      continue;
    }
    const entries: Entry[] = [];
    for (const line of (await readFile(file, "utf8")).split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        entries.push(JSON.parse(line) as Entry);
      } catch {
        // A line cut by a crash mid-append.
      }
    }
    cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, entries });
    all.push(...entries);
  }
  return all;
}

async function alertState(
  state: NonNullable<DashboardSource["alerts"]>["state"],
): Promise<AlertState | undefined> {
  try {
    if (state.kind === "file") {
      const parsed = JSON.parse(await readFile(state.path, "utf8")) as { state?: unknown };
      return isAlertState(parsed.state) ? parsed.state : undefined;
    }
    const store = new PostgresStateStore(state.url, state.key, "dashboard");
    try {
      return (await store.load()).state;
    } finally {
      await store.close();
    }
  } catch {
    return undefined;
  }
}

const iso = (at: unknown, fallback?: string): string =>
  typeof at === "number"
    ? new Date(at).toISOString()
    : typeof at === "string"
      ? at
      : (fallback ?? "");

/** Fired and resolved incidents with their notifications, from journal entries in order. */
export function incidentsOf(
  entries: readonly Entry[],
  state: AlertState | undefined,
): Incidents["incidents"] {
  type Incident = Incidents["incidents"][number];
  const latest = new Map<string, Incident>();
  const all: Incident[] = [];
  const decisions = new Map<string, string[]>();
  for (const entry of entries) {
    if (entry.type === "check" && typeof entry.fingerprint === "string") {
      const events = Array.isArray(entry.events) ? (entry.events as string[]) : [];
      const at = iso(entry.at, entry.ts);
      const open = latest.get(entry.fingerprint);
      const isOpen = open && open.resolvedAt === null;
      if (events.includes("triggered") || (events.includes("still-firing") && !isOpen)) {
        const labels = state?.checks[entry.fingerprint]?.labels;
        const incident: Incident = {
          fingerprint: entry.fingerprint,
          title: typeof entry.title === "string" ? entry.title : entry.fingerprint,
          tier: (labels && tierOf(labels)) ?? labels?.tier ?? "unknown",
          firedAt: at,
          resolvedAt: null,
          notifications: [],
        };
        latest.set(entry.fingerprint, incident);
        all.push(incident);
      } else if (events.includes("resolved") && open && isOpen) open.resolvedAt = at;
    } else if (entry.type === "decision" && typeof entry.key === "string") {
      const fingerprints = [entry.firing, entry.resolved].flatMap((list) =>
        Array.isArray(list) ? (list as string[]) : [],
      );
      decisions.set(`${entry.runId}|${entry.key}`, fingerprints);
    } else if (
      (entry.type === "delivered" || entry.type === "undelivered") &&
      typeof entry.key === "string"
    ) {
      for (const fingerprint of decisions.get(`${entry.runId}|${entry.key}`) ?? []) {
        latest.get(fingerprint)?.notifications.push({
          at: iso(entry.ts),
          channel: String(entry.channel ?? ""),
          reason: String(entry.reason ?? ""),
          accepted: entry.type === "delivered" && entry.ok !== false,
        });
      }
    }
  }
  return all;
}

/** Maintenance spans the history recorded: consecutive cycles in the same window. */
function recordedWindows(marks: readonly queries.CycleMark[]): Incidents["maintenance"] {
  const spans: Incidents["maintenance"] = [];
  const open = new Map<string, Incidents["maintenance"][number]>();
  for (const mark of marks) {
    for (const { id, effect } of mark.maintenance) {
      const span = open.get(id);
      if (span && Date.parse(mark.startedAt) - Date.parse(span.endsAt) <= 3_600_000) {
        span.endsAt = mark.endedAt;
      } else {
        const next = { id, startsAt: mark.startedAt, endsAt: mark.endedAt, effect };
        open.set(id, next);
        spans.push(next);
      }
    }
  }
  return spans;
}

export async function incidents(source: DashboardSource, days: number): Promise<Incidents> {
  const now = nowOf(source);
  const from = now - days * DAY_MS;
  const alerts = source.alerts;
  const [entries, state, marks] = await Promise.all([
    alerts ? journalEntries(alerts.journalPath) : [],
    alerts ? alertState(alerts.state) : undefined,
    source.history
      .run((db) => queries.cycleMarks(db, { from: new Date(from), to: new Date(now) }))
      .catch(() => []),
  ]);
  const found = incidentsOf(entries, state)
    .filter(
      (i) =>
        i.resolvedAt === null || Date.parse(i.resolvedAt) >= from || Date.parse(i.firedAt) >= from,
    )
    .sort((a, b) => b.firedAt.localeCompare(a.firedAt));
  const open = openWindows(source.maintenance, now);
  const silences = [...(alerts?.silences ?? []), ...silencesOf(open)]
    .filter((s) => s.endsAt >= from)
    .map((s) => ({
      matchers: s.matchers as Record<string, unknown>,
      startsAt: new Date(s.startsAt).toISOString(),
      endsAt: new Date(s.endsAt).toISOString(),
      comment: s.comment,
    }));
  const maintenance = recordedWindows(marks);
  const configured = [
    ...open.map((o) => ({
      id: o.window.id,
      startsAt: o.startsAt,
      endsAt: o.endsAt,
      effect: o.window.effect,
    })),
    ...source.maintenance.flatMap((w) =>
      "startsAt" in w.when && w.when.endsAt >= from && !open.some((o) => o.window === w)
        ? [{ id: w.id, startsAt: w.when.startsAt, endsAt: w.when.endsAt, effect: w.effect }]
        : [],
    ),
  ];
  for (const window of configured) {
    const startsAt = new Date(window.startsAt).toISOString();
    const endsAt = new Date(window.endsAt).toISOString();
    // The config knows the window's real span; the history only the cycles inside it.
    const recorded = maintenance.find(
      (m) => m.id === window.id && m.startsAt < endsAt && m.endsAt > startsAt,
    );
    if (recorded) Object.assign(recorded, { startsAt, endsAt });
    else maintenance.push({ id: window.id, startsAt, endsAt, effect: window.effect });
  }
  maintenance.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  return { incidents: found, silences, maintenance };
}
