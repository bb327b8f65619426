import type { VercelClient } from "../platform/index.ts";
import { newRunId } from "../target/config.ts";
import type { GitHubAccess } from "./env.ts";
import type { Trigger } from "./events.ts";
import { Journal } from "./journal.ts";
import { RunQueue } from "./queue.ts";
import { type Receiver, startReceiver } from "./receiver.ts";
import { type RunOutcome, type StartedRun, startRun } from "./run.ts";

// `npm run on-deploy -- --listen`: the receiver, its queue and the runs it
// starts, each journaled. A Vercel delivery runs the suite against its
// deployment; a Render one against the configured target (the backend behind
// BACKEND_URL is what was deployed).

export interface ListenOptions {
  root: string;
  host: string;
  port: number;
  dir: string;
  /** The process's environment with the target's variables on top. */
  env: NodeJS.ProcessEnv;
  secrets: { vercel?: string; render?: string };
  only: { vercelProjectId?: string; renderServiceId?: string };
  vercel?: VercelClient;
  github?: GitHubAccess;
  vercelCheck: boolean;
  playwrightArgs: readonly string[];
  runTimeoutMs: number;
  log(line: string): void;
  onOutput?(text: string): void;
}

export interface Listening {
  url: string;
  journal: Journal;
  /**
   * Stops: no more deliveries, the queued runs dropped and the current one
   * interrupted (Playwright tears down); resolves once it has ended.
   */
  stop(): Promise<{ interrupted?: string; dropped: number }>;
}

export async function listen(options: ListenOptions): Promise<Listening> {
  const journal = new Journal(options.dir, (error) =>
    options.log(`the journal could not be written: ${error.message}`),
  );
  let current: StartedRun | undefined;
  const queue = new RunQueue<Trigger>((trigger) => {
    const run = startTriggeredRun(trigger, options);
    current = run;
    const startedAt = Date.now();
    const deployment = trigger.source === "vercel" ? trigger.deployment.id : undefined;
    const base = {
      kind: "run" as const,
      platform: trigger.source,
      deliveryId: trigger.deliveryId,
      runId: run.runId,
      ...(deployment ? { deployment } : {}),
    };
    void journal.add({ ...base, phase: "started" });
    const done = run.done
      .catch(
        (error: Error): RunOutcome => ({
          result: "errored",
          exitCode: 1,
          message: `the run failed to start: ${error.message}`,
        }),
      )
      .then(async (outcome) => {
        if (outcome.message) options.log(`run ${run.runId}: ${outcome.message}`);
        await journal.add({
          ...base,
          phase: "finished",
          result: outcome.result,
          exitCode: outcome.exitCode,
          durationMs: Date.now() - startedAt,
          ...(outcome.frontendUrl ? { frontendUrl: outcome.frontendUrl } : {}),
          ...(outcome.message ? { message: outcome.message } : {}),
        });
        current = undefined;
        options.log(
          `run ${run.runId} (${trigger.source} delivery ${trigger.deliveryId}): ${outcome.result} (exit ${outcome.exitCode})`,
        );
      });
    return { done, interrupt: () => run.interrupt() };
  });

  const receiver: Receiver = await startReceiver({
    host: options.host,
    port: options.port,
    secrets: options.secrets,
    only: options.only,
    journal,
    accept: (trigger) => {
      const verdict = queue.offer(`${trigger.source}:${trigger.deliveryId}`, trigger);
      if (verdict !== "stopping")
        options.log(
          `${trigger.source} delivery ${trigger.deliveryId} (${trigger.eventType}): ${verdict}`,
        );
      return verdict;
    },
    health: () => ({
      status: "ok",
      running: current ? { runId: current.runId, deliveryId: queue.running?.deliveryId } : null,
      queued: queue.waiting,
    }),
    onError: (error) => options.log(`a request failed: ${(error as Error).message}`),
  });

  return {
    url: receiver.url,
    journal,
    async stop() {
      const closing = receiver.close();
      const interrupted = current?.runId;
      const { dropped } = await queue.stop();
      for (const trigger of dropped) {
        await journal.add({
          kind: "run",
          phase: "abandoned",
          platform: trigger.source,
          deliveryId: trigger.deliveryId,
          message: "the receiver stopped before this run started",
        });
      }
      await closing;
      return { ...(interrupted ? { interrupted } : {}), dropped: dropped.length };
    },
  };
}

function startTriggeredRun(trigger: Trigger, options: ListenOptions): StartedRun {
  const vercelRun = trigger.source === "vercel";
  // Without API access the payload's URL is all there is; with it, the id is asked again (READY, commit).
  const deployment = vercelRun
    ? options.vercel
      ? trigger.deployment.id
      : (trigger.deployment.url ?? trigger.deployment.id)
    : undefined;
  const sha = vercelRun ? trigger.deployment.sha : undefined;
  return startRun({
    root: options.root,
    runId: newRunId(),
    env: options.env,
    ...(deployment ? { deployment } : {}),
    ...(sha ? { sha } : {}),
    ...(options.vercel ? { vercel: options.vercel } : {}),
    ...(options.github ? { github: options.github } : {}),
    vercelCheck: options.vercelCheck && vercelRun,
    playwrightArgs: options.playwrightArgs,
    timeoutMs: options.runTimeoutMs,
    log: options.log,
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  });
}
