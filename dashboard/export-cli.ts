// npm run dashboard:export [-- --out DIR]: the dashboard as static files,
// from the history the monitor is configured with.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { configFromEnv } from "../alerts/config.ts";
import { loadMonitorConfig } from "../monitor/config-file.ts";
import { monitorEnv } from "../monitor/env.ts";
import { openHistory } from "../monitor/history/index.ts";
import { parseCommandLine, shownPath } from "../scripts/command-line.ts";
import { loadDotenv } from "../target/config.ts";
import { exportDashboard } from "./export.ts";
import { alertsSource } from "./source.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = `Usage: npm run dashboard:export [-- --out DIR] [--days N]

Writes the dashboard's pages and their data as static files (default
dashboard-export/), from the monitor's history: MONITOR_DATABASE_URL, or the
embedded database in MONITOR_DIR (stop the monitor using it first).

  --out DIR   where to write (created if absent)
  --days N    days of runs and timings on check and timings pages (default 7, max 90)`;

const flags = parseCommandLine("npm run dashboard:export", USAGE, {
  out: { type: "string" },
  days: { type: "string" },
  help: { type: "boolean" },
});
const days = flags.days === undefined ? 7 : Number(flags.days);
if (!Number.isInteger(days) || days < 1 || days > 90) {
  process.stderr.write(`npm run dashboard:export: --days must be a whole number from 1 to 90\n`);
  process.exit(2);
}
loadDotenv(ROOT);
let env: ReturnType<typeof monitorEnv>;
let alerts: ReturnType<typeof configFromEnv>;
let maintenance: Awaited<ReturnType<typeof loadMonitorConfig>>["maintenance"];
try {
  env = monitorEnv(process.env, ROOT);
  alerts = configFromEnv();
  maintenance = (await loadMonitorConfig(env.configPath, ROOT)).maintenance;
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const out = path.resolve(flags.out ?? "dashboard-export");
const history = await openHistory({ databaseUrl: env.databaseUrl, dir: env.dir }).catch(
  (error: Error) => {
    process.stderr.write(`npm run dashboard:export: cannot open the history: ${error.message}\n`);
    process.exit(1);
  },
);
try {
  const summary = await exportDashboard(
    {
      history: history.store,
      maintenance,
      alerts: alertsSource(alerts, ROOT),
      monitorDir: env.dir,
    },
    out,
    { days },
  );
  process.stdout.write(
    `dashboard exported to ${shownPath(out)}: ${summary.pages} page(s), ${summary.checks} check(s)${summary.databaseOk ? "" : " (the history database was unavailable: the pages say so)"}\n`,
  );
  process.exitCode = summary.databaseOk ? 0 : 1;
} finally {
  await history.close();
}
