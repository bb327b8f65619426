import type { CheckLabels } from "./types.ts";

export const MATCH_LABELS = [
  "environment",
  "project",
  "tier",
  "severity",
  "file",
  "title",
  "tag",
] as const;
export type MatchLabel = (typeof MATCH_LABELS)[number];

/** A string is equality, an array is any-of, a RegExp must match. `tag` matches any of the tags. */
export type MatchValue = string | readonly string[] | RegExp;
export type Matcher = Partial<Record<MatchLabel, MatchValue>>;

function valueMatches(expected: MatchValue, actual: string): boolean {
  if (typeof expected === "string") return expected === actual;
  if (expected instanceof RegExp) return new RegExp(expected.source, expected.flags).test(actual);
  return expected.includes(actual);
}

/** Every named label must match; an empty matcher matches everything. */
export function matches(matcher: Matcher | undefined, labels: CheckLabels): boolean {
  if (!matcher) return true;
  for (const name of MATCH_LABELS) {
    const expected = matcher[name];
    if (expected === undefined) continue;
    const ok =
      name === "tag"
        ? labels.tags.some((tag) => valueMatches(expected, tag))
        : valueMatches(expected, labels[name]);
    if (!ok) return false;
  }
  return true;
}
