import type { Deploy } from "../platform/index.ts";
// What a monitor cycle produces, shared by the history, the metrics, the
// heartbeat and the scheduler. Plain data: every field survives JSON.

/** A cycle's verdict. `timed-out`: killed at its timeout (a suite defect, not an outage). */
export type CycleStatus = "passed" | "failed" | "timed-out" | "errored" | "paused" | "interrupted";

/** A check's result in one cycle. `degraded` passed, but over its degraded budget. */
export type ResultStatus = "passed" | "failed" | "flaky" | "degraded" | "skipped" | "timed-out";

export const RESULT_STATUSES: readonly ResultStatus[] = [
  "passed",
  "failed",
  "flaky",
  "degraded",
  "skipped",
  "timed-out",
];

export interface ResultRecord {
  /** Stable across runs: project, spec file and title path (see checkIdOf). */
  checkId: string;
  project: string;
  file: string;
  /** Where the test starts in `file`: a re-check selects it with `file:line`. */
  line?: number | undefined;
  title: string;
  tier: string;
  severity: "critical" | "warning";
  tags: string[];
  status: ResultStatus;
  durationMs: number;
  /** Attempts after the first (0 when the first attempt decided it). */
  retries: number;
  /** The final (or, for flaky, the failing) attempt's error, redacted and cut short. */
  error?: string | undefined;
  /** Timings the check recorded (its `sla` attachment), by name: "home TTFB" → ms. */
  timings: Record<string, number>;
  /** A failure's tier and cause (fixtures/diagnosis.ts). */
  diagnosis?: string | undefined;
  /** Playwright's id of the test: its page in the cycle's HTML report (trace, screenshots). */
  testId?: string | undefined;
}

export interface CycleRecord {
  runId: string;
  location: string;
  environment: string;
  /** The schedule entry that started it ("default", a name from the config, or "recheck"). */
  job: string;
  startedAt: string;
  endedAt: string;
  status: CycleStatus;
  exitCode: number | null;
  /** The target's versions as seen during the cycle, e.g. { backend: "abc1234" }. */
  versions: Record<string, string>;
  /** Maintenance windows in force when the cycle started, by id, with their effect. */
  maintenance: Array<{ id: string; effect: "pause" | "silence" }>;
  /** The platforms' live and recent deploys as the cycle read them (none without platform access). */
  deploys?: Deploy[] | undefined;
  results: ResultRecord[];
}

export function countsOf(cycle: Pick<CycleRecord, "results">): Record<ResultStatus, number> {
  const counts = Object.fromEntries(RESULT_STATUSES.map((s) => [s, 0])) as Record<
    ResultStatus,
    number
  >;
  for (const result of cycle.results) counts[result.status] += 1;
  return counts;
}
