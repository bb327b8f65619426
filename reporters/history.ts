import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FullConfig, Reporter, Suite, TestCase } from "@playwright/test/reporter";
import { fingerprintOf } from "../alerts/identity.ts";
import { SLA_TABLE } from "../fixtures/attachments/names.ts";
import { SLA_HEADER } from "../fixtures/attachments/sla.ts";
import type { ResultRecord, ResultStatus } from "../monitor/types.ts";
import type { Deploy } from "../platform/index.ts";
import { readPlatformSnapshot, runDeploysOf } from "../platform/index.ts";
import { checkResultOf, labelsOf } from "./alert-input.ts";

const ERROR_CHARS = 500;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal colour codes are what it strips.
const ANSI = /\u001b\[[0-9;]*m/g;

/** What a cycle hands the monitor: one record per check, and the target's versions. */
export interface CycleResults {
  results: ResultRecord[];
  versions: Record<string, string>;
  /** The platforms' live and recent deploys, when the run could read them (for deploy markers). */
  deploys?: Deploy[];
}

/**
 * With SYNTHETIC_HISTORY_FILE set (the monitor sets it for each cycle), writes
 * every check's final result there at the end of the run: status (degraded
 * when it passed over a degraded budget), duration, retries, the redacted
 * error's first lines and the timings it recorded. It runs after the
 * redaction reporter, so nothing it writes carries a secret.
 */
export default class HistoryReporter implements Reporter {
  readonly #file = process.env.SYNTHETIC_HISTORY_FILE?.trim();
  #config: FullConfig | undefined;
  #suite: Suite | undefined;

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.#config = config;
    this.#suite = suite;
  }

  onEnd(): void {
    if (!this.#file || !this.#config || !this.#suite) return;
    const environment = process.env.SYNTHETIC_ENV?.trim() || "local";
    const versions: Record<string, string> = {};
    const results = this.#suite
      .allTests()
      .map((test) => recordOf(test, this.#config as FullConfig, environment, versions));
    const known = runDeploysOf(readPlatformSnapshot());
    const deploys = known
      ? [...new Map([...known.live, ...known.recent].map((d) => [d.id, d])).values()]
      : [];
    const body: CycleResults = { results, versions, ...(deploys.length > 0 ? { deploys } : {}) };
    mkdirSync(path.dirname(this.#file), { recursive: true });
    writeFileSync(`${this.#file}.tmp`, JSON.stringify(body));
    renameSync(`${this.#file}.tmp`, this.#file);
  }
}

function recordOf(
  test: TestCase,
  config: FullConfig,
  environment: string,
  versions: Record<string, string>,
): ResultRecord {
  // The alert engine's view of the same test: labels and the telling error, one derivation.
  const check = checkResultOf(test, { config, environment });
  const last = test.results.at(-1);
  const annotations = [...test.annotations, ...(last?.annotations ?? [])];
  for (const note of annotations) {
    const part = /^(\w[\w -]*) version$/.exec(note.type)?.[1];
    if (part && note.description) versions[part] = note.description;
  }
  const labels = check?.labels ?? labelsOf(test, { config, environment });
  return {
    checkId: fingerprintOf(labels),
    project: labels.project,
    file: labels.file,
    line: test.location.line,
    title: labels.title,
    tier: labels.tier,
    severity: labels.severity,
    tags: labels.tags,
    status: statusOf(test, annotations),
    // The verdict's attempt: a re-check's backoff and earlier attempts are not the check's speed.
    durationMs: test.results.at(-1)?.duration ?? 0,
    retries: Math.max(0, test.results.length - 1),
    error: check?.error ? summary(check.error) : undefined,
    timings: timingsOf(test),
    ...(check?.diagnosis ? { diagnosis: check.diagnosis } : {}),
    testId: test.id,
  };
}

function statusOf(test: TestCase, annotations: TestCase["annotations"]): ResultStatus {
  const last = test.results.at(-1);
  switch (test.outcome()) {
    case "expected":
      return annotations.some((a) => a.type === "degraded") ? "degraded" : "passed";
    case "flaky":
      return "flaky";
    case "unexpected":
      return last?.status === "timedOut"
        ? "timed-out"
        : last?.status === "interrupted"
          ? "skipped"
          : "failed";
    default:
      return "skipped";
  }
}

function summary(error: string): string {
  const text = error.replace(ANSI, "").trim().split("\n").slice(0, 4).join("\n");
  return text.length > ERROR_CHARS ? `${text.slice(0, ERROR_CHARS - 1)}…` : text;
}

/** The timings of the last attempt's `sla` table: name → ms. */
function timingsOf(test: TestCase): Record<string, number> {
  const table = test.results.at(-1)?.attachments.find((a) => a.name === SLA_TABLE && a.body);
  if (!table?.body) return {};
  const timings: Record<string, number> = {};
  for (const line of table.body.toString("utf8").split("\n")) {
    if (!line || line === SLA_HEADER) continue;
    const match = /^("(?:[^"]|"")*"|[^,]*),(-?\d+(?:\.\d+)?)/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const name = match[1].startsWith('"') ? match[1].slice(1, -1).replace(/""/g, '"') : match[1];
    timings[name] = Number(match[2]);
  }
  return timings;
}
