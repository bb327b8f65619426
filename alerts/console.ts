import type { Delivered } from "./deliver.ts";
import { headline, plainText } from "./messages/text.ts";
import type { RunInfo } from "./types.ts";

export interface ConsoleSummary {
  run: RunInfo;
  counts: { failed: number; flaky: number; passed: number };
  delivered: readonly Delivered[];
  problems: readonly string[];
  /** Things a person should know that are not failures (e.g. nothing configured). */
  notes: readonly string[];
  /** Print each message in full (the local default, so a person sees what an alert looks like). */
  full: boolean;
  journalPath: string;
}

/** Lines for the terminal; everything here is already redacted. */
export function consoleLines(s: ConsoleSummary): string[] {
  const { failed, flaky, passed } = s.counts;
  const lines = [
    `[alerts] ${s.run.environment} (${s.run.kind}) run ${s.run.runId}: ${failed} failed, ${flaky} flaky, ${passed} passed; ${s.delivered.length} notification(s)`,
  ];
  for (const d of s.delivered) {
    const n = d.notification;
    const via = n.fallbackFor ? ` (standing in for ${n.fallbackFor.channel})` : "";
    const status = d.result.ok
      ? `delivered after ${d.acceptedAfterMs ?? 0} ms`
      : `NOT delivered after ${d.result.attempts} attempt(s): ${d.result.reason}`;
    lines.push(`[alerts] ${d.result.ok ? "→" : "✗"} ${n.channel}${via} ${headline(n)}: ${status}`);
    if (s.full && d.result.ok) {
      lines.push(
        ...plainText(n)
          .split("\n")
          .map((line) => `    ${line}`),
      );
    }
  }
  for (const note of s.notes) lines.push(`[alerts] ${note}`);
  for (const problem of s.problems) lines.push(`[alerts] PROBLEM: ${problem}`);
  if (s.delivered.length || s.problems.length) lines.push(`[alerts] journal: ${s.journalPath}`);
  return lines;
}
