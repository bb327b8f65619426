import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type PlatformAccess,
  PlatformConfigError,
  parsePlatformEnv,
  VercelClient,
} from "../platform/index.ts";
import { parseCommandLine } from "../scripts/command-line.ts";
import { loadDotenv, newRunId } from "../target/config.ts";
import { type OpenedTarget, openTarget } from "../target/open-target.ts";
import { type OnDeployEnv, OnDeployEnvError, onDeployEnv } from "./env.ts";
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

loadDotenv(ROOT);
let settings: OnDeployEnv;
try {
  settings = onDeployEnv(process.env, ROOT);
} catch (error) {
  if (!(error instanceof OnDeployEnvError)) throw error;
  refuse(error.message);
  throw error;
}
if (flags["github-status"] && !settings.github)
  refuse(`--github-status needs ${settings.githubMissing.join(" and ")}`);

const target: OpenedTarget = await openTarget(process.env);
let stopping = false;
const stopTarget = async () => {
  try {
    await target.stop();
  } catch (error) {
    say(`stopping the reference stack failed: ${(error as Error).message}`);
  }
};
// With the target's variables: a booted stack brings its own platform stand-ins.
const env: NodeJS.ProcessEnv = { ...process.env, ...target.env };
let access: PlatformAccess;
try {
  access = parsePlatformEnv(env);
} catch (error) {
  await stopTarget();
  if (!(error instanceof PlatformConfigError)) throw error;
  refuse(error.message);
  throw error;
}
if (flags["vercel-check"] && !access.vercel) {
  await stopTarget();
  refuse("--vercel-check needs the Vercel API: set VERCEL_TOKEN and VERCEL_PROJECT_ID");
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
  await stopTarget();
  if (outcome.result === "not-runnable")
    refuse(outcome.message ?? "the deployment cannot be tested");
  process.exit(outcome.exitCode);
}
