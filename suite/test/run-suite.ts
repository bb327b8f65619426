import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

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

/** Runs the real suite (`playwright test`) in a child process with `env`, and reads its JSON report. */
export async function runSuite(
  env: Record<string, string>,
  args: string[] = [],
): Promise<SuiteRun> {
  const dir = await mkdtemp(path.join(tmpdir(), "suite-run-"));
  const report = path.join(dir, "report.json");
  const child = spawn(
    "npx",
    [
      "playwright",
      "test",
      "--retries=0",
      "--reporter=json",
      `--output=${path.join(dir, "results")}`,
      ...args,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        CI: "",
        PLAYWRIGHT_JSON_OUTPUT_NAME: report,
        FORCE_COLOR: "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exitCode = await new Promise<number>((resolve) =>
    child.on("close", (code) => resolve(code ?? 1)),
  );
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
      for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
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
