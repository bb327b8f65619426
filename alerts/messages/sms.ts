import type { Notification } from "../types.ts";

/** One GSM segment; longer texts split and may arrive out of order. */
export const SMS_LIMIT = 160;

export function toAscii(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/›/g, ">")
    .replace(/·/g, "-")
    .replace(/[–—]/g, "-")
    .replace(/…/g, "...")
    .replace(/[^\x20-\x7e]/g, "")
    .replace(/\s+/g, " ");
}

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)}Z`;
}

/**
 * Plain ASCII and at most 160 characters: what failed, where, since when, and
 * the run. The title gives way first when space runs out.
 */
export function renderSms(n: Notification): string {
  const group = Object.values(n.group).join("/");
  const firing = n.firing.length > 0;
  const lead = firing ? n.firing[0] : n.resolved[0];
  const count = firing ? n.firing.length : n.resolved.length;
  const prefix = firing ? (n.severity === "critical" ? "CRIT" : "WARN") : "RESOLVED";
  const more = count > 1 ? ` (+${count - 1} more)` : "";
  const detail = firing
    ? lead?.failingSince !== undefined
      ? ` since ${clock(lead.failingSince)}, ${lead.failedRuns} runs`
      : ""
    : " passing again";
  const via = n.fallbackFor ? ` [${n.fallbackFor.channel} down]` : "";
  // The tier and cause without their detail ("backend on Render · cold start").
  const cause = firing && lead?.diagnosis ? ` (${lead.diagnosis.split(":")[0]})` : "";
  const head = toAscii(`${prefix} ${group}:`);
  const tail = toAscii(`${cause}${more}${detail}.${via} run ${n.run.runId}`);
  const title = toAscii(lead?.title ?? "").trim();
  const room = SMS_LIMIT - head.length - tail.length - 1;
  if (room >= 12) {
    const shown = title.length > room ? `${title.slice(0, room - 3)}...` : title;
    return `${head} ${shown}${tail}`;
  }
  const text = `${head} ${title}${more}${detail}.`;
  return text.length > SMS_LIMIT ? `${text.slice(0, SMS_LIMIT - 3)}...` : text;
}
