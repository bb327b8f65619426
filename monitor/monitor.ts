import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { configFromEnv } from "../alerts/config.ts";
import { deliveredAlerts } from "../alerts/journal.ts";
import type { QuorumView } from "../alerts/quorum.ts";
import { newRunId } from "../target/config.ts";
import type { MonitorConfig } from "./config-schema.ts";
import { type RunningCycle, startCycle } from "./cycle.ts";
import type { Heartbeat } from "./heartbeat.ts";
import type { BufferedHistory } from "./history/index.ts";
import { openWindows, pausedScopes, silencesOf } from "./maintenance.ts";
import type { MonitorMetrics } from "./metrics.ts";
import { type Selection, withoutPaused } from "./selection.ts";
import type { HealthView } from "./server.ts";
import { reportCycleCheck } from "./suite-defect.ts";
import { type CycleRecord, countsOf } from "./types.ts";

// One cycle, start to finish: maintenance applied, the run, then its record
// everywhere it goes (history, metrics, heartbeat, the monitor's own check)
// and one line in the log.

const KEEP_CYCLE_DIRS = 50;

export interface MonitorOptions {
  config: MonitorConfig;
  root: string;
  /** Where cycle directories go (`<dir>/cycles/<run id>`). */
  dir: string;
  location: string;
  environment: string;
  /** The process environment of every cycle (the target's variables included). */
  env: NodeJS.ProcessEnv;
  history?: BufferedHistory | undefined;
  metrics: MonitorMetrics;
  heartbeat?: Heartbeat | undefined;
  log: (line: string) => void;
  now?: () => number;
  /** When the next cycle is due, for /healthz. */
  nextDueAt?: () => number | undefined;
  /** How long a quiet spell is normal (the schedule's interval). */
  intervalMs?: () => number;
  /** Every location's latest result per check since a time (the history), for the quorum. */
  recentResults?: (
    since: Date,
  ) => Promise<Array<{ checkId: string; location: string; status: string }>>;
}

export class Monitor {
  readonly #options: MonitorOptions;
  readonly #startedAt: number;
  #current: RunningCycle | undefined;
  #last: CycleRecord | undefined;
  #buffered = 0;
  #stopping = false;

  constructor(options: MonitorOptions) {
    this.#options = options;
    this.#startedAt = this.#now();
  }

  get lastCycle(): CycleRecord | undefined {
    return this.#last;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** Runs one cycle of `job` over `selection`; its record (a paused one when maintenance pauses it all). */
  async runCycle(job: string, selection: Selection): Promise<CycleRecord> {
    const { config, log } = this.#options;
    const now = this.#now();
    const open = openWindows(config.maintenance, now);
    const maintenance = open.map((o) => ({ id: o.window.id, effect: o.window.effect }));
    const runId = newRunId();
    const runnable = withoutPaused(selection, pausedScopes(open));
    if (!runnable) {
      const at = new Date(now).toISOString();
      const record = this.#record({
        runId,
        job,
        startedAt: at,
        endedAt: at,
        status: "paused",
        exitCode: null,
        versions: {},
        maintenance,
        results: [],
      });
      log(
        `${job} cycle ${runId}: paused by maintenance ${maintenance
          .filter((m) => m.effect === "pause")
          .map((m) => m.id)
          .join(", ")}`,
      );
      await this.#finish(record, 0);
      return record;
    }
    const workDir = path.join(this.#options.dir, "cycles", runId);
    await mkdir(workDir, { recursive: true });
    log(`${job} cycle ${runId}: started (${describeSelection(runnable)})`);
    await this.#options.heartbeat?.start(runId);
    const extraEnv = await this.#quorumEnv(workDir);
    if (this.#stopping) {
      const at = new Date().toISOString();
      const record = this.#record({
        runId,
        job,
        startedAt: new Date(now).toISOString(),
        endedAt: at,
        status: "interrupted",
        exitCode: null,
        versions: {},
        maintenance,
        results: [],
      });
      log(`${job} cycle ${runId}: interrupted before its run started`);
      await this.#finish(record, 0);
      return record;
    }
    const running = startCycle({
      extraEnv,
      runId,
      job,
      selection: runnable,
      env: this.#options.env,
      config,
      location: this.#options.location,
      environment: this.#options.environment,
      silences: silencesOf(open),
      maintenance,
      workDir,
      root: this.#options.root,
    });
    this.#current = running;
    let record: CycleRecord;
    let output: string;
    try {
      ({ record, output } = await running.done);
    } finally {
      this.#current = undefined;
    }
    const seconds = (Date.parse(record.endedAt) - Date.parse(record.startedAt)) / 1000;
    log(cycleLine(record, seconds, workDir));
    // What the cycle's alert reporter decided and sent belongs in the monitor's log too.
    const alertLines = output
      .split("\n")
      .filter((line) => line.startsWith("[alerts]") && !line.startsWith("[alerts] journal:"));
    if (alertLines.length > 0) log(alertLines.map((line) => `  ${line}`).join("\n"));
    // A run that stopped before its checks (a bad setting) says why in its first lines.
    if (record.status === "errored" && record.results.length === 0)
      log(
        output
          .trim()
          .split("\n")
          .slice(0, 8)
          .map((line) => `  | ${line}`)
          .join("\n"),
      );
    await this.#finish(record, seconds);
    await this.#pruneCycleDirs();
    return record;
  }

  /** With a quorum configured: what the other locations saw lately, for this cycle's alert reporter. */
  async #quorumEnv(workDir: string): Promise<Record<string, string>> {
    const quorum = this.#options.config.quorum;
    if (!quorum || quorum.locations < 2 || !this.#options.recentResults) return {};
    try {
      const since = new Date(this.#now() - quorum.withinMinutes * 60_000);
      const failingElsewhere: Record<string, number> = {};
      const degradedElsewhere: Record<string, number> = {};
      for (const row of await this.#options.recentResults(since)) {
        if (row.location === this.#options.location) continue;
        const tally =
          row.status === "failed" || row.status === "timed-out"
            ? failingElsewhere
            : row.status === "degraded"
              ? degradedElsewhere
              : undefined;
        if (tally) tally[row.checkId] = (tally[row.checkId] ?? 0) + 1;
      }
      const file = path.join(workDir, "quorum.json");
      const view: QuorumView = {
        required: quorum.locations,
        withinMinutes: quorum.withinMinutes,
        failingElsewhere,
        degradedElsewhere,
      };
      await writeFile(file, JSON.stringify(view));
      return { SYNTHETIC_QUORUM_FILE: file };
    } catch (error) {
      // Without the other locations' view every failure counts: alerting fails open, never silent.
      this.#options.log(
        `quorum: the history could not be read (${(error as Error).message.split("\n")[0]}); this cycle's failures count alone`,
      );
      return {};
    }
  }

  #record(fields: Omit<CycleRecord, "location" | "environment">): CycleRecord {
    return { ...fields, location: this.#options.location, environment: this.#options.environment };
  }

  async #finish(record: CycleRecord, seconds: number): Promise<void> {
    const { history, metrics, heartbeat, log, config } = this.#options;
    this.#last = record;
    metrics.observeCycle(record, seconds);
    if (history) {
      try {
        const outcome = await history.write(record);
        // A write that got through stored the spool first: nothing waits any more.
        this.#buffered = outcome === "buffered" ? this.#buffered + 1 : 0;
        metrics.historyBuffered(this.#buffered);
        if (outcome === "buffered")
          log(`history: cycle ${record.runId} kept on disk until the database is back`);
      } catch (error) {
        log(`history: ${(error as Error).message}`);
      }
    }
    if (record.status !== "paused") {
      // The maintenance windows of the cycle's start silence the monitor's own check too.
      const silences = silencesOf(openWindows(config.maintenance, Date.parse(record.startedAt)));
      await reportCycleCheck(
        record,
        config.cycleTimeoutMinutes,
        this.#options.env,
        this.#options.root,
        log,
        silences,
      );
      const journal = path.resolve(this.#options.root, this.#journalPath());
      for (const runId of [record.runId, `${record.runId}-monitor`])
        for (const [channel, count] of await deliveredAlerts(journal, runId))
          metrics.alertsSent(channel, count);
    }
    // An interrupted cycle (the monitor stopping) says nothing either way: no end ping.
    if (record.status === "interrupted") return;
    const healthy = record.status === "passed" || record.status === "paused";
    await (healthy ? heartbeat?.success(record) : heartbeat?.fail(record));
  }

  #journalPath(): string {
    try {
      return configFromEnv(this.#options.env).journalPath;
    } catch {
      return ".alerts/journal.jsonl";
    }
  }

  /** Ends the running cycle early (SIGINT to its run, SIGKILL after graceMs); a cycle not yet started does not start. */
  interrupt(graceMs: number): void {
    this.#stopping = true;
    this.#current?.interrupt(graceMs);
  }

  /** The running cycle's end, if one runs. */
  get current(): Promise<unknown> | undefined {
    return this.#current?.done;
  }

  health(): HealthView {
    const now = this.#now();
    const { config } = this.#options;
    const interval = this.#options.intervalMs?.() ?? 5 * 60_000;
    const since = this.#last ? Date.parse(this.#last.endedAt) : this.#startedAt;
    // Quiet for longer than a schedule interval, a cycle's timeout, its jitter and a minute: stuck.
    const overdueAt =
      since + interval + config.cycleTimeoutMinutes * 60_000 + config.jitterSeconds * 1000 + 60_000;
    const next = this.#options.nextDueAt?.();
    return {
      overdue: now > overdueAt,
      lastCycle: this.#last
        ? { runId: this.#last.runId, status: this.#last.status, endedAt: this.#last.endedAt }
        : null,
      nextDueAt: next === undefined ? null : new Date(next).toISOString(),
      overdueAfter: new Date(overdueAt).toISOString(),
    };
  }

  async #pruneCycleDirs(): Promise<void> {
    const dir = path.join(this.#options.dir, "cycles");
    const entries = (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) =>
      e.isDirectory(),
    );
    if (entries.length <= KEEP_CYCLE_DIRS) return;
    // Run ids start with a base-36 time, so names sort by age.
    const old = entries
      .map((e) => e.name)
      .sort()
      .slice(0, entries.length - KEEP_CYCLE_DIRS);
    await Promise.all(
      old.map((name) => rm(path.join(dir, name), { recursive: true, force: true })),
    );
  }
}

function describeSelection(selection: Selection): string {
  const parts = [selection.projects.join(", ")];
  if (selection.tags.length) parts.push(`tags ${selection.tags.join(" ")}`);
  if (selection.withoutTags.length) parts.push(`without ${selection.withoutTags.join(" ")}`);
  if (selection.locations.length) parts.push(selection.locations.join(" "));
  return parts.join("; ");
}

function cycleLine(record: CycleRecord, seconds: number, workDir: string): string {
  const counts = Object.entries(countsOf(record))
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(", ");
  const head = `${record.job} cycle ${record.runId}: ${record.status} in ${seconds.toFixed(1)} s${counts ? ` (${counts})` : ""}`;
  const failing = record.results
    .filter((r) => r.status === "failed" || r.status === "timed-out")
    .map((r) => `\n  ✘ [${r.project}] ${r.title}${r.error ? `: ${firstLine(r.error)}` : ""}`);
  const degraded = record.results
    .filter((r) => r.status === "degraded")
    .map((r) => `\n  ~ [${r.project}] ${r.title} (degraded)`);
  const tail =
    record.status === "errored" ||
    record.status === "timed-out" ||
    (record.status === "failed" && failing.length === 0)
      ? `\n  the run's output: ${path.join(workDir, "output.log")}`
      : "";
  return `${head}${failing.join("")}${degraded.join("")}${tail}`;
}

/** An error's first line; for a bare `expect(…)` line, with what was expected and received. */
function firstLine(error: string): string {
  const lines = error.split("\n").map((line) => line.trim());
  const first = lines[0] ?? "";
  if (!/^Error: expect\(/.test(first)) return first;
  const detail = lines.filter((line) => /^(Expected|Received)\b/.test(line));
  return detail.length > 0 ? `${first}: ${detail.join("; ")}` : first;
}
