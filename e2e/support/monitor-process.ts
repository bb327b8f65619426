import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

// `npm run monitor` as the end-to-end tests start it: the real CLI in a child
// process, its log collected, lines waited for, and the processes it left
// behind found by the environment they inherited.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface MonitorProcess {
  child: ChildProcess;
  log(): string;
  /** Resolves with the first log line (after `from` characters) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs: number, from?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function startMonitor(env: Record<string, string>, args: string[] = []): MonitorProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "monitor/cli.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: "", FORCE_COLOR: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return {
    child,
    log: () => text,
    exited,
    waitFor(pattern, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.slice(from).match(pattern);
          if (!match) return false;
          done();
          resolve(match);
          return true;
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `the monitor's log never matched ${pattern} within ${timeoutMs} ms:\n${text.slice(-4000)}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        const listener = () => void check();
        listeners.add(listener);
        if (!check()) void exited.then(() => check());
      });
    },
  };
}

/** Processes still alive whose environment holds `marker` (the monitor's directory): its leftovers. */
export async function processesWithEnv(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const environ = await readFile(`/proc/${pid}/environ`, "utf8");
      if (!environ.includes(marker)) continue;
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replace(/\0/g, " ").trim();
      const state = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.[0];
      if (state !== "Z") found.push(`${pid} ${cmdline.slice(0, 160)}`);
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}
