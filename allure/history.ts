import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Allure 3 keeps history as one JSON line per generated report (the file at
 * historyFile()); trends and each test's History tab read it. A report is
 * named after its run, so generating the same run's report again does not
 * count that run twice.
 */
export function reportName(run: { environment: string; runId: string }): string {
  return `Synthetic monitoring · ${run.environment} · run ${run.runId}`;
}

/** The run the results describe, from the environment.properties reporters/allure-run.ts wrote. */
export function runOfResults(resultsDir: string): { environment: string; runId: string } {
  const file = path.join(resultsDir, "environment.properties");
  const properties = existsSync(file) ? readFileSync(file, "utf8") : "";
  const value = (key: string) =>
    properties.match(new RegExp(`^${key.replace(".", "\\.")}=(.*)$`, "m"))?.[1]?.trim();
  return { environment: value("environment") ?? "unknown", runId: value("run.id") ?? "unknown" };
}

/** Names of the reports the history holds, oldest first. */
export function historyNames(historyFile: string): string[] {
  if (!existsSync(historyFile)) return [];
  return readFileSync(historyFile, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => {
      try {
        return String((JSON.parse(line) as { name?: unknown }).name ?? "");
      } catch {
        return "";
      }
    });
}
