import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess } from "../../scripts/process.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface TestOutcome {
  project: string;
  title: string;
  outcome: "expected" | "unexpected" | "flaky" | "skipped";
  errors: string[];
}

export interface SuiteRun {
  exitCode: number;
  tests: TestOutcome[];
  output: string;
}

interface JsonSpec {
  title: string;
  tests: Array<{
    projectName: string;
    status: TestOutcome["outcome"];
    results: Array<{ errors?: Array<{ message?: string }> }>;
  }>;
}
interface JsonSuite {
  title: string;
  specs?: JsonSpec[];
  suites?: JsonSuite[];
}

export interface RunOptions {
  /**
   * Keep the reporters of playwright.config.ts (JSON is added to them) and
   * write every artifact under this directory, which the caller owns and
   * reads afterwards: test-results/, playwright-report/, allure-results/.
   */
  artifactsDir?: string;
}

/** Runs the real suite (`playwright test`) in a child process with `env`, and reads its JSON report. */
export async function runSuite(
  env: Record<string, string>,
  args: string[] = [],
  options: RunOptions = {},
): Promise<SuiteRun> {
  const dir = await mkdtemp(path.join(tmpdir(), "suite-run-"));
  const report = path.join(dir, "report.json");
  const artifacts = options.artifactsDir;
  const ran = await runProcess(
    "npx",
    [
      "playwright",
      "test",
      "--retries=0",
      ...(artifacts ? [] : ["--reporter=json"]),
      `--output=${artifacts ? path.join(artifacts, "test-results") : path.join(dir, "results")}`,
      ...args,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        // The run's own alert state, journal and email budget unless the caller keeps them:
        // never the checkout's .alerts/, which a developer's own runs use.
        ALERT_STATE_PATH: path.join(dir, "alerts", "state.json"),
        ALERT_JOURNAL_PATH: path.join(dir, "alerts", "journal.jsonl"),
        SYNTHETIC_EMAIL_BUDGET_PATH: path.join(dir, "alerts", "email-budget.json"),
        ...env,
        CI: "",
        PLAYWRIGHT_JSON_OUTPUT_NAME: report,
        FORCE_COLOR: "0",
        ...(artifacts
          ? {
              PLAYWRIGHT_JSON_OUTPUT_FILE: report,
              PLAYWRIGHT_JUNIT_OUTPUT_FILE: path.join(artifacts, "test-results", "junit.xml"),
              PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(artifacts, "playwright-report"),
              ALLURE_RESULTS_DIR: path.join(artifacts, "allure-results"),
            }
          : {}),
      },
    },
  );
  const { output } = ran;
  const exitCode = ran.code ?? 1;
  try {
    const json = JSON.parse(await readFile(report, "utf8")) as { suites: JsonSuite[] };
    const tests: TestOutcome[] = [];
    const walk = (suite: JsonSuite, titles: string[]) => {
      for (const spec of suite.specs ?? []) {
        for (const test of spec.tests) {
          tests.push({
            project: test.projectName,
            title: [...titles, spec.title].join(" › "),
            outcome: test.status,
            errors: test.results.flatMap((result) =>
              (result.errors ?? []).map((error) => error.message ?? ""),
            ),
          });
        }
      }
      // Anonymous describes have no title, and Playwright leaves them out of a test's title path.
      for (const child of suite.suites ?? [])
        walk(child, child.title ? [...titles, child.title] : titles);
    };
    for (const suite of json.suites) walk(suite, []);
    return { exitCode, tests, output };
  } catch {
    return { exitCode, tests: [], output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Projects with at least one test that failed. */
export function failingProjects(run: SuiteRun): string[] {
  return [
    ...new Set(
      run.tests.filter((test) => test.outcome === "unexpected").map((test) => test.project),
    ),
  ].sort();
}
