import type { Redactor } from "../secrets/redactor.ts";
import { clearDigest, fallbackEntry, type StateOp, setEntry } from "./apply.ts";
import { type Delivered, type DeliveryContext, deliverAll, fallbackSends } from "./deliver.ts";
import type { Journal } from "./journal.ts";
import { notifierResults } from "./notifier-health.ts";
import { type CheckDecision, observe } from "./observe.ts";
import { type PairDecision, plan } from "./plan.ts";
import type { Policy } from "./policy-schema.ts";
import { NOTIFIER_TIER } from "./routing.ts";
import type { AlertState, ChannelName, CheckRecord, CheckResult, RunInfo } from "./types.ts";

export interface PipelineInput {
  state: AlertState;
  results: readonly CheckResult[];
  policy: Policy;
  run: RunInfo;
  configured: ReadonlySet<ChannelName>;
  now: number;
  redactor: Redactor;
  journal: Journal;
  delivery: DeliveryContext;
  startedAt: number;
}

/** Keeps the current state and the list of changes that led to it, for replay after a write race. */
class Track {
  readonly ops: StateOp[] = [];
  constructor(public state: AlertState) {}

  apply(op: StateOp) {
    this.ops.push(op);
    this.state = op(this.state);
  }
}

/**
 * Every decision that changes or says something gets its own line; the many
 * "passed again, nothing to do" ones are counted, so a journal of scheduled
 * runs stays readable (and small) for months.
 */
function journalDecisions(
  journal: Journal,
  checks: CheckDecision[],
  pairs: PairDecision[],
  now: number,
) {
  const routine = (d: CheckDecision) =>
    d.outcome === "passed" && d.status === "ok" && d.events.length === 0;
  const quietPair = (d: PairDecision) =>
    d.decision.action === "none" && d.decision.reason === "nothing-firing";
  for (const d of checks) if (!routine(d)) journal.write({ ...d, at: now });
  for (const d of pairs) if (!quietPair(d)) journal.write({ ...d, at: now });
  const unchanged = checks.filter(routine).length;
  const idle = pairs.filter(quietPair).length;
  if (unchanged || idle)
    journal.write({ type: "routine", passingChecks: unchanged, idleChannels: idle, at: now });
}

function successOps(delivered: readonly Delivered[], now: number): StateOp[] {
  return delivered.flatMap(({ send, result }): StateOp[] => {
    if (!result.ok) return [];
    const n = send.notification;
    if (n.kind === "digest") return [clearDigest(n, now)];
    if (n.fallbackFor) {
      return [(s) => setEntry(n.key, fallbackEntry(s.notifications[n.key], n, now))(s)];
    }
    return [setEntry(n.key, send.entry)];
  });
}

/**
 * Two passes over the same machinery: first the suite's checks (with their
 * fallbacks and the digest), then the notifier checks that the first pass's
 * delivery results produced. The second pass uses what is left of the budget.
 */
export async function decideAndDeliver(input: PipelineInput) {
  const { policy, run, configured, now, journal } = input;
  const track = new Track(input.state);
  const deadline = input.startedAt + policy.delivery.budgetMs;
  // Part of the budget stays free for fallbacks and the notifier-broken alert.
  const primaryDeadline = deadline - Math.floor(policy.delivery.budgetMs * 0.3);

  const pass = (
    results: readonly CheckResult[],
    include: (r: CheckRecord) => boolean,
    withDigest: boolean,
  ) => {
    // Error texts come from tests and may quote a key: redact before anything stores them.
    const clean = results.map((r) => input.redactor.deep(r));
    const observed = observe(track.state, { results: clean, policy, run, configured, now });
    track.apply((s) => observe(s, { results: clean, policy, run, configured, now }).state);
    const planned = plan(track.state, { policy, run, configured, now, withDigest, include });
    journalDecisions(journal, observed.decisions, planned.decisions, now);
    for (const update of planned.silentUpdates) track.apply(setEntry(update.key, update.entry));
    return planned.sends;
  };

  const sends = pass(input.results, (r) => r.labels.tier !== NOTIFIER_TIER, true);
  // The decisions go to disk while the messages go out, not before: alerts do not wait for I/O.
  const decisionsWritten = journal.flush();
  const window = (end: number) => ({ startedAt: input.startedAt, deadline: end });
  const first = await deliverAll(sends, input.delivery, window(primaryDeadline));
  const standIns = fallbackSends(first, policy, input.delivery.transports);
  const fallbacks = await deliverAll(standIns, input.delivery, window(deadline));
  for (const op of successOps([...first, ...fallbacks], now)) track.apply(op);

  const health = notifierResults(first, run.environment);
  const noticeSends = pass(health, (r) => r.labels.tier === NOTIFIER_TIER, false);
  const notices = await deliverAll(noticeSends, input.delivery, window(deadline));
  for (const op of successOps(notices, now)) track.apply(op);
  // A journal that cannot be written must not cost the state save; the final flush reports it.
  await decisionsWritten.catch(() => {});

  const firing = Object.values(track.state.checks).filter((c) => c.status === "firing").length;
  const notes =
    configured.size === 0 && firing > 0
      ? [
          `${firing} alert(s) firing but no channel is configured: set ALERT_* variables (or MAIL_SINK_SMTP_URL for the local mail sink)`,
        ]
      : [];
  return { ops: track.ops, delivered: [...first, ...fallbacks, ...notices], notes };
}
