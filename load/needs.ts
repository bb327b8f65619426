import type { AppProfile } from "../contract/profile.ts";
import { NOT_APPLICABLE } from "../contract/vocabulary.ts";

// What each scenario needs of the app. A scenario the app does not have (no
// backend, no backend sign-up) is skipped with its reason: not run against a
// path that is not there, not counted as a failure, not dropped unsaid.

export interface SkippedScenario {
  scenario: string;
  reason: string;
}

type App = Pick<AppProfile, "backend">;
type Need = (app: App, backendUrl: string | undefined) => string | undefined;

const backend: Need = (app, backendUrl) => {
  if (backendUrl === undefined) return NOT_APPLICABLE.noBackend;
  if (app.backend === undefined) return NOT_APPLICABLE.noBackendInProfile;
  return undefined;
};

const declared =
  (endpoint: "login" | "register"): Need =>
  (app) =>
    app.backend?.[endpoint] ? undefined : NOT_APPLICABLE.undeclared(endpoint);

/** Scenarios not listed need nothing beyond the frontend and Supabase every app has. */
const NEEDS: Record<string, Need[]> = {
  health: [backend],
  login: [backend, declared("login")],
  register: [backend, declared("register")],
};

/** Why `scenario` does not apply to this app; undefined when it does. */
export function skipReason(
  scenario: string,
  app: App,
  backendUrl: string | undefined,
): string | undefined {
  for (const need of NEEDS[scenario] ?? []) {
    const reason = need(app, backendUrl);
    if (reason) return reason;
  }
  return undefined;
}

/** The selected scenarios split into those to run and those skipped, with why. */
export function applicableScenarios(
  scenarios: readonly string[],
  app: App,
  backendUrl: string | undefined,
): { run: string[]; skipped: SkippedScenario[] } {
  const run: string[] = [];
  const skipped: SkippedScenario[] = [];
  for (const scenario of scenarios) {
    const reason = skipReason(scenario, app, backendUrl);
    if (reason) skipped.push({ scenario, reason });
    else run.push(scenario);
  }
  return { run, skipped };
}
