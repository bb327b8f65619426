// The monitor's Prometheus metrics, in a registry of its own so nothing else
// in the process (a library using prom-client's global registry) leaks into
// the scrape, and two monitors in one test process do not share counters.
import { createHash } from "node:crypto";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import {
  type CycleRecord,
  RESULT_STATUSES,
  type ResultRecord,
  type ResultStatus,
} from "./types.ts";

/** A skipped result is no data: it never changes a check's status or last success. */
const STATUS_VALUES = RESULT_STATUSES.filter((status) => status !== "skipped");
const SUCCESSFUL = new Set<ResultStatus>(["passed", "flaky", "degraded"]);

// A check runs from tens of milliseconds (an API probe) to a minute (a long journey).
const CHECK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];
// A cycle is the whole Playwright run: seconds locally, many minutes for a big suite.
const CYCLE_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600];

const CHECK_LABELS = ["environment", "project", "tier", "location", "check"] as const;
const CYCLE_LABELS = ["environment", "location", "job", "status"] as const;
const MONITOR_LABELS = ["environment", "location"] as const;

/** Long enough for a title path, short enough for a dashboard legend. */
const CHECK_LABEL_CHARS = 150;

/**
 * The `check` label: the title path, or the checkId when there is no title.
 * Cut ones keep a hash of the whole, so two long titles with a common start
 * stay two series.
 */
export function checkLabelOf(result: Pick<ResultRecord, "title" | "checkId">): string {
  const full = result.title.trim() || result.checkId;
  if (full.length <= CHECK_LABEL_CHARS) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, CHECK_LABEL_CHARS - 10)}… ${hash}`;
}

export interface MonitorMetricsOptions {
  /** Labels of the monitor-level series (alerts, heartbeat, history), which no cycle carries. */
  environment: string;
  location: string;
}

export class MonitorMetrics {
  readonly registry = new Registry();
  readonly #monitor: { environment: string; location: string };
  /** The tier each check's series carry, so a check that moves tier drops its old series. */
  readonly #tiers = new Map<string, string>();

  readonly #checkStatus = new Gauge({
    name: "synthetic_check_status",
    help: "1 for the check's status in its last cycle with data, 0 for the other statuses.",
    labelNames: [...CHECK_LABELS, "status"],
    registers: [this.registry],
  });
  readonly #checkDuration = new Histogram({
    name: "synthetic_check_duration_seconds",
    help: "How long each check took (all attempts), skipped checks left out.",
    labelNames: CHECK_LABELS,
    buckets: CHECK_BUCKETS,
    registers: [this.registry],
  });
  readonly #lastSuccess = new Gauge({
    name: "synthetic_check_last_success_timestamp_seconds",
    help: "End of the last cycle in which the check passed, was flaky or degraded (Unix seconds).",
    labelNames: CHECK_LABELS,
    registers: [this.registry],
  });
  readonly #retries = new Counter({
    name: "synthetic_check_retries_total",
    help: "Attempts after the first, summed over cycles.",
    labelNames: CHECK_LABELS,
    registers: [this.registry],
  });
  readonly #cycleDuration = new Histogram({
    name: "synthetic_cycle_duration_seconds",
    help: "How long each monitor cycle took.",
    labelNames: CYCLE_LABELS,
    buckets: CYCLE_BUCKETS,
    registers: [this.registry],
  });
  readonly #cycles = new Counter({
    name: "synthetic_cycles_total",
    help: "Monitor cycles, by how they ended.",
    labelNames: CYCLE_LABELS,
    registers: [this.registry],
  });
  readonly #cycleLastEnd = new Gauge({
    name: "synthetic_cycle_last_end_timestamp_seconds",
    help: "When the last cycle of a job ended (Unix seconds).",
    labelNames: ["environment", "location", "job"],
    registers: [this.registry],
  });
  readonly #alertsSent = new Counter({
    name: "synthetic_alerts_sent_total",
    help: "Alert notifications delivered, by channel.",
    labelNames: [...MONITOR_LABELS, "channel"],
    registers: [this.registry],
  });
  readonly #heartbeatFailures = new Counter({
    name: "synthetic_heartbeat_failures_total",
    help: "Heartbeat pings that failed after their retries.",
    labelNames: MONITOR_LABELS,
    registers: [this.registry],
  });
  readonly #historyBuffered = new Gauge({
    name: "synthetic_history_buffered_cycles",
    help: "Cycles waiting to be written to the history store.",
    labelNames: MONITOR_LABELS,
    registers: [this.registry],
  });

  constructor(options: MonitorMetricsOptions) {
    this.#monitor = { environment: options.environment, location: options.location };
    // Present from the first scrape, so rate() and absent() work before anything failed.
    this.#heartbeatFailures.inc(this.#monitor, 0);
    this.#historyBuffered.set(this.#monitor, 0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  observeCycle(cycle: CycleRecord, durationSeconds: number): void {
    const endedAt = Date.parse(cycle.endedAt) / 1000;
    for (const result of cycle.results) {
      if (result.status === "skipped") continue;
      const labels = {
        environment: cycle.environment,
        project: result.project,
        tier: result.tier,
        location: cycle.location,
        check: checkLabelOf(result),
      };
      this.#forgetOldTier(labels);
      for (const status of STATUS_VALUES) {
        this.#checkStatus.set({ ...labels, status }, status === result.status ? 1 : 0);
      }
      this.#checkDuration.observe(labels, result.durationMs / 1000);
      this.#retries.inc(labels, result.retries);
      if (SUCCESSFUL.has(result.status) && Number.isFinite(endedAt)) {
        this.#lastSuccess.set(labels, endedAt);
      }
    }
    const cycleLabels = {
      environment: cycle.environment,
      location: cycle.location,
      job: cycle.job,
      status: cycle.status,
    };
    this.#cycleDuration.observe(cycleLabels, durationSeconds);
    this.#cycles.inc(cycleLabels);
    if (Number.isFinite(endedAt)) {
      const { status: _, ...jobLabels } = cycleLabels;
      this.#cycleLastEnd.set(jobLabels, endedAt);
    }
  }

  alertsSent(channel: string, count: number): void {
    this.#alertsSent.inc({ ...this.#monitor, channel }, count);
  }

  heartbeatFailed(): void {
    this.#heartbeatFailures.inc(this.#monitor);
  }

  historyBuffered(n: number): void {
    this.#historyBuffered.set(this.#monitor, n);
  }

  // Without this a check that moved tier would report two statuses for ever.
  #forgetOldTier(labels: Record<(typeof CHECK_LABELS)[number], string>): void {
    const key = JSON.stringify([labels.environment, labels.project, labels.location, labels.check]);
    const old = this.#tiers.get(key);
    this.#tiers.set(key, labels.tier);
    if (old === undefined || old === labels.tier) return;
    const stale = { ...labels, tier: old };
    for (const status of STATUS_VALUES) this.#checkStatus.remove({ ...stale, status });
    this.#checkDuration.remove(stale);
    this.#lastSuccess.remove(stale);
    this.#retries.remove(stale);
  }
}
