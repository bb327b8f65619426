import { Cron } from "croner";
import type { MonitorConfig } from "./config-schema.ts";
import { jobSelection, type Selection } from "./selection.ts";
import type { CycleRecord, ResultRecord } from "./types.ts";

// When cycles run: one croner job per schedule (the default one, each named
// schedule, and the tightened re-check of failing checks), each tick delayed
// by jitter, and one cycle at a time: a job that comes due while it is still
// running or waiting is skipped for that tick (and said so), never doubled.

export const RECHECK_JOB = "recheck";

export interface SchedulerOptions {
  config: MonitorConfig;
  /** Runs one cycle; resolves with its record (undefined when it did not run, e.g. paused). */
  run: (job: string, selection: Selection) => Promise<CycleRecord | undefined>;
  log: (line: string) => void;
  random?: () => number;
}

interface Failing {
  result: Pick<ResultRecord, "project" | "file" | "line">;
  passes: number;
}

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #crons = new Map<string, Cron>();
  readonly #queue: string[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #failing = new Map<string, Failing>();
  #running: string | undefined;
  #current: Promise<void> | undefined;
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  start(): void {
    const { config } = this.#options;
    const jobs: Array<[string, string, string]> = [
      ["default", config.every, config.timezone],
      ...config.schedules.map((s): [string, string, string] => [s.name, s.cron, s.timezone]),
      [RECHECK_JOB, config.tighten.cron, config.timezone],
    ];
    for (const [name, pattern, timezone] of jobs) {
      this.#crons.set(name, new Cron(pattern, { timezone }, () => this.#due(name)));
    }
  }

  /** The next time any job is due (the re-check only while something fails). */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const [name, cron] of this.#crons) {
      if (name === RECHECK_JOB && this.#failing.size === 0) continue;
      const at = cron.nextRun()?.getTime();
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  /** The longest gap between two runs of the default schedule: how long silence is normal. */
  intervalMs(): number {
    const cron = this.#crons.get("default");
    const [a, b, c] = cron?.nextRuns(3) ?? [];
    if (!a || !b) return 5 * 60_000;
    return Math.max(b.getTime() - a.getTime(), c ? c.getTime() - b.getTime() : 0);
  }

  get running(): string | undefined {
    return this.#running;
  }

  /** Checks failing now, which the re-check job runs until each has passed `tighten.passes` times. */
  get failing(): string[] {
    return [...this.#failing.keys()];
  }

  /** Runs `job` now (or after the cycle in progress), as a tick would, without jitter. */
  trigger(job: string): void {
    this.#enqueue(job);
  }

  /** Stops scheduling; resolves when the cycle in progress (if any) has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const cron of this.#crons.values()) cron.stop();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#queue.length = 0;
    await this.#current;
  }

  /** A cycle's results update which checks the re-check job runs. */
  observe(record: CycleRecord): void {
    const { passes } = this.#options.config.tighten;
    for (const result of record.results) {
      if (result.status === "failed" || result.status === "timed-out") {
        this.#failing.set(result.checkId, { result, passes: 0 });
        continue;
      }
      const failing = this.#failing.get(result.checkId);
      if (!failing) continue;
      // Skipped (paused, or no longer applies): the scheduled cycles will see it again.
      if (result.status === "skipped") {
        this.#failing.delete(result.checkId);
        continue;
      }
      failing.passes += 1;
      if (failing.passes >= passes) this.#failing.delete(result.checkId);
    }
  }

  #due(job: string): void {
    if (this.#stopped) return;
    if (job === RECHECK_JOB && this.#failing.size === 0) return;
    if (this.#queue.includes(job)) return;
    if (this.#running === job) {
      this.#options.log(`${job}: due while its previous cycle is still running; skipped this time`);
      return;
    }
    const jitterMs =
      job === RECHECK_JOB
        ? 0
        : (this.#options.random ?? Math.random)() * this.#options.config.jitterSeconds * 1000;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#enqueue(job);
    }, jitterMs);
    this.#timers.add(timer);
  }

  #enqueue(job: string): void {
    if (this.#stopped || this.#running === job || this.#queue.includes(job)) return;
    // The re-check of failing checks goes first: it is short, and it is what detection waits for.
    if (job === RECHECK_JOB) this.#queue.unshift(job);
    else this.#queue.push(job);
    this.#pump();
  }

  #pump(): void {
    if (this.#current || this.#stopped) return;
    const job = this.#queue.shift();
    if (!job) return;
    this.#running = job;
    this.#current = (async () => {
      // Set #current before the body runs, so a body that ends at once cannot clear it first.
      await Promise.resolve();
      try {
        const selection = this.#selection(job);
        if (!selection) return;
        const record = await this.#options.run(job, selection);
        if (record) this.observe(record);
      } catch (error) {
        this.#options.log(`${job}: the cycle failed to run: ${(error as Error).message}`);
      } finally {
        this.#running = undefined;
        this.#current = undefined;
        this.#pump();
      }
    })();
  }

  #selection(job: string): Selection | undefined {
    if (job !== RECHECK_JOB) return jobSelection(this.#options.config, job);
    const failing = [...this.#failing.values()].map((f) => f.result);
    if (failing.length === 0) return undefined;
    return {
      projects: [...new Set(failing.map((r) => r.project))],
      tags: [],
      withoutTags: [],
      locations: [...new Set(failing.map((r) => (r.line ? `${r.file}:${r.line}` : r.file)))],
    };
  }
}
