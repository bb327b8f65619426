import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where Allure's inputs and outputs live. Each can be moved with an env
 * variable, so a run under test never touches the developer's own report.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function resultsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(ROOT, env.ALLURE_RESULTS_DIR || "allure-results");
}

export function reportDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(ROOT, env.ALLURE_REPORT_DIR || "allure-report");
}

/** One line per generated report; kept outside the report so regenerating keeps the trend. */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(ROOT, env.ALLURE_HISTORY_FILE || path.join(".allure", "history.jsonl"));
}
