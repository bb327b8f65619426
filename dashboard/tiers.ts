// The six rows the dashboard and the status page show, and which checks
// belong to each. A check's tier comes from its Playwright project (the
// suite's vocabulary); load results, and the companions the alert reporter
// names "(degraded)", are performance.
import { LOAD_PROJECT, LOAD_TIER } from "../contract/vocabulary.ts";
import type { Maintenance, Scope } from "../monitor/config-schema.ts";

export type TierKey = "frontend" | "backend" | "supabase" | "database" | "security" | "performance";

export interface TierDefinition {
  tier: TierKey;
  label: string;
  /** The Playwright project whose checks it holds. */
  project: string;
}

export const TIERS: readonly TierDefinition[] = [
  { tier: "frontend", label: "Frontend on Vercel", project: "browser" },
  { tier: "backend", label: "Backend on Render", project: "api" },
  { tier: "supabase", label: "Supabase auth", project: "supabase" },
  { tier: "database", label: "Database and schema", project: "schema" },
  { tier: "security", label: "Security", project: "security" },
  { tier: "performance", label: "Performance", project: LOAD_PROJECT },
];

export const PUBLIC_TAG = "@public";

/** The tier a check belongs to, or undefined (setup, cleanup, unknown projects). */
export function tierOf(check: {
  project: string;
  tier: string;
  title: string;
}): TierKey | undefined {
  if (
    check.project === LOAD_PROJECT ||
    check.tier === LOAD_TIER ||
    check.title.endsWith("(degraded)")
  )
    return "performance";
  return TIERS.find((t) => t.project === check.project)?.tier;
}

export function labelOf(tier: TierKey): string {
  return TIERS.find((t) => t.tier === tier)?.label ?? tier;
}

/** Whether a maintenance scope covers a tier (no projects and no tags: everything). */
export function scopeCovers(scope: Scope, tier: TierDefinition): boolean {
  if (!scope) return true;
  const { projects, tags } = scope;
  if (!projects && !tags) return true;
  // A scope by tags alone may take some of any tier's checks: show the tier as in maintenance.
  if (!projects) return true;
  return projects.includes(tier.project);
}

/** The effect of a window covering `tier`, by its id. */
export function windowEffects(
  windows: readonly Maintenance[],
  tier: TierDefinition,
): Map<string, Maintenance["effect"]> {
  return new Map(windows.filter((w) => scopeCovers(w.scope, tier)).map((w) => [w.id, w.effect]));
}
