import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ProcessOptions, runProcess } from "../../scripts/process.ts";

// Wall and CPU time of a command's whole process tree: every descendant its
// parent waited for (Playwright's workers, Chromium, the monitor's cycle) is
// in the rusage of the children, which /usr/bin/time reports. Without it, the
// same figures come from this process's own children times in /proc/self/stat,
// read before and after (runs are sequential, and the stack's long-lived
// Postgres children are not reaped meanwhile, so the difference is the run's).

const GNU_TIME = "/usr/bin/time";
// USER_HZ: what /proc/<pid>/stat counts in on Linux.
const TICKS_PER_SECOND = 100;

export interface TreeCost {
  code: number | null;
  wallS: number;
  userS: number;
  sysS: number;
  output: string;
  timedOut: boolean;
}

export const cpuMethod = existsSync(GNU_TIME)
  ? `${GNU_TIME} -f "%e %U %S"`
  : "children times in /proc/self/stat";

async function childTicks(): Promise<{ user: number; sys: number }> {
  const stat = await readFile("/proc/self/stat", "utf8");
  // Fields after the command name: state is field 3, cutime and cstime fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[13]), sys: Number(fields[14]) };
}

export async function measureTree(
  command: string,
  args: readonly string[],
  options: ProcessOptions,
): Promise<TreeCost> {
  if (existsSync(GNU_TIME)) {
    const dir = await mkdtemp(path.join(tmpdir(), "tree-cpu-"));
    const report = path.join(dir, "time.txt");
    try {
      const ran = await runProcess(
        GNU_TIME,
        ["-o", report, "-f", "%e %U %S", command, ...args],
        options,
      );
      // GNU time writes "Command exited with non-zero status N" above the figures.
      const last = (await readFile(report, "utf8").catch(() => "")).trim().split("\n").at(-1);
      const [wallS, userS, sysS] = (last ?? "").split(" ").map(Number);
      return {
        code: ran.code,
        wallS: wallS ?? Number.NaN,
        userS: userS ?? Number.NaN,
        sysS: sysS ?? Number.NaN,
        output: ran.output,
        timedOut: ran.timedOut,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const before = await childTicks();
  const started = performance.now();
  const ran = await runProcess(command, args, options);
  const wallS = (performance.now() - started) / 1000;
  const after = await childTicks();
  return {
    code: ran.code,
    wallS,
    userS: (after.user - before.user) / TICKS_PER_SECOND,
    sysS: (after.sys - before.sys) / TICKS_PER_SECOND,
    output: ran.output,
    timedOut: ran.timedOut,
  };
}
