import type { VercelClient } from "../platform/index.ts";
import type { GitHubAccess } from "./env.ts";
import type { SuiteOutcome } from "./suite.ts";

// Where a run's verdict is shown besides the exit code: a GitHub commit status
// and a Vercel check on the deployment. Each is told when the run starts and
// how it ended; a reporter that fails says so in one line and never changes
// the run's exit code. No message carries a token.

export const GITHUB_CONTEXT = "synthetic-monitor/acceptance";
export const VERCEL_CHECK_NAME = "Synthetic acceptance";
const TIMEOUT_MS = 10_000;

export interface StatusReporter {
  /** How the one line of a failure names it. */
  name: string;
  started(): Promise<void>;
  finished(outcome: SuiteOutcome): Promise<void>;
}

/** What the reporters say about the run. */
export interface RunSubject {
  /** The URL the suite runs against. */
  frontendUrl: string;
  sha?: string;
  /** The Vercel deployment, when the run is about one. */
  deploymentId?: string;
}

/** Calls every reporter, each failure turned into one line through `log`. */
export class StatusReporters {
  constructor(
    private readonly reporters: StatusReporter[],
    private readonly log: (line: string) => void,
  ) {}

  started(): Promise<void> {
    return this.each("could not report the start", (reporter) => reporter.started());
  }

  finished(outcome: SuiteOutcome): Promise<void> {
    return this.each("could not report the result", (reporter) => reporter.finished(outcome));
  }

  private async each(what: string, call: (reporter: StatusReporter) => Promise<void>) {
    for (const reporter of this.reporters) {
      try {
        await call(reporter);
      } catch (error) {
        this.log(`${reporter.name} ${what}: ${oneLine((error as Error).message)}`);
      }
    }
  }
}

/** GitHub's commit status: POST /repos/{owner}/{repo}/statuses/{sha}. */
export function githubStatus(
  access: GitHubAccess,
  subject: RunSubject & { sha: string },
): StatusReporter {
  const send = async (state: "pending" | "success" | "failure" | "error", description: string) => {
    const url = `${access.apiUrl}/repos/${encodeURIComponent(access.owner)}/${encodeURIComponent(access.repo)}/statuses/${encodeURIComponent(subject.sha)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${access.token}`,
          accept: "application/vnd.github+json",
          "content-type": "application/json",
          "x-github-api-version": "2022-11-28",
        },
        // GitHub keeps 140 characters of a description.
        body: JSON.stringify({
          state,
          context: GITHUB_CONTEXT,
          description: description.slice(0, 140),
        }),
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      // `fetch failed` says nothing: its cause's code (ECONNREFUSED, ENOTFOUND) does.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(
        `GitHub could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})`,
      );
    }
    if (response.ok) return;
    const said = await response.text().then(apiMessage, () => undefined);
    if (response.status === 401 || response.status === 403)
      throw new Error(
        `GitHub refused GITHUB_TOKEN (HTTP ${response.status}): it needs the statuses permission on ${access.owner}/${access.repo}`,
      );
    if (response.status === 404 || response.status === 422)
      throw new Error(
        `GitHub has no commit ${shortSha(subject.sha)} in GITHUB_REPOSITORY ${access.owner}/${access.repo} (HTTP ${response.status})${said ? `: ${said}` : ""}`,
      );
    throw new Error(`GitHub answered HTTP ${response.status}${said ? `: ${said}` : ""}`);
  };
  const where = new URL(subject.frontendUrl).host;
  return {
    name: `GitHub status (${shortSha(subject.sha)})`,
    started: () => send("pending", `Running against ${where}`),
    finished: (outcome) =>
      send(
        outcome.result === "passed" ? "success" : outcome.result === "failed" ? "failure" : "error",
        `${verdictText(outcome)} against ${where}`,
      ),
  };
}

/** A Vercel check on the deployment: registered, running, completed with its conclusion. */
export function vercelCheck(client: VercelClient, deploymentId: string): StatusReporter {
  let checkId: string | undefined;
  return {
    name: `Vercel check on ${deploymentId}`,
    async started() {
      const check = await client.createCheck(deploymentId, {
        name: VERCEL_CHECK_NAME,
        // Registered after the deployment is READY: it reports, it cannot hold the deployment back.
        blocking: false,
      });
      checkId = check.id;
      await client.updateCheck(deploymentId, check.id, { status: "running" });
    },
    async finished(outcome) {
      // Not registered: its start already said why.
      if (checkId === undefined) return;
      await client.updateCheck(deploymentId, checkId, {
        status: "completed",
        conclusion:
          outcome.result === "passed"
            ? "succeeded"
            : outcome.result === "interrupted"
              ? "canceled"
              : "failed",
      });
    },
  };
}

export function verdictText(outcome: SuiteOutcome): string {
  switch (outcome.result) {
    case "passed":
      return "Passed";
    case "failed":
      return "Failed";
    case "interrupted":
      return "Interrupted";
    case "timed-out":
      return "Timed out";
    case "errored":
      return `Errored (exit ${outcome.exitCode})`;
  }
}

function shortSha(sha: string): string {
  return /^[0-9a-f]{7,40}$/i.test(sha) ? sha.slice(0, 7) : "(an unexpected sha)";
}

function apiMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    return typeof body.message === "string" ? oneLine(body.message).slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
