import path from "node:path";
import type { FullResult, Reporter, Suite, TestCase, TestResult } from "@playwright/test/reporter";
import { resultsDir } from "../allure/paths.ts";
import { liveLine, readPlatformSnapshot, runDeploysOf } from "../platform/index.ts";
import { diagnosisOf } from "./alert-input.ts";

interface ProjectTally {
  passed: number;
  failed: number;
  flaky: number;
  skipped: number;
  ms: number;
}

/**
 * Prints, at the end of a run, each project's result and time, the schema
 * drift found (the drift report the schema check attached) and where the
 * reports are.
 */
export default class SummaryReporter implements Reporter {
  readonly #projects = new Map<string, ProjectTally>();
  readonly #drift: string[] = [];
  readonly #failures: string[] = [];
  /** Why checks did not apply to this app (no backend, an endpoint the profile does not declare). */
  readonly #skipReasons = new Map<string, number>();
  #suite: Suite | undefined;

  printsToStdio(): boolean {
    return false;
  }

  onBegin(_config: unknown, suite: Suite): void {
    this.#suite = suite;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const tally = this.#tally(projectOf(test));
    tally.ms += result.duration;
    if (result.status === "failed" || result.status === "timedOut") {
      const report = result.attachments.find((item) => item.name === "schema-drift-report");
      if (report?.body && test.results.length === 1 + test.retries)
        this.#drift.push(report.body.toString());
    }
  }

  onEnd(result: FullResult): void {
    for (const test of this.#suite?.allTests() ?? []) {
      const tally = this.#tally(projectOf(test));
      const outcome = test.outcome();
      if (outcome === "expected") tally.passed++;
      else if (outcome === "unexpected") {
        tally.failed++;
        const last = test.results.at(-1);
        const diagnosis = last && diagnosisOf(last);
        const name = `${projectOf(test)} › ${test.titlePath().slice(3).join(" › ")}`;
        // The tier and cause first: the reader's first question is why, the name says what.
        this.#failures.push(diagnosis ? `⚑ ${diagnosis}\n      ${name}` : name);
      } else if (outcome === "flaky") tally.flaky++;
      else {
        tally.skipped++;
        const reason = skipReason(test);
        if (reason) this.#skipReasons.set(reason, (this.#skipReasons.get(reason) ?? 0) + 1);
      }
    }
    const lines = ["", "Synthetic run summary", ""];
    lines.push("  project     result   passed  failed  flaky  skipped   time");
    for (const [name, tally] of this.#projects) {
      const verdict =
        tally.failed > 0
          ? "FAILED"
          : tally.passed + tally.flaky > 0
            ? "ok"
            : tally.skipped > 0
              ? "skipped"
              : "no run";
      lines.push(
        `  ${name.padEnd(11)} ${verdict.padEnd(8)} ${String(tally.passed).padStart(6)}  ${String(tally.failed).padStart(6)}  ${String(tally.flaky).padStart(5)}  ${String(tally.skipped).padStart(7)}  ${(tally.ms / 1000).toFixed(1).padStart(5)}s`,
      );
    }
    if (this.#skipReasons.size > 0)
      lines.push(
        "",
        "Skipped, not applicable to this app:",
        ...[...this.#skipReasons].map(([reason, count]) => `  - ${count} × ${reason}`),
      );
    if (this.#failures.length > 0)
      lines.push("", "Failed:", ...this.#failures.map((line) => `  - ${line}`));
    lines.push("", this.#drift.length > 0 ? this.#drift.join("\n\n") : "Schema drift: none found.");
    lines.push(...platformLines());
    lines.push(
      "",
      `Result: ${result.status} in ${(result.duration / 1000).toFixed(1)}s`,
      "Reports: test-results/junit.xml (JUnit), playwright-report/index.html (npx playwright show-report),",
      `         ${path.relative(process.cwd(), resultsDir()) || "."}/ for the Allure report: npm run report, then npm run report:open`,
      "",
    );
    process.stdout.write(lines.join("\n"));
  }

  #tally(project: string): ProjectTally {
    let tally = this.#projects.get(project);
    if (!tally) {
      tally = { passed: 0, failed: 0, flaky: 0, skipped: 0, ms: 0 };
      this.#projects.set(project, tally);
    }
    return tally;
  }
}

/** What the platforms said this run: what was live, and which platform could not be read. */
function platformLines(): string[] {
  const snapshot = readPlatformSnapshot();
  if (!snapshot) return [];
  const lines: string[] = [];
  const live = liveLine(runDeploysOf(snapshot));
  if (live) lines.push(`  ${live}`);
  const { render, supabase } = snapshot;
  if (render?.service.suspended)
    lines.push(`  Render: service ${render.service.name} is suspended`);
  if (supabase && supabase.status !== "ACTIVE_HEALTHY")
    lines.push(`  Supabase: project ${supabase.ref} is ${supabase.status}`);
  const probe = snapshot.probes.backend;
  if (probe?.coldStartMs !== undefined)
    lines.push(
      `  Backend: cold start of ${probe.coldStartMs} ms on the run's first request (budget ${probe.budgetMs} ms)`,
    );
  for (const gap of snapshot.gaps)
    lines.push(
      `  Platform data: no ${gap.platform} data this run: ${gap.reason} (the run went on without it)`,
    );
  return lines.length > 0 ? ["", "Platforms:", ...lines] : [];
}

function projectOf(test: TestCase): string {
  return test.parent.project()?.name ?? "default";
}

/** The reason a skipped test gave (`test.skip(condition, reason)`), if any. */
function skipReason(test: TestCase): string | undefined {
  const annotations = [...test.annotations, ...(test.results.at(-1)?.annotations ?? [])];
  return annotations.find((annotation) => annotation.type === "skip" && annotation.description)
    ?.description;
}
