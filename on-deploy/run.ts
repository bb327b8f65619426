import type { VercelClient } from "../platform/index.ts";
import type { GitHubAccess } from "./env.ts";
import { DeploymentError, resolveDeployment } from "./resolve.ts";
import {
  githubStatus,
  type StatusReporter,
  StatusReporters,
  vercelCheck,
} from "./status-reporters.ts";
import { type SuiteResult, type SuiteRun, startSuite } from "./suite.ts";

// One run after a deploy, from the command line or from a delivery: find the
// deployment, point FRONTEND_URL at it, tell the reporters, run the suite,
// tell them how it ended.

export interface RunRequest {
  root: string;
  runId: string;
  /** The process's environment with the target's variables on top. */
  env: NodeJS.ProcessEnv;
  /** A Vercel deployment id or URL; unset: the configured target as it is (a backend deploy). */
  deployment?: string;
  /** The commit, when the trigger knows it and the Vercel API does not say. */
  sha?: string;
  vercel?: VercelClient;
  /** Set: report a GitHub commit status. */
  github?: GitHubAccess;
  /** Report a Vercel check on the deployment. */
  vercelCheck: boolean;
  playwrightArgs: readonly string[];
  timeoutMs?: number;
  log: (line: string) => void;
  onOutput?: (text: string) => void;
}

export interface RunOutcome {
  /** not-runnable: the deployment could not be tested (not found, not READY, no URL). */
  result: SuiteResult | "not-runnable";
  exitCode: number;
  frontendUrl?: string;
  deploymentId?: string;
  message?: string;
}

export interface StartedRun {
  runId: string;
  done: Promise<RunOutcome>;
  /** Stops the run: before the suite starts it never does; once it runs, it is interrupted. */
  interrupt(): void;
}

export function startRun(request: RunRequest): StartedRun {
  let interrupted = false;
  let suite: SuiteRun | undefined;
  const done = (async (): Promise<RunOutcome> => {
    let frontendUrl = request.env.FRONTEND_URL?.trim();
    let deploymentId: string | undefined;
    let sha = request.sha;
    if (request.deployment !== undefined) {
      try {
        const resolved = await resolveDeployment(request.deployment, {
          ...(request.vercel ? { vercel: request.vercel } : {}),
          ...(frontendUrl ? { configuredFrontendUrl: frontendUrl } : {}),
        });
        frontendUrl = resolved.frontendUrl;
        deploymentId = resolved.deploy?.id;
        sha = resolved.deploy?.commit?.sha ?? sha;
      } catch (error) {
        if (!(error instanceof DeploymentError)) throw error;
        return { result: "not-runnable", exitCode: 2, message: error.message };
      }
    }
    const about = {
      ...(frontendUrl ? { frontendUrl } : {}),
      ...(deploymentId ? { deploymentId } : {}),
    };
    if (interrupted) return { result: "interrupted", exitCode: 130, ...about };

    const reporters: StatusReporter[] = [];
    if (request.github) {
      if (sha && frontendUrl) reporters.push(githubStatus(request.github, { frontendUrl, sha }));
      else request.log("GitHub status skipped: the deployment names no commit");
    }
    if (request.vercelCheck) {
      if (request.vercel && deploymentId) reporters.push(vercelCheck(request.vercel, deploymentId));
      else
        request.log("Vercel check skipped: the run is not about a Vercel deployment the API knows");
    }
    const status = new StatusReporters(reporters, request.log);

    const env: NodeJS.ProcessEnv = {
      ...request.env,
      ...(frontendUrl ? { FRONTEND_URL: frontendUrl } : {}),
      SYNTHETIC_RUN_ID: request.runId,
      SYNTHETIC_RUN_KIND: "acceptance",
    };
    request.log(
      `run ${request.runId}: the suite against ${frontendUrl ?? "the configured target"}${deploymentId ? ` (deployment ${deploymentId}${sha ? `, commit ${sha.slice(0, 7)}` : ""})` : ""}`,
    );
    await status.started();
    if (interrupted) {
      const outcome = { result: "interrupted" as const, exitCode: 130 };
      await status.finished(outcome);
      return { ...outcome, ...about };
    }
    suite = startSuite({
      root: request.root,
      env,
      args: request.playwrightArgs,
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.onOutput ? { onOutput: request.onOutput } : {}),
    });
    const outcome = await suite.done;
    await status.finished(outcome);
    return { ...outcome, ...about };
  })();
  return {
    runId: request.runId,
    done,
    interrupt() {
      interrupted = true;
      suite?.interrupt();
    },
  };
}
