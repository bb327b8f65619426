import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { defineMonitor, type MonitorConfigInput } from "../config-schema.ts";
import { RECHECK_JOB, Scheduler } from "../scheduler.ts";
import { jobSelection, type Selection } from "../selection.ts";
import type { CycleRecord, ResultRecord, ResultStatus } from "../types.ts";

// A fake `run` in place of Playwright. The started schedulers tick every second
// (six-field cron); the rest are never started and driven by trigger().

const NEVER = "0 0 1 1 *";

const configOf = (input: MonitorConfigInput = {}) =>
  defineMonitor({ every: NEVER, jitterSeconds: 0, tighten: { cron: NEVER }, ...input });

function result(status: ResultStatus, overrides: Partial<ResultRecord> = {}): ResultRecord {
  return {
    checkId: "api › tests/api/health.spec.ts › health answers",
    project: "api",
    file: "tests/api/health.spec.ts",
    line: 12,
    title: "health answers",
    tier: "backend",
    severity: "critical",
    tags: [],
    status,
    durationMs: 40,
    retries: 0,
    timings: {},
    ...overrides,
  };
}

function record(job: string, results: ResultRecord[]): CycleRecord {
  const failed = results.some((r) => r.status === "failed");
  return {
    runId: `test-${job}`,
    location: "default",
    environment: "local",
    job,
    startedAt: "2026-05-02T09:00:00.000Z",
    endedAt: "2026-05-02T09:00:01.000Z",
    status: failed ? "failed" : "passed",
    exitCode: failed ? 1 : 0,
    versions: {},
    maintenance: [],
    results,
  };
}

interface Call {
  job: string;
  selection: Selection;
  startedAt: number;
}

/** A fake cycle runner: records each call, tracks overlap, resolves `reached(n)` after the nth call. */
function fakeRunner(
  behave: (call: Call) => Promise<CycleRecord | undefined> = async () => undefined,
) {
  const calls: Call[] = [];
  const waiting: Array<{ n: number; resolve: () => void }> = [];
  let active = 0;
  let maxActive = 0;
  const run = async (job: string, selection: Selection) => {
    const call = { job, selection, startedAt: Date.now() };
    calls.push(call);
    for (const w of waiting.filter((w) => calls.length >= w.n)) w.resolve();
    active += 1;
    maxActive = Math.max(maxActive, active);
    try {
      return await behave(call);
    } finally {
      active -= 1;
    }
  };
  const reached = (n: number, timeoutMs: number) =>
    Promise.race([
      new Promise<void>((resolve) => {
        if (calls.length >= n) resolve();
        else waiting.push({ n, resolve });
      }),
      sleep(timeoutMs).then(() => {
        throw new Error(`expected ${n} cycle(s) within ${timeoutMs} ms, saw ${calls.length}`);
      }),
    ]);
  return {
    run,
    calls,
    reached,
    get maxActive() {
      return maxActive;
    },
  };
}

function schedulerWith(config: ReturnType<typeof configOf>, runner: ReturnType<typeof fakeRunner>) {
  const logs: string[] = [];
  const scheduler = new Scheduler({
    config,
    run: runner.run,
    log: (line) => logs.push(line),
    random: () => 0,
  });
  return { scheduler, logs };
}

describe("Scheduler on a clock", () => {
  test("cycles run when due, with the job's selection", async () => {
    const config = configOf({ every: "*/1 * * * * *" });
    const runner = fakeRunner();
    const { scheduler } = schedulerWith(config, runner);
    scheduler.start();
    try {
      await runner.reached(2, 3_500);
      assert.equal(scheduler.intervalMs(), 1_000);
    } finally {
      await scheduler.stop();
    }
    assert.deepEqual(
      runner.calls.map((c) => c.job),
      ["default", "default"],
    );
    assert.deepEqual(runner.calls[0]?.selection, jobSelection(config, "default"));
    const gap = (runner.calls[1]?.startedAt ?? 0) - (runner.calls[0]?.startedAt ?? 0);
    assert.ok(gap >= 800, `one cycle a second, not ${gap} ms apart`);
  });

  test("a cycle still running blocks the next tick, which is skipped and said so", async () => {
    const config = configOf({ every: "*/1 * * * * *" });
    let ended: () => void = () => {};
    const firstEnded = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const runner = fakeRunner(async () => {
      await sleep(2_500);
      ended();
      return undefined;
    });
    const { scheduler, logs } = schedulerWith(config, runner);
    scheduler.start();
    try {
      await runner.reached(1, 2_000);
      assert.equal(scheduler.running, "default");
      await firstEnded;
    } finally {
      await scheduler.stop();
    }
    assert.equal(runner.calls.length, 1, "no second cycle while the first ran");
    assert.equal(runner.maxActive, 1, "never two cycles at once");
    assert.ok(
      logs.some((line) => /^default: .*still running; skipped/.test(line)),
      `the log says the tick was skipped: ${JSON.stringify(logs)}`,
    );
    assert.equal(scheduler.running, undefined);
  });

  test("stop() waits for the running cycle, and nothing runs afterwards", async () => {
    const config = configOf({ every: "*/1 * * * * *" });
    let finished = false;
    const runner = fakeRunner(async () => {
      await sleep(300);
      finished = true;
      return undefined;
    });
    const { scheduler } = schedulerWith(config, runner);
    scheduler.start();
    scheduler.trigger("default");
    await runner.reached(1, 500);
    await scheduler.stop();
    assert.ok(finished, "stop() resolved only after the cycle ended");
    scheduler.trigger("default");
    await sleep(1_200);
    assert.equal(runner.calls.length, 1, "neither a tick nor a trigger runs after stop()");
  });
});

describe("Scheduler driven by hand", () => {
  test("trigger() runs a job now, then the next after it, one at a time", async () => {
    const config = configOf({
      schedules: [{ name: "smoke", cron: NEVER, only: { tags: ["@smoke"] } }],
    });
    const runner = fakeRunner(() => sleep(20).then(() => undefined));
    const { scheduler } = schedulerWith(config, runner);
    scheduler.trigger("default");
    scheduler.trigger("smoke");
    scheduler.trigger("smoke");
    await runner.reached(2, 1_000);
    await scheduler.stop();
    assert.deepEqual(
      runner.calls.map((c) => [c.job, c.selection]),
      [
        ["default", jobSelection(config, "default")],
        ["smoke", jobSelection(config, "smoke")],
      ],
    );
    assert.equal(runner.maxActive, 1);
  });

  test("a failed check is re-checked by project and file:line until it passes tighten.passes times", async () => {
    const config = configOf({ tighten: { cron: NEVER, passes: 2 } });
    const runner = fakeRunner();
    const { scheduler } = schedulerWith(config, runner);
    const failing = result("failed");
    const other = result("failed", {
      checkId: "browser › tests/browser/pages.spec.ts › home",
      project: "browser",
      file: "tests/browser/pages.spec.ts",
      line: undefined,
    });
    scheduler.observe(record("default", [failing, other, result("passed", { checkId: "x" })]));
    assert.deepEqual(scheduler.failing, [failing.checkId, other.checkId]);

    scheduler.trigger(RECHECK_JOB);
    await runner.reached(1, 1_000);
    assert.deepEqual(runner.calls[0]?.selection, {
      projects: ["api", "browser"],
      tags: [],
      withoutTags: [],
      locations: ["tests/api/health.spec.ts:12", "tests/browser/pages.spec.ts"],
    });

    scheduler.observe(record(RECHECK_JOB, [result("passed"), { ...other, status: "skipped" }]));
    assert.deepEqual(
      scheduler.failing,
      [failing.checkId],
      "one pass is not enough; a skipped check (paused, or no longer applying) leaves the re-check",
    );
    scheduler.observe(record(RECHECK_JOB, [result("failed")]));
    scheduler.observe(record(RECHECK_JOB, [result("passed")]));
    assert.ok(scheduler.failing.includes(failing.checkId), "a new failure starts the count again");
    scheduler.observe(record(RECHECK_JOB, [result("flaky"), { ...other, status: "timed-out" }]));
    assert.deepEqual(
      scheduler.failing,
      [other.checkId],
      "passed twice in a row: no longer failing",
    );
    await scheduler.stop();
  });

  test("the record a cycle returns is observed", async () => {
    const config = configOf();
    const runner = fakeRunner(async (call) => record(call.job, [result("failed")]));
    const { scheduler } = schedulerWith(config, runner);
    scheduler.trigger("default");
    await runner.reached(1, 1_000);
    await scheduler.stop();
    assert.deepEqual(scheduler.failing, [result("failed").checkId]);
  });

  test("a cycle that throws is logged and the next one still runs", async () => {
    const config = configOf({ schedules: [{ name: "smoke", cron: NEVER }] });
    const runner = fakeRunner(async (call) => {
      if (call.job === "default") throw new Error("playwright would not start");
      return undefined;
    });
    const { scheduler, logs } = schedulerWith(config, runner);
    scheduler.trigger("default");
    scheduler.trigger("smoke");
    await runner.reached(2, 1_000);
    await scheduler.stop();
    assert.deepEqual(logs, ["default: the cycle failed to run: playwright would not start"]);
  });

  test("a re-check with nothing left to re-check does not stop later cycles", {}, async () => {
    const config = configOf({ tighten: { cron: NEVER, passes: 1 } });
    const runner = fakeRunner(async (call) =>
      call.job === "default" ? record("default", [result("passed")]) : undefined,
    );
    const { scheduler } = schedulerWith(config, runner);
    scheduler.observe(record("default", [result("failed")]));
    scheduler.trigger("default");
    scheduler.trigger(RECHECK_JOB);
    await runner.reached(1, 1_000);
    await sleep(50);
    scheduler.trigger("default");
    try {
      await runner.reached(2, 500);
    } finally {
      await scheduler.stop();
    }
  });
});
