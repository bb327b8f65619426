import path from "node:path";
import type { AppProfile } from "../contract/profile.ts";
import type { TargetConfig } from "../target/config.ts";
import { newSupabaseClient } from "../target/supabase-client.ts";
import { cleanupOptions } from "../target/user-cleanup.ts";
import { APP_PATHS_VAR, type AppPaths, appPaths } from "./app-paths.ts";
import { type ArtilleryRun, LOCAL_PROCESSOR, runArtillery } from "./artillery.ts";
import { scenarioPath } from "./catalog.ts";
import { applicableScenarios, type SkippedScenario } from "./needs.ts";
import { artilleryOverrides } from "./overrides.ts";
import { type Profile, planScenario, type ScenarioPlan } from "./profile.ts";
import type { LoadSettings } from "./settings.ts";
import { endpointsOfScenario, type Sla } from "./sla.ts";
import { type EndpointStats, endpointStats, measuredEndpoints } from "./stats.ts";
import { createLoginUsers, deleteRunUsers } from "./users.ts";

/**
 * One load run: the users it needs, every selected scenario file the app has
 * in its own Artillery process at once (the others skipped, with why), the
 * numbers read back, and the users deleted again, also when a scenario
 * failed or the run was interrupted.
 */

/** Scenarios whose hooks sign in as a prepared user (pickLoginUser in processor.ts). */
const LOGIN_SCENARIOS = new Set(["login", "supabase-token"]);
export const LOGIN_USERS = 3;

export interface ScenarioResult {
  plan: ScenarioPlan;
  artillery: ArtilleryRun;
  stats: EndpointStats[];
  /** Why the scenario produced no trustworthy numbers, if it did not. */
  problem: string | undefined;
}

export interface LoadRun {
  runId: string;
  env: string;
  startedAt: Date;
  stoppedAt: Date;
  scenarios: ScenarioResult[];
  /** Selected scenarios the app does not have (no backend, no sign-up endpoint): not run, not failed. */
  skipped: SkippedScenario[];
  /** Cleanup that failed; the run's numbers still stand. */
  cleanupProblems: string[];
  /** Doubts about the numbers, e.g. a scenario measured while another was still starting. */
  warnings: string[];
}

/** What a load run needs of the app profile. */
export type LoadApp = Pick<
  AppProfile,
  "home" | "forms" | "signedIn" | "backend" | "nameMetadataKey" | "tables"
>;

export interface RunLoadOptions {
  target: TargetConfig;
  app: LoadApp;
  settings: LoadSettings;
  sla: Sla;
  profile: Profile;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** A reference stack booted for this run alone: after an interruption its users need no deleting. */
  disposableTarget?: boolean;
}

export async function runLoad(options: RunLoadOptions): Promise<LoadRun> {
  const { target, app, settings, sla, profile, log } = options;
  const startedAt = new Date();
  const { run, skipped } = applicableScenarios(settings.scenarios, app, target.backendUrl);
  for (const { scenario, reason } of skipped) log(`Skipped ${scenario}: ${reason}.`);
  const plans = run.map((scenario) =>
    planScenario(profile, scenario, {
      durationSeconds: settings.durationSeconds,
      rateFactor: settings.rateFactor,
      alone: run.length === 1,
    }),
  );
  const finished = (scenarios: ScenarioResult[], cleanupProblems: string[]): LoadRun => ({
    runId: target.runId,
    env: target.env,
    startedAt,
    stoppedAt: new Date(),
    scenarios,
    skipped,
    cleanupProblems,
    warnings: startupOverlap(scenarios),
  });
  if (plans.length === 0) return finished([], []);
  const admin = newSupabaseClient(target.supabaseUrl, target.serviceRoleKey);
  const identity = {
    prefix: target.emailPrefix,
    runId: target.runId,
    workerIndex: 0,
    domain: target.emailDomain,
  };
  const cleanupProblems: string[] = [];
  async function deleteUsers(): Promise<void> {
    try {
      const deleted = await deleteRunUsers(admin, {
        prefix: target.emailPrefix,
        runId: target.runId,
        since: startedAt,
        cleanup: cleanupOptions(target, app.tables),
      });
      log(`Deleted ${deleted} synthetic users of run ${target.runId}.`);
    } catch (error) {
      cleanupProblems.push(
        `synthetic users of run ${target.runId} not deleted (npm run load -- --cleanup-run ${target.runId} deletes them): ${(error as Error).message}`,
      );
    }
  }
  let scenarios: ScenarioResult[] = [];
  try {
    const loginUsers = plans.some((plan) => LOGIN_SCENARIOS.has(plan.scenario))
      ? await createLoginUsers(admin, identity, LOGIN_USERS)
      : [];
    const env = { ...localPassThrough(), ...artilleryEnv(target, appPaths(app), loginUsers) };
    const outputDir = path.join(settings.resultsDir, target.runId);
    log(
      `Load run ${target.runId} on ${target.env}: ${plans
        .map((plan) => `${plan.scenario} ${plan.ratePerSecond}/s`)
        .join(", ")} for ${settings.durationSeconds} s each, in parallel`,
    );
    scenarios = await Promise.all(
      plans.map(async (plan) => {
        const artillery = await runArtillery({
          scenario: plan.scenario,
          overrides: artilleryOverrides(sla, plan, profile.limits, LOCAL_PROCESSOR),
          env,
          outputDir,
          timeoutMs:
            (plan.warmupSeconds +
              plan.durationSeconds +
              profile.limits.requestTimeoutSeconds +
              profile.limits.startupGraceSeconds) *
            1000,
          signal: options.signal,
        });
        return scenarioResult(plan, artillery, sla);
      }),
    );
  } finally {
    if (!(options.signal?.aborted && options.disposableTarget)) await deleteUsers();
  }
  return finished(scenarios, cleanupProblems);
}

/**
 * Starting Artillery costs a CPU-second or two; a scenario that measures
 * while another process starts measures the load generator too. The warm-up
 * pause is there to prevent it; this says when it was too short.
 */
export function startupOverlap(scenarios: readonly ScenarioResult[]): string[] {
  let last: { name: string; readyAt: number } | undefined;
  for (const s of scenarios) {
    const readyAt = s.artillery.phaseStarts[0];
    if (readyAt !== undefined && readyAt > (last?.readyAt ?? 0))
      last = { name: s.plan.scenario, readyAt };
  }
  const warnings: string[] = [];
  for (const s of scenarios) {
    const measuringAt = s.artillery.phaseStarts.at(-1);
    if (last && measuringAt !== undefined && measuringAt < last.readyAt) {
      const early = ((last.readyAt - measuringAt) / 1000).toFixed(1);
      warnings.push(
        `${s.plan.scenario} began measuring ${early} s before ${last.name} had started; raise warmupSeconds in load/profile.json if its numbers look inflated`,
      );
    }
  }
  return warnings;
}

function scenarioResult(plan: ScenarioPlan, artillery: ArtilleryRun, sla: Sla): ScenarioResult {
  const endpoints = endpointsOfScenario(plan.scenario, sla);
  const stats = endpoints.map((endpoint) =>
    endpointStats(artillery.report, endpoint, plan.scenario, plan),
  );
  const unknown = measuredEndpoints(artillery.report).filter((name) => !endpoints.includes(name));
  let problem: string | undefined;
  if (artillery.timedOut) problem = "Artillery did not stop by itself and was killed";
  else if (!artillery.report)
    problem = `Artillery exited ${artillery.exitCode} without a report:\n${artillery.outputTail}`;
  else if (unknown.length > 0)
    problem = `${scenarioPath(plan.scenario)} measures ${unknown.join(", ")}, which load/sla.json does not list for scenario ${plan.scenario}`;
  return { plan, artillery, stats, problem };
}

/**
 * What Artillery needs to know, and nothing more: the targets, the app's
 * paths, the anon key, the bypass for the frontend, the run's identity and
 * the login users. Never the service-role key, database URL or JWT secret.
 */
export function artilleryEnv(
  target: TargetConfig,
  paths: AppPaths,
  loginUsers: Array<{ email: string; password: string }>,
): Record<string, string> {
  return {
    ARTILLERY_DISABLE_TELEMETRY: "true",
    FRONTEND_URL: target.frontendUrl,
    ...(target.backendUrl ? { BACKEND_URL: target.backendUrl } : {}),
    SUPABASE_URL: target.supabaseUrl,
    [APP_PATHS_VAR]: JSON.stringify(paths),
    SUPABASE_ANON_KEY: target.anonKey,
    ...(target.vercelBypass ? { VERCEL_PROTECTION_BYPASS: target.vercelBypass } : {}),
    SYNTHETIC_RUN_ID: target.runId,
    SYNTHETIC_EMAIL_PREFIX: target.emailPrefix,
    SYNTHETIC_EMAIL_DOMAIN: target.emailDomain,
    LOAD_LOGIN_USERS: JSON.stringify(loginUsers),
  };
}

/** The little of this process's environment a local Artillery needs to run at all. */
function localPassThrough(): Record<string, string> {
  const names = ["PATH", "HOME", "TMPDIR", "LANG"];
  return {
    ...Object.fromEntries(
      names.flatMap((name) => {
        const value = process.env[name];
        return value === undefined ? [] : [[name, value]];
      }),
    ),
    NO_COLOR: "1",
  };
}
