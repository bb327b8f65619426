import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./paths.ts";

/** What a reviewer needs to know about the run: what was tested, with which code, when. */
export interface RunFacts {
  environment: string;
  frontendUrl: string;
  backendUrl: string;
  supabaseUrl: string;
  backendVersion: string;
  suiteVersion: string;
  gitSha: string;
  runId: string;
  runKind: string;
  startedAt: Date;
}

export function runFacts(
  env: NodeJS.ProcessEnv,
  facts: { startedAt: Date; backendVersion: string },
): RunFacts {
  return {
    environment: env.SYNTHETIC_ENV || "local",
    frontendUrl: withoutCredentials(env.FRONTEND_URL),
    backendUrl: withoutCredentials(env.BACKEND_URL),
    supabaseUrl: withoutCredentials(env.SUPABASE_URL),
    backendVersion: facts.backendVersion,
    suiteVersion: suiteVersion(),
    gitSha: gitSha(env),
    runId: env.SYNTHETIC_RUN_ID || "unknown",
    runKind: env.SYNTHETIC_RUN_KIND || "acceptance",
    startedAt: facts.startedAt,
  };
}

/** Allure's environment.properties: shown as the report's Environment table. */
export function environmentProperties(facts: RunFacts): string {
  const rows: Array<[string, string]> = [
    ["environment", facts.environment],
    ["frontend.url", facts.frontendUrl],
    ["backend.url", facts.backendUrl],
    ["supabase.url", facts.supabaseUrl],
    ["backend.version", facts.backendVersion],
    ["suite.version", facts.suiteVersion],
    ["suite.git.sha", facts.gitSha],
    ["run.id", facts.runId],
    ["run.kind", facts.runKind],
    ["run.started", facts.startedAt.toISOString()],
  ];
  return `${rows.map(([key, value]) => `${key}=${escapeProperty(value)}`).join("\n")}\n`;
}

/** The backend's own version as its /health reports it, or why it could not be read. */
export async function backendVersion(backendUrl: string | undefined): Promise<string> {
  if (!backendUrl) return "unknown (no backend configured)";
  try {
    const response = await fetch(new URL("/health", backendUrl), {
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json().catch(() => ({}))) as { version?: string; commit?: string };
    if (!body.version) return `unknown (/health answered ${response.status} without a version)`;
    return body.commit ? `${body.version} (${body.commit})` : body.version;
  } catch (error) {
    return `unknown (/health unreachable: ${(error as Error).cause ?? (error as Error).message})`;
  }
}

function suiteVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    version?: string;
  };
  return manifest.version ?? "unknown";
}

/** CI's commit when it names one, else the checkout's (marked when it has local changes). */
function gitSha(env: NodeJS.ProcessEnv): string {
  const fromCi = env.GITHUB_SHA || env.CI_COMMIT_SHA || env.BUILD_VCS_NUMBER;
  if (fromCi) return fromCi;
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    const sha = git("rev-parse", "HEAD");
    return git("status", "--porcelain", "--untracked-files=no")
      ? `${sha} (with local changes)`
      : sha;
  } catch {
    return "unknown (not a git checkout)";
  }
}

function withoutCredentials(value: string | undefined): string {
  if (!value || !URL.canParse(value)) return value || "not configured";
  const url = new URL(value);
  url.username = "";
  url.password = "";
  return url.toString().replace(/\/$/, "");
}

function escapeProperty(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/^\s/, "\\ ");
}
