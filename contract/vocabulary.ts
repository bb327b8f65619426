/**
 * Which tier each Playwright project checks, and who owns it: one map for the
 * Allure labels and the alert engine. Owners are placeholders: put your teams here.
 */
export interface Tier {
  /** Allure's epic: the top of the Behaviors tree. */
  epic: string;
  owner: string;
}

export const TIER_BY_PROJECT: Record<string, Tier> = {
  browser: { epic: "frontend", owner: "frontend team" },
  api: { epic: "backend", owner: "backend team" },
  supabase: { epic: "Supabase auth", owner: "platform team" },
  schema: { epic: "database", owner: "platform team" },
  security: { epic: "security", owner: "security team" },
  setup: { epic: "setup", owner: "QA" },
  cleanup: { epic: "setup", owner: "QA" },
};

export const UNKNOWN_TIER: Tier = { epic: "other", owner: "QA" };
