import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  defineMonitor,
  type MonitorConfig,
  MonitorConfigError,
  type MonitorConfigInput,
} from "./config-schema.ts";
import defaultConfig from "./monitor.config.ts";

/**
 * The configuration a monitor runs with: the module at `path` (its default
 * export, written with defineMonitor), resolved against `baseDir`, or the
 * project's own. A missing module or a bad field throws MonitorConfigError.
 */
export async function loadMonitorConfig(
  path: string | undefined,
  baseDir: string,
): Promise<MonitorConfig> {
  if (!path) return defaultConfig;
  const file = resolve(baseDir, path);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    if (error instanceof MonitorConfigError) throw retitled(error, path);
    throw new MonitorConfigError(`MONITOR_CONFIG ${path}`, [
      `could not be loaded: ${(error as Error).message.split("\n")[0]}`,
    ]);
  }
  if (module.default === undefined)
    throw new MonitorConfigError(`MONITOR_CONFIG ${path}`, [
      "has no default export (export default defineMonitor({ … }))",
    ]);
  return defineMonitor(module.default as MonitorConfigInput, `MONITOR_CONFIG ${path}`);
}

function retitled(error: MonitorConfigError, path: string): MonitorConfigError {
  const lines = error.message.split("\n").slice(1);
  return new MonitorConfigError(
    `MONITOR_CONFIG ${path}`,
    lines.map((line) => line.replace(/^ {2}- /, "")),
  );
}
