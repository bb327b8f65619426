import { deployBeforeLine, liveLine, rollbackLine } from "../../platform/index.ts";
import type { AlertView, DigestItem, Notification } from "../types.ts";

export const ERROR_LINES = 5;
const LINE_WIDTH = 200;

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function firstLines(text: string | undefined, count = ERROR_LINES): string[] {
  if (!text) return [];
  return text
    .replace(ANSI, "")
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "")
    .slice(0, count)
    .map((line) => (line.length > LINE_WIDTH ? `${line.slice(0, LINE_WIDTH - 1)}…` : line));
}

export function formatInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const runs = (n: number) => `${n} ${n === 1 ? "run" : "runs"}`;

/** "local · backend" from the group's labels, in policy order. */
export function groupName(n: Notification): string {
  return Object.values(n.group).join(" · ");
}

export function headline(n: Notification): string {
  if (n.kind === "digest") {
    return `[DIGEST] ${groupName(n)}: ${n.digest.length} low-priority ${n.digest.length === 1 ? "item" : "items"}`;
  }
  const parts: string[] = [];
  if (n.firing.length) parts.push(`FIRING:${n.firing.length}`);
  if (n.resolved.length) parts.push(`RESOLVED:${n.resolved.length}`);
  const what = n.firing.length
    ? `${n.firing.length} ${n.firing.length === 1 ? "check" : "checks"} failing`
    : `${n.resolved.length === 1 ? "check" : "checks"} passing again`;
  const severity = n.firing.length && n.severity === "critical" ? " critical" : "";
  return `[${parts.join(", ")}]${severity} ${groupName(n)}: ${what}`;
}

/** The failure's tier and cause, the first thing said about it. */
export function diagnosisLine(view: AlertView): string | undefined {
  return view.diagnosis ? `⚑ ${view.diagnosis}` : undefined;
}

/** "failing since …", related to the nearest deploy before it when the run knows its deploys. */
export function sinceLine(
  view: AlertView,
  n: Pick<Notification, "decidedAt" | "run">,
): string | undefined {
  if (view.failingSince === undefined) return undefined;
  const since = `failing since ${formatInstant(view.failingSince)} (${formatDuration(n.decidedAt - view.failingSince)}, ${runs(view.failedRuns)})`;
  const deploy = deployBeforeLine(n.run.deploys, view.failingSince);
  return deploy ? `${since}, ${deploy}` : since;
}

export function resolvedLine(view: AlertView, n?: Pick<Notification, "run">): string {
  const after = `after ${runs(view.failedRuns)}`;
  const span =
    view.failingSince !== undefined && view.resolvedAt !== undefined
      ? `, down ${formatDuration(view.resolvedAt - view.failingSince)}`
      : "";
  const at = view.resolvedAt !== undefined ? ` at ${formatInstant(view.resolvedAt)}` : "";
  const rollback = n ? rollbackLine(view.liveAtFailure, n.run.deploys) : undefined;
  return `passing again${at} ${after}${span}${rollback ? `, ${rollback}` : ""}`;
}

/** What was live on the platforms during the run, when it could read them. */
export function deploysLine(n: Pick<Notification, "run">): string | undefined {
  return liveLine(n.run.deploys);
}

export function whereLine(view: AlertView): string {
  return [view.location, `tier ${view.tier}`, `project ${view.project}`, view.severity]
    .filter(Boolean)
    .join(" · ");
}

/** The run's report link is in the footer once; per alert only what is its own. */
export function linkLines(view: AlertView): string[] {
  return view.links?.trace ? [`Trace: ${view.links.trace}`] : [];
}

export function footerLine(n: Notification): string {
  const report = n.run.reportUrl ? ` · report ${n.run.reportUrl}` : "";
  return `Run ${n.run.runId} · environment ${n.run.environment} (${n.run.kind})${report}`;
}

export function fallbackLine(n: Notification): string | undefined {
  if (!n.fallbackFor) return undefined;
  return `Sent here because channel "${n.fallbackFor.channel}" failed: ${n.fallbackFor.reason}`;
}

const DIGEST_LABEL: Record<DigestItem["kind"], string> = {
  flaky: "flaky (passed on retry)",
  "flapping-start": "started flapping (notifications paused)",
  "flapping-stop": "stopped flapping (notifications resume)",
};

export function digestLine(item: DigestItem): string {
  const times = item.count > 1 ? ` ×${item.count}` : "";
  return `${item.title} [${item.environment}/${item.tier}] ${DIGEST_LABEL[item.kind]}${times}`;
}

/** The whole message as plain text: email body, console output, Slack fallback. */
export function plainText(n: Notification): string {
  const out: string[] = [headline(n), ""];
  const fallback = fallbackLine(n);
  if (fallback) out.push(fallback, "");
  for (const view of n.firing) {
    out.push(`✖ ${view.title}`);
    const diagnosis = diagnosisLine(view);
    if (diagnosis) out.push(`  ${diagnosis}`);
    out.push(`  ${whereLine(view)}`);
    const since = sinceLine(view, n);
    if (since) out.push(`  ${since}`);
    for (const line of firstLines(view.error)) out.push(`  │ ${line}`);
    for (const line of linkLines(view)) out.push(`  ${line}`);
    out.push("");
  }
  for (const view of n.resolved) {
    out.push(`✔ ${view.title}`, `  ${whereLine(view)}`, `  ${resolvedLine(view, n)}`, "");
  }
  for (const item of n.digest) {
    out.push(`• ${digestLine(item)}`);
    for (const line of firstLines(item.error, 2)) out.push(`  │ ${line}`);
  }
  if (n.digest.length) out.push("");
  const live = deploysLine(n);
  if (live && n.kind === "alert") out.push(live);
  out.push(footerLine(n));
  return out.join("\n");
}
