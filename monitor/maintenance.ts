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
  const { day, minutes } = localClock(now, when.timezone);
  const from = toMinutes(when.from);
  const to = toMinutes(when.to);
  const overnight = to <= from;
  // Today's window, or one that opened yesterday and runs past midnight.
  const candidates: Array<{ opened: string; elapsed: number }> = [];
  if (minutes >= from) candidates.push({ opened: DAYS[day] ?? "", elapsed: minutes - from });
  if (overnight && minutes < to)
    candidates.push({ opened: DAYS[(day + 6) % 7] ?? "", elapsed: minutes + 24 * 60 - from });
  const length = overnight ? to + 24 * 60 - from : to - from;
  for (const { opened, elapsed } of candidates) {
    if (!when.days.includes(opened) || elapsed >= length) continue;
    const startsAt = now - (now % 60_000) - elapsed * 60_000;
    return { window, startsAt, endsAt: startsAt + length * 60_000 };
  }
  return undefined;
}

function toMinutes(clock: string): number {
  const [h = "0", m = "0"] = clock.split(":");
  return Number(h) * 60 + Number(m);
}

function localClock(now: number, timeZone: string): { day: number; minutes: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(now));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    day: DAYS.indexOf(get("weekday").toLowerCase().slice(0, 3)),
    minutes: Number(get("hour")) * 60 + Number(get("minute")),
  };
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
