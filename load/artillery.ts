import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { runProcess } from "../scripts/process.ts";
import type { ArtilleryOverrides } from "./overrides.ts";
import { LOAD_DIR } from "./paths.ts";

/** Runs one scenario file with Artillery's own CLI and reads back its JSON report. */

const require = createRequire(import.meta.url);
export const ARTILLERY_BIN = path.join(
  path.dirname(require.resolve("artillery/package.json")),
  "bin",
  "run",
);
const OFFLINE_SHIM = path.join(LOAD_DIR, "artillery-offline.cjs");
export const CONFIG_FILE = path.join(LOAD_DIR, "config.yml");
export const SCENARIO_DIR = path.join(LOAD_DIR, "scenarios");
/** How local runs load processor.ts (see processor.cjs); distributed runs keep config.yml's. */
export const LOCAL_PROCESSOR = path.join(LOAD_DIR, "processor.cjs");

/** The part of Artillery's `--output` JSON a verdict needs. */
export interface ArtilleryReport {
  aggregate: {
    counters: Record<string, number>;
    summaries: Record<string, Record<string, number>>;
  };
}

export interface ArtilleryRun {
  scenario: string;
  exitCode: number | null;
  /** Killed by the watchdog: Artillery did not stop by itself. */
  timedOut: boolean;
  report: ArtilleryReport | undefined;
  reportFile: string;
  /** Artillery's own `ensure` verdict, as it printed it. */
  ensure: { passed: string[]; failed: string[] };
  /** The end of Artillery's output, for diagnosing a run that produced no report. */
  outputTail: string;
  startedAt: number;
  /** When each phase began (epoch ms, by phase index), as Artillery announced it. */
  phaseStarts: number[];
  stoppedAt: number;
}

export interface ArtilleryOptions {
  scenario: string;
  overrides: ArtilleryOverrides;
  /** The child's whole environment: nothing else of ours leaks into it. */
  env: Record<string, string>;
  outputDir: string;
  timeoutMs: number;
  /** Aborting sends Artillery SIGINT, as Ctrl-C would: it stops early. */
  signal?: AbortSignal;
  nodeArgs?: string[];
}

export async function runArtillery(options: ArtilleryOptions): Promise<ArtilleryRun> {
  const { scenario } = options;
  await mkdir(options.outputDir, { recursive: true });
  const reportFile = path.join(options.outputDir, `${scenario}.json`);
  await writeFile(reportFile, "");
  const startedAt = Date.now();
  const phaseStarts: number[] = [];
  const ran = await runProcess(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      "--require",
      OFFLINE_SHIM,
      ARTILLERY_BIN,
      "run",
      "--config",
      CONFIG_FILE,
      "--overrides",
      JSON.stringify(options.overrides),
      "--output",
      reportFile,
      path.join(SCENARIO_DIR, `${scenario}.yml`),
    ],
    {
      cwd: path.dirname(LOAD_DIR),
      env: options.env,
      keepChars: 64_000,
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      onOutput: (text) => {
        for (const match of text.matchAll(/Phase started: .*\(index: (\d+)/g))
          phaseStarts[Number(match[1])] = Date.now();
      },
    },
  );
  const output = ran.output;

  return {
    scenario,
    exitCode: ran.code,
    timedOut: ran.timedOut,
    report: await readReport(reportFile),
    reportFile,
    ensure: parseEnsure(output),
    outputTail: output.slice(-4_000),
    startedAt,
    phaseStarts,
    stoppedAt: Date.now(),
  };
}

async function readReport(file: string): Promise<ArtilleryReport | undefined> {
  try {
    const report = JSON.parse(await readFile(file, "utf8")) as Partial<ArtilleryReport>;
    return report.aggregate ? (report as ArtilleryReport) : undefined;
  } catch {
    return undefined;
  }
}

/** Artillery prints `ok: <expression>` / `fail: <expression>` under "Checks:". */
export function parseEnsure(output: string): { passed: string[]; failed: string[] } {
  const plain = stripVTControlCharacters(output);
  const checks = plain.slice(plain.lastIndexOf("Checks:"));
  const passed: string[] = [];
  const failed: string[] = [];
  if (!plain.includes("Checks:")) return { passed, failed };
  for (const line of checks.split("\n")) {
    const match = /^(ok|fail): (.+?)( \(optional\))?$/.exec(line.trim());
    if (match?.[1] === "ok") passed.push(match[2] ?? "");
    if (match?.[1] === "fail") failed.push(match[2] ?? "");
  }
  return { passed, failed };
}
