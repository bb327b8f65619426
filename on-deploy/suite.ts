import { createRequire } from "node:module";
import { startProcess } from "../scripts/process.ts";
import { ON_DEPLOY_SECRET_VARIABLES } from "./env.ts";

// One acceptance run: `playwright test` as `npm start` runs it (every
// reporter of playwright.config.ts, JUnit where the config writes it), in a
// process group of its own so an interrupt or a timeout takes its workers and
// browsers along. Its output goes to `onOutput` as it arrives.

const PLAYWRIGHT_CLI = createRequire(import.meta.url).resolve("@playwright/test/cli");
const KEEP_OUTPUT_CHARS = 100_000;
// Playwright's teardown (synthetic users, the stack it did not boot) gets this long after SIGINT.
const INTERRUPT_GRACE_MS = 30_000;

export type SuiteResult = "passed" | "failed" | "errored" | "interrupted" | "timed-out";

export interface SuiteOutcome {
  result: SuiteResult;
  /** What the command exits with: the suite's own code; 130 interrupted; 1 timed out or killed. */
  exitCode: number;
}

export interface SuiteRun {
  done: Promise<SuiteOutcome>;
  /** SIGINT to the run (Playwright stops and tears down), SIGKILL if it is still there after a grace period. */
  interrupt(): void;
}

export function startSuite(options: {
  root: string;
  env: NodeJS.ProcessEnv;
  args: readonly string[];
  timeoutMs?: number;
  onOutput?: (text: string) => void;
}): SuiteRun {
  const env: NodeJS.ProcessEnv = { ...options.env };
  for (const name of ON_DEPLOY_SECRET_VARIABLES) delete env[name];
  let interrupted = false;
  const started = startProcess(process.execPath, [PLAYWRIGHT_CLI, "test", ...options.args], {
    cwd: options.root,
    env,
    processGroup: true,
    keepChars: KEEP_OUTPUT_CHARS,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  });
  const done = started.done.then(
    (ran): SuiteOutcome => {
      if (ran.timedOut) return { result: "timed-out", exitCode: 1 };
      if (interrupted) return { result: "interrupted", exitCode: 130 };
      if (ran.code === 0) return { result: "passed", exitCode: 0 };
      if (ran.code === 1) return { result: "failed", exitCode: 1 };
      return { result: "errored", exitCode: ran.code ?? 1 };
    },
    (error: Error): SuiteOutcome => {
      options.onOutput?.(`the suite could not start: ${error.message}\n`);
      return { result: "errored", exitCode: 1 };
    },
  );
  return {
    done,
    interrupt() {
      const child = started.child;
      if (child.exitCode !== null || child.signalCode !== null) return;
      interrupted = true;
      started.signal("SIGINT");
      setTimeout(() => started.signal("SIGKILL"), INTERRUPT_GRACE_MS).unref();
    },
  };
}
