import { readFileSync } from "node:fs";
import { DEGRADED_SUFFIX, fingerprintOf } from "./identity.ts";
import type { CheckResult } from "./types.ts";

// Several locations, one verdict (Datadog's min_location_failed): a failure
// counts only when at least `required` locations see it within the window.
// The monitor writes, before each cycle, how many *other* locations saw each
// check failing recently (SYNTHETIC_QUORUM_FILE); a failure short of the
// quorum is no data for this run: counters stay, nobody is told, and the next
// location to fail it again makes the quorum.

export interface QuorumView {
  /** Locations that must see a check failing. */
  required: number;
  withinMinutes: number;
  /** By check fingerprint: other locations whose latest result in the window failed. */
  failingElsewhere: Record<string, number>;
  /** By check fingerprint: other locations whose latest result was degraded (for its "degraded" companion). */
  degradedElsewhere?: Record<string, number>;
}

export function readQuorum(env: NodeJS.ProcessEnv = process.env): QuorumView | undefined {
  const file = env.SYNTHETIC_QUORUM_FILE?.trim();
  if (!file) return undefined;
  try {
    const view = JSON.parse(readFileSync(file, "utf8")) as QuorumView;
    return Number.isInteger(view.required) && view.required > 1 ? view : undefined;
  } catch {
    // No view: every failure counts, as with one location (failing open, never silent).
    return undefined;
  }
}

/** The results that count, and a note per failure held back for want of a quorum. */
export function applyQuorum(
  results: readonly CheckResult[],
  view: QuorumView | undefined,
): { counted: CheckResult[]; held: string[] } {
  if (!view) return { counted: [...results], held: [] };
  const counted: CheckResult[] = [];
  const held: string[] = [];
  for (const result of results) {
    if (result.outcome !== "failed") {
      counted.push(result);
      continue;
    }
    const { title } = result.labels;
    // A "degraded" companion counts the locations that saw its check degraded.
    const seen = title.endsWith(DEGRADED_SUFFIX)
      ? 1 +
        (view.degradedElsewhere?.[
          fingerprintOf({ ...result.labels, title: title.slice(0, -DEGRADED_SUFFIX.length) })
        ] ?? 0)
      : 1 + (view.failingElsewhere[fingerprintOf(result.labels)] ?? 0);
    if (seen >= view.required) counted.push(result);
    else
      held.push(
        `${result.labels.title}: failing from ${seen} of the ${view.required} locations the quorum needs (last ${view.withinMinutes} min); not counted yet`,
      );
  }
  return { counted, held };
}
