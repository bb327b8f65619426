import { matches } from "./matchers.ts";
import type { InhibitRule, Policy, Silence } from "./policy-schema.ts";
import type { CheckRecord } from "./types.ts";

export type MuteReason = "silenced" | "inhibited" | "flapping";

export function activeSilences(silences: readonly Silence[], now: number): Silence[] {
  return silences.filter((silence) => silence.startsAt <= now && now < silence.endsAt);
}

function isFailingSource(record: CheckRecord, rule: InhibitRule): boolean {
  return record.consecutiveFailures > 0 && matches(rule.source, record.labels);
}

function sameLabels(a: CheckRecord, b: CheckRecord, names: InhibitRule["equal"]): boolean {
  return names.every((name) => a.labels[name] === b.labels[name]);
}

/**
 * Alertmanager's rule against self-inhibition: a check that matches both sides
 * of a rule can only be muted by a source that does not, so two failing root
 * checks never silence each other.
 */
function inhibits(rule: InhibitRule, source: CheckRecord, target: CheckRecord): boolean {
  if (source.fingerprint === target.fingerprint) return false;
  if (!matches(rule.target, target.labels) || !sameLabels(source, target, rule.equal)) return false;
  const targetIsAlsoSource = matches(rule.source, target.labels);
  return !(targetIsAlsoSource && matches(rule.target, source.labels));
}

/** Decides, for every check, whether its notifications are held back and why. */
export function muteReasons(
  records: readonly CheckRecord[],
  policy: Pick<Policy, "inhibit" | "silences">,
  now: number,
): Map<string, MuteReason> {
  const silences = activeSilences(policy.silences, now);
  const sources = policy.inhibit.map((rule) =>
    records.filter((record) => isFailingSource(record, rule)),
  );
  const reasons = new Map<string, MuteReason>();
  for (const record of records) {
    if (silences.some((silence) => matches(silence.matchers, record.labels))) {
      reasons.set(record.fingerprint, "silenced");
    } else if (
      policy.inhibit.some((rule, i) => sources[i]?.some((source) => inhibits(rule, source, record)))
    ) {
      reasons.set(record.fingerprint, "inhibited");
    } else if (record.flapping) {
      reasons.set(record.fingerprint, "flapping");
    }
  }
  return reasons;
}
