// `npm run load`: every scenario of load/scenarios at once against the target
// (the reference stack when none is configured), judged against load/sla.json
// and the environment's baseline; scenarios the app profile says the app does
// not have (no backend, no sign-up endpoint) are skipped, saying why.
// `npm run load:baseline` records the baseline.
// Exit 0 pass, 1 breach or regression, 2 bad configuration or a refused target,
// 3 no trustworthy numbers. `--smoke` (what `npm start` runs after the suite)
// skips, with exit 0, a target that load may not touch instead of refusing
// it. Other modes: --print-overrides <scenario>,
// --write-dotenv <file> and --cleanup-run <run id> (distributed runs).
import path from "node:path";
import { AlertConfigError } from "../alerts/config.ts";
import { ProfileError } from "../contract/profile.ts";
import { parseCommandLine } from "../scripts/command-line.ts";
import {
  type AppName,
  appFromEnv,
  bootStack,
  confirmEmailFromEnv,
  FREE_PORTS,
  faultsFromEnv,
  type JwtAlg,
  jwtAlgFromEnv,
  type RunningStack,
} from "../stack/index.ts";
import {
  ConfigError,
  hasNoTarget,
  loadDotenv,
  parseConfig,
  type TargetConfig,
} from "../target/config.ts";
import { forTarget, type LoadAlerting, prepareLoadAlerting } from "./alerting.ts";
import { catalogProblems, scenarioFiles } from "./catalog.ts";
import { deleteUsersOfRun, writeWorkerDotenv } from "./distributed.ts";
import { concludeRun } from "./outcome.ts";
import { artilleryOverrides } from "./overrides.ts";
import { planScenario, readProfile } from "./profile.ts";
import { runLoad } from "./run.ts";
import { assertLoadTargetsAllowed, RemoteTargetRefused } from "./safety.ts";
import { parseLoadSettings } from "./settings.ts";
import { readSla, SlaFileError } from "./sla.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);

const USAGE = `Usage: npm run load [-- options]      (npm run load:baseline records the baseline)

  --scenario a,b          only these scenarios (LOAD_SCENARIOS)
  --duration SECONDS      measured phase per scenario (LOAD_DURATION_SECONDS)
  --record-baseline       record load/baselines/<env>.json instead of comparing
  --smoke                 skip, with exit 0, a target load may not touch (npm start's pass)
  --print-overrides NAME  Artillery overrides for one scenario (distributed runs)
  --write-dotenv FILE     make login users and write Artillery's --dotenv file
  --cleanup-run RUN_ID    delete the synthetic users of a distributed run
  --help                  this text`;

const flags = parseCommandLine("npm run load", USAGE, {
  "record-baseline": { type: "boolean", default: false },
  smoke: { type: "boolean", default: false },
  scenario: { type: "string" },
  duration: { type: "string" },
  "print-overrides": { type: "string" },
  "write-dotenv": { type: "string" },
  "cleanup-run": { type: "string" },
  help: { type: "boolean" },
});

async function main(): Promise<number> {
  loadDotenv();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(flags.scenario ? { LOAD_SCENARIOS: flags.scenario } : {}),
    ...(flags.duration ? { LOAD_DURATION_SECONDS: flags.duration } : {}),
  };
  const sla = readSla();
  const profile = readProfile();
  const scenarios = scenarioFiles();
  const catalog = catalogProblems(scenarios, sla, profile);
  if (catalog.length > 0) throw new ConfigError(catalog);
  const settings = parseLoadSettings(env, profile, scenarios);

  if (flags["print-overrides"] !== undefined) {
    const scenario = flags["print-overrides"];
    if (!scenarios.includes(scenario))
      throw new ConfigError([`--print-overrides must name one of ${scenarios.join(", ")}`]);
    // Distributed, each scenario runs on its own machines: no other scenario to wait for.
    const plan = planScenario(profile, scenario, { ...settings, alone: true });
    say(JSON.stringify(artilleryOverrides(sla, plan, profile.limits)));
    return 0;
  }

  // Which scenarios apply, the paths they send to and the tables cleanup empties.
  // Imported here, after .env: SYNTHETIC_APP may come from there. A bad profile is exit 2.
  const { app: appProfile } = await import("../contract/index.ts");

  if (flags["write-dotenv"] !== undefined || flags["cleanup-run"] !== undefined) {
    if (hasNoTarget(env))
      throw new ConfigError([
        "--write-dotenv and --cleanup-run work on a configured target (FRONTEND_URL, SUPABASE_URL and the rest)",
      ]);
    const target = parseConfig(env);
    if (flags["cleanup-run"] !== undefined) {
      const deleted = await deleteUsersOfRun(target, flags["cleanup-run"], appProfile.tables);
      say(`Deleted ${deleted} synthetic users of run ${flags["cleanup-run"]}.`);
      return 0;
    }
    assertLoadTargetsAllowed(targetUrls(target), settings.allowRemote);
    const file = path.resolve(flags["write-dotenv"] ?? "");
    await writeWorkerDotenv(file, target, appProfile);
    say(
      `Wrote ${path.relative(process.cwd(), file)} for run ${target.runId} (login users made; it holds their passwords).`,
    );
    say(
      `Afterwards: rm ${path.relative(process.cwd(), file)} && npm run load -- --cleanup-run ${target.runId}`,
    );
    return 0;
  }

  const recordBaseline = flags["record-baseline"] === true;
  // Bad ALERT_* settings stop the run before it starts, not after.
  const alertSettings = recordBaseline ? undefined : await alertingFrom(env);

  let stack: RunningStack | undefined;
  let target: TargetConfig;
  let targetEnv: NodeJS.ProcessEnv = env;
  if (hasNoTarget(env)) {
    let faults: string[];
    let app: AppName;
    let jwtAlg: JwtAlg;
    let confirmEmail: boolean;
    try {
      faults = faultsFromEnv(env);
      app = appFromEnv(env);
      jwtAlg = jwtAlgFromEnv(env);
      confirmEmail = confirmEmailFromEnv(env);
    } catch (error) {
      throw new ConfigError([(error as Error).message]);
    }
    stack = await bootStack({
      app,
      jwtAlg,
      confirmEmail,
      ports: FREE_PORTS,
      envFile: false,
      faults,
    });
    targetEnv = { ...env, ...stack.env, SYNTHETIC_ENV: env.SYNTHETIC_ENV || "local" };
    target = parseConfig(targetEnv);
    say(`No target configured: booted the reference stack (app ${app}, ${stack.urls.frontend}).`);
  } else {
    target = parseConfig(env);
    try {
      // Before any request, DNS included.
      assertLoadTargetsAllowed(targetUrls(target), settings.allowRemote);
    } catch (error) {
      if (!(flags.smoke && error instanceof RemoteTargetRefused)) throw error;
      say(`Load pass skipped: ${error.message}`);
      return 0;
    }
  }

  const interrupted = new AbortController();
  let firstSignalAt = 0;
  const stop = () => {
    // npm and tsx relay one Ctrl-C as several signals; only a later one means "now".
    if (firstSignalAt === 0) {
      firstSignalAt = Date.now();
      say("Interrupted: stopping Artillery and cleaning up.");
      interrupted.abort();
    } else if (Date.now() - firstSignalAt > 1_000) {
      say(`Stopped at once: npm run load -- --cleanup-run ${target.runId} deletes what is left.`);
      process.exit(130);
    }
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    const run = await runLoad({
      target,
      app: appProfile,
      settings,
      sla,
      profile,
      log: say,
      signal: interrupted.signal,
      // Ctrl-C reaches the stack's Postgres too; its users go with it.
      disposableTarget: stack !== undefined,
    });
    if (interrupted.signal.aborted) {
      say("Interrupted: no verdict.");
      return 130;
    }
    // A load run records no baseline and alerts under the suite's run id and environment.
    const alerting =
      alertSettings &&
      forTarget(alertSettings, {
        ...targetEnv,
        SYNTHETIC_ENV: target.env,
        SYNTHETIC_RUN_ID: target.runId,
      });
    return await concludeRun(run, { target, settings, sla, recordBaseline, alerting, say });
  } finally {
    await stack?.stop();
  }
}

async function alertingFrom(env: NodeJS.ProcessEnv): Promise<LoadAlerting> {
  try {
    return await prepareLoadAlerting(env);
  } catch (error) {
    throw new ConfigError(
      error instanceof AlertConfigError ? error.problems : [(error as Error).message],
    );
  }
}

function targetUrls(target: TargetConfig): Record<string, string> {
  return {
    FRONTEND_URL: target.frontendUrl,
    ...(target.backendUrl ? { BACKEND_URL: target.backendUrl } : {}),
    SUPABASE_URL: target.supabaseUrl,
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof ConfigError ||
      error instanceof SlaFileError ||
      error instanceof ProfileError
    ) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof RemoteTargetRefused) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`npm run load: ${(error as Error).stack ?? error}\n`);
    process.exit(3);
  },
);
