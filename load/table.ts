import type { EndpointVerdict } from "./verdict.ts";

/** An endpoint of a scenario the app does not have, and why (load/needs.ts). */
export interface SkippedEndpoint {
  endpoint: string;
  scenario: string;
  reason: string;
}

/**
 * The run as a terminal table: measured value, with its limit in brackets;
 * skipped endpoints last, with their reason as the verdict.
 */
export function verdictTable(
  verdicts: readonly EndpointVerdict[],
  skipped: readonly SkippedEndpoint[] = [],
): string {
  const header = [
    "endpoint",
    "requests",
    "ok/s (min)",
    "p50 ms",
    "p95 ms (max)",
    "p99 ms (max)",
    "errors (max)",
    "baseline p95",
    "verdict",
  ];
  const rows = verdicts.map(({ stats, sla, baseline, breaches }) => [
    stats.endpoint,
    String(stats.requests),
    `${stats.throughputRps.toFixed(2)} (${sla.minThroughputRps})`,
    ms(stats.p50Ms),
    `${ms(stats.p95Ms)} (${sla.p95Ms})`,
    `${ms(stats.p99Ms)} (${sla.p99Ms})`,
    `${percent(stats.errorRate)} (${percent(sla.maxErrorRate)})`,
    baseline ? ms(baseline.p95Ms) : "-",
    breaches.length === 0
      ? "ok"
      : [...new Set(breaches.map((b) => (b.kind === "sla" ? "SLA" : "REGRESSION")))].join("+"),
  ]);
  for (const { endpoint, reason } of skipped)
    rows.push([endpoint, ...header.slice(1, -1).map(() => "-"), `skipped: ${reason}`]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  // Names and verdicts (a skip's reason is long) read left to right; numbers line up right.
  const left = (i: number) => i === 0 || i === header.length - 1;
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (left(i) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

function ms(value: number | undefined): string {
  return value === undefined ? "-" : String(Math.round(value));
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
