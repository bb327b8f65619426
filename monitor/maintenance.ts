import { Cron } from "croner";
import type { Silence } from "../alerts/policy-schema.ts";
import type { Maintenance, Scope } from "./config-schema.ts";

// Maintenance windows: which are open at an instant, and what they mean for a
// cycle: paused scopes leave the cycle; silenced ones become the alert
// engine's silences for the window's span, so the checks run and are recorded
// but nobody is told (and what still fails when the window closes is announced).

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export interface OpenWindow {
  window: Maintenance;
  startsAt: number;
  endsAt: number;
}

/** The span of `window` that contains `now`, if any. */
export function openSpan(window: Maintenance, now: number): OpenWindow | undefined {
  const when = window.when;
  if ("startsAt" in when) {
    return now >= when.startsAt && now < when.endsAt
      ? { window, startsAt: when.startsAt, endsAt: when.endsAt }
      : undefined;
  }
  if ("cron" in when) {
    const cron = new Cron(when.cron, { timezone: when.timezone, paused: true });
    const durationMs = when.durationMinutes * 60_000;
    // The latest occurrence at or before now (croner's previousRuns is strictly before).
    const onTheDot = cron.match(new Date(now)) ? now - (now % 1000) : undefined;
    const last = onTheDot ?? cron.previousRuns(1, new Date(now))[0]?.getTime();
    if (last === undefined || now >= last + durationMs) return undefined;
    return { window, startsAt: last, endsAt: last + durationMs };
  }
  return weeklySpan(window, when, now);
}

function weeklySpan(
  window: Maintenance,
  when: { days: string[]; from: string; to: string; timezone: string },
  now: number,
): OpenWindow | undefined {
  // Openings and closings as cron times in the window's zone, so a DST night moves them as clocks do.
  const [fromHour, fromMinute] = when.from.split(":").map(Number);
  const [toHour, toMinute] = when.to.split(":").map(Number);
  const days = when.days.map((day) => DAYS.indexOf(day)).join(",");
  const options = { timezone: when.timezone, paused: true };
  const opens = new Cron(`${fromMinute} ${fromHour} * * ${days}`, options);
  const closes = new Cron(`${toMinute} ${toHour} * * *`, options);
  // The latest opening at or before now (previousRuns is strictly before its reference).
  const opened = opens.previousRuns(1, new Date(now + 1))[0];
  if (!opened) return undefined;
  const closed = closes.nextRun(opened);
  if (!closed || now >= closed.getTime()) return undefined;
  return { window, startsAt: opened.getTime(), endsAt: closed.getTime() };
}

export function openWindows(windows: readonly Maintenance[], now: number): OpenWindow[] {
  return windows.flatMap((w) => openSpan(w, now) ?? []);
}

export const pausedScopes = (open: OpenWindow[]): Scope[] =>
  open.filter((o) => o.window.effect === "pause").map((o) => o.window.scope);

/** The alert engine's silences for the silencing windows open now. */
export function silencesOf(open: OpenWindow[]): Silence[] {
  return open
    .filter((o) => o.window.effect === "silence")
    .flatMap(({ window, startsAt, endsAt }) => {
      const base = {
        startsAt,
        endsAt,
        comment: `maintenance ${window.id}${window.comment ? `: ${window.comment}` : ""}`,
        createdBy: "monitor",
      };
      const { projects, tags } = window.scope;
      if (!projects && !tags) return [{ id: `maintenance-${window.id}`, matchers: {}, ...base }];
      // Matchers are all-of; a scope is any-of its projects and any-of its tags.
      const matchers = {
        ...(projects ? { project: projects } : {}),
        ...(tags ? { tag: tags } : {}),
      };
      return [{ id: `maintenance-${window.id}`, matchers, ...base }];
    });
}
