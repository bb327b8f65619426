import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type {
  FullConfig,
  FullResult,
  Reporter,
  TestCase,
  TestResult,
} from "@playwright/test/reporter";
import { backendVersion, environmentProperties, runFacts } from "../allure/environment.ts";
import { resultsDir } from "../allure/paths.ts";
import { SLA_TABLE } from "../fixtures/attachments/names.ts";
import { csvCell, SLA_HEADER } from "../fixtures/attachments/sla.ts";
import { describeFindings, scanForSecrets } from "../secrets/scan.ts";
import { configuredSecrets } from "../secrets/variables.ts";

/**
 * The Allure side of a run: starts it with empty results (a report describes
 * one run), ends it with the Environment table, the run's SLA table (every
 * test's `sla` rows) and a scan of every artifact the run wrote for the
 * configured secrets. Listed after the reporters that write artifacts, so the
 * scan sees their output.
 */
export default class AllureRunReporter implements Reporter {
  readonly #results = resultsDir();
  #artifactDirs: string[] = [];
  #startedAt = new Date();
  #backendVersion: Promise<string> = Promise.resolve("unknown");
  /** SLA rows by test, the last attempt's. */
  readonly #sla = new Map<string, string[]>();

  printsToStdio(): boolean {
    return false;
  }

  onConfigure(config: FullConfig): void {
    this.#artifactDirs = [
      ...new Set(config.projects.map((project) => project.outputDir)),
      ...reporterOutputs(config),
    ];
  }

  onBegin(): void {
    this.#startedAt = new Date();
    // Files only: other producers (Artillery) keep their results in subdirectories they own.
    mkdirSync(this.#results, { recursive: true });
    for (const entry of readdirSync(this.#results, { withFileTypes: true })) {
      if (entry.isFile()) rmSync(path.join(this.#results, entry.name), { force: true });
    }
    // Asked now: the reference stack is gone by the time onEnd runs.
    this.#backendVersion = backendVersion(process.env.BACKEND_URL);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const table = result.attachments.find((item) => item.name === SLA_TABLE && item.body);
    if (!table?.body) return;
    const title = csvCell(`${test.parent.project()?.name ?? ""} › ${test.title}`);
    const rows = table.body.toString().trim().split("\n").slice(1);
    this.#sla.set(
      test.id,
      rows.map((row) => `${title},${row}`),
    );
  }

  async onEnd(_result: FullResult): Promise<{ status?: FullResult["status"] } | undefined> {
    const facts = runFacts(process.env, {
      startedAt: this.#startedAt,
      backendVersion: await this.#backendVersion,
    });
    writeFileSync(path.join(this.#results, "environment.properties"), environmentProperties(facts));
    if (this.#sla.size > 0) this.#writeSlaTable();
    const scan = scanForSecrets(
      [this.#results, ...this.#artifactDirs],
      configuredSecrets(process.env),
    );
    process.stdout.write(
      `\nAllure results: ${path.relative(process.cwd(), this.#results) || "."}/; ${describeFindings(scan, process.cwd())}\n`,
    );
    // A secret in an artifact fails the run: CI must not publish it.
    return scan.findings.length > 0 ? { status: "failed" } : undefined;
  }

  /** A global attachment: shown on the report's overview, not under one test. */
  #writeSlaTable(): void {
    const id = randomUUID();
    const rows = [...this.#sla.values()].flat();
    writeFileSync(
      path.join(this.#results, `${id}-attachment.csv`),
      `test,${SLA_HEADER}\n${rows.join("\n")}\n`,
    );
    writeFileSync(
      path.join(this.#results, `${id}-globals.json`),
      JSON.stringify({
        attachments: [
          { name: "SLA table (this run)", type: "text/csv", source: `${id}-attachment.csv` },
        ],
        errors: [],
      }),
    );
  }
}

/** Files and folders other reporters write (JUnit XML, the HTML report), wherever they were configured. */
function reporterOutputs(config: FullConfig): string[] {
  const configDir = config.configFile ? path.dirname(config.configFile) : process.cwd();
  const outputs: string[] = [];
  for (const [name, options] of config.reporter) {
    const settings = (options ?? {}) as { outputFile?: string; outputFolder?: string };
    if (name === "html") {
      outputs.push(
        process.env.PLAYWRIGHT_HTML_OUTPUT_DIR ||
          path.resolve(configDir, settings.outputFolder ?? "playwright-report"),
      );
    }
    if (name === "junit" && (process.env.PLAYWRIGHT_JUNIT_OUTPUT_FILE || settings.outputFile)) {
      outputs.push(
        process.env.PLAYWRIGHT_JUNIT_OUTPUT_FILE ||
          path.resolve(configDir, settings.outputFile ?? ""),
      );
    }
  }
  return outputs;
}
