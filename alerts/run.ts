import type { RunDeploys } from "../platform/index.ts";
import { FOR_MESSAGES, Redactor } from "../secrets/redactor.ts";
import { applyAll, type StateOp } from "./apply.ts";
import type { AlertConfig } from "./config.ts";
import { consoleLines } from "./console.ts";
import type { Delivered, DeliveryContext } from "./deliver.ts";
import { Journal } from "./journal.ts";
import { decideAndDeliver } from "./pipeline.ts";
import type { Policy } from "./policy-schema.ts";
import { openStore } from "./store/open-store.ts";
import { ConcurrentWriteError, type StateStore } from "./store/state-store.ts";
import { transportsFor } from "./transports/from-config.ts";
import type { Transport } from "./transports/transport.ts";
import type { AlertState, ChannelName, CheckResult, RunInfo } from "./types.ts";

export interface RunAlertsInput {
  results: readonly CheckResult[];
  config: AlertConfig;
  policy: Policy;
  /** The engine's clock; delivery timing always uses real time. */
  now?: () => number;
  store?: StateStore;
  transports?: ReadonlyMap<ChannelName, Transport>;
  log?: (line: string) => void;
  random?: () => number;
  /** When the last test ended (epoch ms, sub-ms precision), journaled for latency measurements. */
  testsEndedAt?: number;
  /** What the platforms said was live and deployed recently (the run's platform snapshot). */
  deploys?: RunDeploys;
}

export interface RunAlertsReport {
  /** False when a critical alert could not be delivered or state could not be saved. */
  ok: boolean;
  problems: string[];
  delivered: Delivered[];
}

const SAVE_TRIES = 3;

/** Env settings win over the policy file for delivery timing; env silences add to the policy's. */
export function effectivePolicy(policy: Policy, config: AlertConfig): Policy {
  return {
    ...policy,
    silences: [...policy.silences, ...config.silences],
    delivery: {
      ...policy.delivery,
      budgetMs: config.delivery.budgetMs ?? policy.delivery.budgetMs,
      attemptTimeoutMs: config.delivery.attemptTimeoutMs ?? policy.delivery.attemptTimeoutMs,
    },
  };
}

/** Critical alert messages a channel could not carry, and which channels did carry the group. */
function criticalFailures(delivered: readonly Delivered[]): string[] {
  return delivered
    .filter((d) => !d.result.ok && !d.notification.fallbackFor)
    .filter((d) => d.notification.severity === "critical" && d.notification.kind === "alert")
    .map((d) => {
      const n = d.notification;
      const carriers = delivered
        .filter((o) => o.result.ok && o.notification.groupKey === n.groupKey)
        .map((o) =>
          o.notification.fallbackFor
            ? `${o.notification.channel} (fallback)`
            : o.notification.channel,
        );
      const reached = carriers.length
        ? `; it reached ${carriers.join(", ")}`
        : "; it reached no channel";
      return `critical alert ${n.groupKey} was not delivered via ${n.channel}: ${d.result.ok ? "" : d.result.reason}${reached}`;
    });
}

async function saveWithRebase(
  store: StateStore,
  base: { state: AlertState; revision: number },
  ops: StateOp[],
  journal: Journal,
) {
  let snapshot = base;
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.save(applyAll(snapshot.state, ops), snapshot.revision);
    } catch (error) {
      if (!(error instanceof ConcurrentWriteError) || attempt >= SAVE_TRIES) throw error;
      journal.write({ type: "state.concurrent-write", detail: error.message, attempt });
      // Another run saved first: replay this run's changes onto what it wrote.
      snapshot = await store.load();
    }
  }
}

/**
 * One run's alerting: observe outcomes, decide, deliver, fall back, watch the
 * notifiers, save. Every decision and attempt goes to the journal.
 */
export async function runAlerts(input: RunAlertsInput): Promise<RunAlertsReport> {
  const { config } = input;
  const policy = effectivePolicy(input.policy, config);
  const now = (input.now ?? Date.now)();
  const redactor = new Redactor(config.secrets, FOR_MESSAGES);
  const run: RunInfo = {
    runId: config.runId,
    environment: config.environment,
    kind: config.runKind,
    reportUrl: config.reportUrl,
    ...(input.deploys ? { deploys: input.deploys } : {}),
  };
  const journal = new Journal(config.journalPath, redactor, run.runId);
  const transports =
    input.transports ?? transportsFor(config.channels, policy.delivery.attemptTimeoutMs);
  const store = input.store ?? openStore(config.state, run.runId);
  const log = input.log ?? ((line: string) => console.log(line));
  const configured = new Set(transports.keys());
  const problems: string[] = [];
  const notes: string[] = [];
  const delivered: Delivered[] = [];
  const startedAt = Date.now();
  const ctx: DeliveryContext = {
    transports,
    delivery: policy.delivery,
    redactor,
    random: input.random,
    onAttempt: (n, a) => journal.write({ type: "attempt", key: n.key, channel: n.channel, ...a }),
  };
  try {
    journal.write({
      type: "run.start",
      environment: run.environment,
      kind: run.kind,
      results: input.results.length,
      channels: [...configured],
      store: store.description,
      testsEndedAt: input.testsEndedAt,
      startedAtPrecise: performance.timeOrigin + performance.now(),
      at: now,
    });
    const snapshot = await store.load();
    if (snapshot.warning) problems.push(snapshot.warning);
    const outcome = await decideAndDeliver({
      state: snapshot.state,
      results: input.results,
      policy,
      run,
      configured,
      now,
      redactor,
      journal,
      delivery: ctx,
      startedAt,
    });
    notes.push(...outcome.notes);
    delivered.push(...outcome.delivered);
    for (const d of delivered) {
      journal.write({
        type: d.result.ok ? "delivered" : "undelivered",
        key: d.notification.key,
        channel: d.notification.channel,
        reason: d.notification.reason,
        ...d.result,
        acceptedAfterMs: d.acceptedAfterMs,
      });
    }
    problems.push(...criticalFailures(delivered));
    const revision = await saveWithRebase(store, snapshot, outcome.ops, journal);
    journal.write({ type: "state.saved", revision });
  } catch (error) {
    problems.push(`alerting failed: ${(error as Error).message}`);
    journal.write({
      type: "error",
      message: (error as Error).message,
      stack: (error as Error).stack,
    });
  } finally {
    await store.close();
    await Promise.all([...transports.values()].map((t) => t.close?.()));
    journal.write({
      type: "run.end",
      ok: problems.length === 0,
      problems,
      durationMs: Date.now() - startedAt,
    });
    await journal
      .flush()
      .catch((error: Error) => problems.push(`journal not written: ${error.message}`));
  }
  const counts = { failed: 0, flaky: 0, passed: 0 };
  for (const r of input.results) counts[r.outcome] += 1;
  const lines = consoleLines({
    run,
    counts,
    delivered,
    problems: problems.map((p) => redactor.text(p)),
    notes,
    full: config.localDefault,
    journalPath: config.journalPath,
  });
  for (const line of lines) log(redactor.text(line));
  return { ok: problems.length === 0, problems: problems.map((p) => redactor.text(p)), delivered };
}
