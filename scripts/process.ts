import { type ChildProcess, spawn } from "node:child_process";

// Runs a program, collects what it prints and waits for it: the one way the
// commands, the load runner, the report generator, benchmarks and tests start
// a child process and read its output.

export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Each piece of output as it arrives (stdout and stderr alike). */
  onOutput?: (text: string) => void;
  /** Keep only the last this many characters of each stream (a long run's chatter). */
  keepChars?: number;
  /** Aborting sends SIGINT, as Ctrl-C would: the program may stop and clean up. */
  signal?: AbortSignal;
  /** After this long the program gets SIGTERM, then SIGKILL 5 s later. */
  timeoutMs?: number;
  /**
   * Start it in a process group of its own, and send every signal above to the
   * whole group, so what it started (workers, browsers) goes with it.
   */
  processGroup?: boolean;
}

export interface ProcessResult {
  /** The exit code; null when a signal ended the program. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  timedOut: boolean;
}

export interface StartedProcess {
  child: ChildProcess;
  /** Settles when the program has exited and its output is closed; rejects when it could not start. */
  done: Promise<ProcessResult>;
  /** Sends a signal to the program (to its whole group with processGroup). */
  signal(name: NodeJS.Signals): void;
}

export function startProcess(
  command: string,
  args: readonly string[],
  options: ProcessOptions = {},
): StartedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.processGroup === true,
  });
  const keep = options.keepChars ?? Number.POSITIVE_INFINITY;
  const collected = { stdout: "", stderr: "", output: "" };
  const collect = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    options.onOutput?.(text);
    collected[stream] = (collected[stream] + text).slice(-keep);
    collected.output = (collected.output + text).slice(-keep);
  };
  child.stdout?.on("data", collect("stdout"));
  child.stderr?.on("data", collect("stderr"));

  const signal = (name: NodeJS.Signals) => {
    if (!options.processGroup || child.pid === undefined) return void child.kill(name);
    try {
      process.kill(-child.pid, name);
    } catch {
      // The group is gone already.
    }
  };
  const interrupt = () => signal("SIGINT");
  options.signal?.addEventListener("abort", interrupt, { once: true });
  let timedOut = false;
  const watchdog =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          signal("SIGTERM");
          setTimeout(() => signal("SIGKILL"), 5_000).unref();
        }, options.timeoutMs);
  const done = new Promise<ProcessResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      const result = { code, ...collected, timedOut };
      // Its own group: what it started may outlive it for a moment; done means all of it is gone.
      if (options.processGroup && child.pid !== undefined)
        void groupGone(child.pid).then(() => resolve(result));
      else resolve(result);
    });
  }).finally(() => {
    clearTimeout(watchdog);
    options.signal?.removeEventListener("abort", interrupt);
  });
  return { child, done, signal };
}

/** Runs a program to its end; see startProcess. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  return startProcess(command, args, options).done;
}

const GROUP_GRACE_MS = 5_000;

/** Resolves when no process of group `pgid` is left, SIGKILLing what remains after a grace period. */
async function groupGone(pgid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + GROUP_GRACE_MS;
  while (alive()) {
    if (Date.now() > deadline) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        return;
      }
    }
    // No event tells when the last process of a group exits: look again shortly.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
