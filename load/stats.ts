import type { ArtilleryReport } from "./artillery.ts";
import { failedCounter, latencySummary, requestsCounter } from "./metric-names.ts";

/** One endpoint's numbers from one run, read from Artillery's aggregate report. */
export interface EndpointStats {
  endpoint: string;
  scenario: string;
  requests: number;
  failed: number;
  /** failed / requests; 0 when nothing was sent. */
  errorRate: number;
  /** Successful answers per second of the measured phase. */
  throughputRps: number;
  /** The rate the profile offered the scenario (visits per second). */
  offeredRps: number;
  /** Undefined when no answer came back to time. */
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
}

export function endpointStats(
  report: ArtilleryReport | undefined,
  endpoint: string,
  scenario: string,
  phase: { durationSeconds: number; ratePerSecond: number },
): EndpointStats {
  const counters = report?.aggregate.counters ?? {};
  const latency = report?.aggregate.summaries[latencySummary(endpoint)];
  const requests = counters[requestsCounter(endpoint)] ?? 0;
  const failed = Math.min(requests, counters[failedCounter(endpoint)] ?? 0);
  return {
    endpoint,
    scenario,
    requests,
    failed,
    errorRate: requests > 0 ? failed / requests : 0,
    throughputRps: (requests - failed) / phase.durationSeconds,
    offeredRps: phase.ratePerSecond,
    p50Ms: latency?.p50,
    p95Ms: latency?.p95,
    p99Ms: latency?.p99,
  };
}

/** Request names a report measured, so a scenario that names an endpoint the SLA lacks is caught. */
export function measuredEndpoints(report: ArtilleryReport | undefined): string[] {
  const prefix = requestsCounter("");
  return Object.keys(report?.aggregate.counters ?? {})
    .filter((name) => name.startsWith(prefix))
    .map((name) => name.slice(prefix.length));
}
