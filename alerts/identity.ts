import { createHash } from "node:crypto";
import type { CheckLabels } from "./types.ts";

/** Joins a title path the way messages show it. */
export const TITLE_SEPARATOR = " › ";

/** The title suffix of a check's "degraded" companion (reporters/alert-input.ts). */
export const DEGRADED_SUFFIX = `${TITLE_SEPARATOR}degraded`;

/**
 * Only labels that stay the same from run to run: error text, duration, retry
 * and run id would give the same failing check a new identity every time.
 */
export function fingerprintOf(
  labels: Pick<CheckLabels, "environment" | "project" | "file" | "title">,
) {
  const stable = [labels.environment, labels.project, labels.file, labels.title];
  return createHash("sha256").update(JSON.stringify(stable)).digest("hex").slice(0, 16);
}

/** Readable and stable, so it doubles as PagerDuty's dedup_key (≤ 255 characters). */
export function groupKeyOf(labels: CheckLabels, groupBy: readonly GroupLabel[]): string {
  return ["synthetic", ...groupBy.map((name) => labels[name])].join("/").slice(0, 255);
}

export const GROUP_LABELS = ["environment", "project", "tier", "severity", "file"] as const;
export type GroupLabel = (typeof GROUP_LABELS)[number];

export function groupLabelsOf(labels: CheckLabels, groupBy: readonly GroupLabel[]) {
  return Object.fromEntries(groupBy.map((name) => [name, labels[name]]));
}
