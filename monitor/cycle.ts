import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Silence } from "../alerts/policy-schema.ts";
import type { CycleResults } from "../reporters/history.ts";
import { type StartedProcess, startProcess } from "../scripts/process.ts";
import type { MonitorConfig } from "./config-schema.ts";
import { RECHECK_JOB } from "./scheduler.ts";
import { playwrightArgs, type Selection } from "./selection.ts";
import type { CycleRecord, CycleStatus } from "./types.ts";

// One cycle: a real `playwright test` run of the suite (SYNTHETIC_RUN_KIND=scheduled,
// so alerts, reports and redaction work as in any run), in a process group of
// its own so a timeout or a stop takes its workers and browsers with it.

const PLAYWRIGHT_CLI = createRequire(import.meta.url).resolve("@playwright/test/cli");
const KEEP_OUTPUT_CHARS = 200_000;

export interface CycleRequest {
  runId: string;
  job: string;
  selection: Selection;
  /** The process environment of the run: the target's variables included. */
  env: NodeJS.ProcessEnv;
  config: MonitorConfig;
  location: string;
  environment: string;
  /** Silences for the maintenance windows open now (added to ALERT_SILENCES). */
  silences: Silence[];
  maintenance: CycleRecord["maintenance"];
  /** Set for this cycle only (e.g. SYNTHETIC_QUORUM_FILE). */
  extraEnv?: Record<string, string>;
  /** Where the cycle's results, log and re-check notes go; the caller removes it. */
  workDir: string;
  root: string;
}

export interface RunningCycle {
  runId: string;
  startedAt: number;
  done: Promise<CycleOutcome>;
  /** Ends the cycle early: SIGINT to the run (Playwright stops and tears down), SIGKILL after `graceMs`. */
  interrupt(graceMs: number): void;
}

export interface CycleOutcome {
  record: CycleRecord;
  /** The run's output (its last part), for the log file and failure notes. */
  output: string;
}

export function startCycle(request: CycleRequest): RunningCycle {
  const startedAt = Date.now();
  const resultsFile = path.join(request.workDir, "results.json");
  const recheckDir = path.join(request.workDir, "recheck");
  const { recheck } = request.config;
  const env: NodeJS.ProcessEnv = {
    ...request.env,
    ...request.extraEnv,
    SYNTHETIC_RUN_KIND: "scheduled",
    SYNTHETIC_RUN_ID: request.runId,
    SYNTHETIC_HISTORY_FILE: resultsFile,
    SYNTHETIC_RECHECK: JSON.stringify({
      backoff: recheck.backoff,
      delayMs: recheck.delaySeconds * 1000,
      networkOnly: recheck.networkOnly,
      dir: recheckDir,
    }),
    ALERT_SILENCES: JSON.stringify([...userSilences(request.env), ...request.silences]),
    // Each cycle's reports and traces stay with it (`<dir>/cycles/<run id>/`), never the checkout's.
    PLAYWRIGHT_JUNIT_OUTPUT_FILE: path.join(request.workDir, "test-results", "junit.xml"),
    PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(request.workDir, "playwright-report"),
    ALLURE_RESULTS_DIR: path.join(request.workDir, "allure-results"),
    // A cycle's own terminal is the monitor's log, not a TTY.
    FORCE_COLOR: "0",
  };
  delete env.PLAYWRIGHT_JSON_OUTPUT_FILE;
  // The monitor's own secrets are nothing a check needs.
  delete env.MONITOR_DATABASE_URL;
  delete env.MONITOR_HEARTBEAT_URL;
  const args = [
    PLAYWRIGHT_CLI,
    "test",
    // A re-check cycle is the re-run itself: its verdict is the check's state now, no retry.
    `--retries=${request.job === RECHECK_JOB ? 0 : recheck.attempts}`,
    `--output=${path.join(request.workDir, "test-results")}`,
    // A selection a pause emptied is nothing to run, not a failure.
    "--pass-with-no-tests",
    ...playwrightArgs(request.selection),
  ];
  let started: StartedProcess | undefined;
  let interrupted = false;
  const timeoutMs = request.config.cycleTimeoutMinutes * 60_000;
  const done = (async (): Promise<CycleOutcome> => {
    await mkdir(recheckDir, { recursive: true });
    await rm(resultsFile, { force: true });
    started = startProcess(process.execPath, args, {
      cwd: request.root,
      env,
      keepChars: KEEP_OUTPUT_CHARS,
      timeoutMs,
      processGroup: true,
    });
    const ran = await started.done.catch((error: Error) => ({
      code: null,
      output: `the run could not start: ${error.message}`,
      timedOut: false,
    }));
    await writeFile(path.join(request.workDir, "output.log"), ran.output);
    const results = await readResults(resultsFile);
    const status: CycleStatus = ran.timedOut
      ? "timed-out"
      : interrupted
        ? "interrupted"
        : ran.code === 0
          ? "passed"
          : ran.code === 1
            ? "failed"
            : "errored";
    return {
      record: {
        runId: request.runId,
        location: request.location,
        environment: request.environment,
        job: request.job,
        startedAt: new Date(startedAt).toISOString(),
        endedAt: new Date().toISOString(),
        status,
        exitCode: ran.code,
        versions: results?.versions ?? {},
        maintenance: request.maintenance,
        ...(results?.deploys?.length ? { deploys: results.deploys } : {}),
        results: results?.results ?? [],
      },
      output: ran.output,
    };
  })();
  return {
    runId: request.runId,
    startedAt,
    done,
    interrupt(graceMs) {
      // A run that has ended keeps its own verdict.
      const child = started?.child;
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      interrupted = true;
      started?.signal("SIGINT");
      setTimeout(() => started?.signal("SIGKILL"), graceMs).unref();
    },
  };
}

/** The silences ALERT_SILENCES already holds, so the monitor adds to them rather than replacing them. */
export function userSilences(env: NodeJS.ProcessEnv): unknown[] {
  const raw = env.ALERT_SILENCES?.trim();
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    // The run's own config check names ALERT_SILENCES; passing it on keeps that message.
    return [];
  }
}

async function readResults(file: string): Promise<CycleResults | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as CycleResults;
  } catch {
    return undefined;
  }
}
