import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess } from "../scripts/process.ts";
import { historyNames, reportName, runOfResults } from "./history.ts";
import { historyFile, ROOT, reportDir, resultsDir } from "./paths.ts";

const CONFIG = path.join(path.dirname(fileURLToPath(import.meta.url)), "allurerc.ts");

/**
 * Every results directory of the run: allure-results itself (Playwright) and
 * each subdirectory holding results (other producers, e.g. Artillery).
 */
export function resultDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const root = resultsDir(env);
  if (!existsSync(root)) return [];
  const subdirectories = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(root, entry.name))
    .filter((dir) => readdirSync(dir).some((file) => file.endsWith("-result.json")));
  return [root, ...subdirectories];
}

export interface Generated {
  exitCode: number;
  output: string;
  reportDir: string;
  resultDirs: string[];
}

/** Runs Allure 3's `generate` (npm package, no Java) over the run's results, appending to the history file. */
export async function generateReport(env: NodeJS.ProcessEnv = process.env): Promise<Generated> {
  const dirs = resultDirs(env);
  const output = reportDir(env);
  if (dirs.length === 0) {
    return {
      exitCode: 1,
      output: `no results in ${path.relative(ROOT, resultsDir(env))}/: run the suite first (npm start)`,
      reportDir: output,
      resultDirs: dirs,
    };
  }
  // A stale page or attachment from an older report must not survive into this one.
  rmSync(output, { recursive: true, force: true });
  // The package exports only its API (dist/index.js); its CLI sits next to dist/.
  const cli = path.join(
    path.dirname(createRequire(import.meta.url).resolve("allure")),
    "..",
    "cli.js",
  );
  const run = runOfResults(resultsDir(env));
  const name = reportName(run);
  // Results without a run id (no Playwright run) cannot be recognised: always a new line.
  const seen = run.runId !== "unknown" && historyNames(historyFile(env)).includes(name);
  const ran = await runProcess(
    process.execPath,
    [cli, "generate", "--config", CONFIG, "--output", output, "--report-name", name, ...dirs],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, FORCE_COLOR: "0", ALLURE_APPEND_HISTORY: seen ? "0" : "1" },
    },
  );
  const text = ran.output;
  const exitCode = ran.code ?? 1;
  const index = path.join(output, "index.html");
  if (exitCode === 0 && existsSync(index))
    writeFileSync(index, withoutAnalytics(readFileSync(index, "utf8")));
  return { exitCode, output: text, reportDir: output, resultDirs: dirs };
}

/**
 * The awesome report's page loads Google Tag Manager, with no option to turn
 * it off (only the allure2 plugin honours ALLURE_NO_ANALYTICS). A report of
 * our runs calls nobody when a reviewer opens it: both scripts go.
 */
export function withoutAnalytics(html: string): string {
  return html
    .replace(/<script[^>]*googletagmanager[^>]*><\/script>\s*/g, "")
    .replace(
      /<script>(?:(?!<\/script>)[\s\S])*\bgtag\((?:(?!<\/script>)[\s\S])*<\/script>\s*/g,
      "",
    );
}
