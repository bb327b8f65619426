// The words the suite, the reports and the alerts share: which tier each
// Playwright project checks and who owns it, and what each tag means. One
// module, so the Allure labels, the alert engine's input, the production
// filter and the load run cannot drift apart. Owners are placeholders: put
// your teams here.

export interface Tier {
  /** Allure's epic (the top of the Behaviors tree) and the alerts' tier label. */
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

/** Where load results sit among the suite's: their project and tier (load/). */
export const LOAD_PROJECT = "load";
export const LOAD_TIER = "performance";

/** Tags a test carries (`{ tag: [...] }`) and what the tooling does with each. */
export const TAGS = {
  /** Its failure makes every other failure noise: alerts inhibit the rest, Allure says blocker. */
  root: "@root",
  /** Pages someone: alert severity critical. */
  critical: "@critical",
  /** The fast confidence set (`--grep @smoke`). */
  smoke: "@smoke",
  /** Changes nothing: runs against production. */
  readonly: "@readonly",
  /** Writes, but cleans up after itself: runs against production too. */
  registration: "@registration",
  /** Sends real mail and follows its link (needs SYNTHETIC_MAILBOX; kept to the email budget). */
  email: "@email",
  /** An SLA breach of a load run (load/). */
  load: "@load",
} as const;

/** What a production run selects unless SYNTHETIC_ALLOW_WRITES_IN_PRODUCTION widens it. */
export const PRODUCTION_GREP = new RegExp(`${TAGS.readonly}|${TAGS.registration}`);

type Endpoint = "register" | "login" | "protected";
const ENDPOINTS: Record<Endpoint, string> = {
  register: "backend sign-up endpoint",
  login: "backend sign-in endpoint",
  protected: "backend endpoint that requires the access token",
};

/** Why a check does not apply to the app: the same words in the specs, load and the summary. */
export const NOT_APPLICABLE = {
  noBackend: "no backend configured (BACKEND_URL is unset)",
  noBackendInProfile: "no backend configured (the app profile declares none)",
  noSchema: "the schema snapshot declares no tables, views, functions or triggers",
  noSnapshot: (file: string) =>
    `there is no schema snapshot at ${file}: run npm run schema:snapshot to make one from the migrations`,
  /** An email journey the profile leaves out (`email.recovery`). */
  noEmailJourney: (field: string) => `the app profile declares no ${field}`,
  undeclared: (endpoint: Endpoint) =>
    `the app profile declares no ${ENDPOINTS[endpoint]} (backend.${endpoint})`,
} as const;
