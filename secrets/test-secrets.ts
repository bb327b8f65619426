// Secrets a test meets while it runs, never configured: the links and tokens
// in the mail an @email journey follows. The worker that meets one writes it
// to a private file for its test (in a 0700 directory outside the artifacts,
// made once per run by playwright.config.ts); the redaction reporter reads it
// and replaces it in that test's steps, errors, output and attachments
// (traces included) before any other reporter sees them.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { NamedSecret } from "./variables.ts";

export const TEST_SECRETS_DIR = "SYNTHETIC_TEST_SECRETS_DIR";

/** The name a followed email link is redacted under: `[REDACTED:email link]`. */
export const EMAIL_LINK = "email link";

/**
 * Made by each run's main process, never taken over from the environment (a
 * run started inside another must not share, or delete, the outer one's);
 * its workers inherit the variable.
 */
export function makeTestSecretsDir(env: NodeJS.ProcessEnv = process.env): string {
  // The config may load twice in one process: the second time keeps the first's.
  const existing = env[TEST_SECRETS_DIR];
  if (existing && env[OWNER] === String(process.pid)) return existing;
  const dir = mkdtempSync(path.join(tmpdir(), "synthetic-test-secrets-"));
  env[TEST_SECRETS_DIR] = dir;
  env[OWNER] = String(process.pid);
  return dir;
}

/** Deletes the directory, only in the process that made it. */
export function removeTestSecretsDir(env: NodeJS.ProcessEnv = process.env): void {
  const dir = env[TEST_SECRETS_DIR];
  if (dir && env[OWNER] === String(process.pid)) rmSync(dir, { recursive: true, force: true });
}

/** Which process made the directory. */
const OWNER = "SYNTHETIC_TEST_SECRETS_OWNER";

function fileFor(testId: string, env: NodeJS.ProcessEnv): string | undefined {
  const dir = env[TEST_SECRETS_DIR];
  // Test ids are hex with dashes; anything else would not be one of ours.
  if (!dir || typeof testId !== "string" || !/^[\w-]+$/.test(testId)) return undefined;
  return path.join(dir, `${testId}.jsonl`);
}

/**
 * Records secrets for one test (worker side). Without the directory (a run
 * not started through playwright.config.ts) it throws: a journey that meets a
 * secret must not run where it cannot be hidden.
 */
export function addTestSecrets(
  testId: string,
  secrets: NamedSecret[],
  env: NodeJS.ProcessEnv = process.env,
): void {
  const file = fileFor(testId, env);
  if (!file) {
    throw new Error(
      `${TEST_SECRETS_DIR} is not set: run the suite through playwright.config.ts, which hides the links a test follows`,
    );
  }
  const lines = secrets
    .filter((secret) => secret.value.length >= 6)
    .map((secret) => `${JSON.stringify(secret)}\n`)
    .join("");
  if (!lines) return;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, lines, { mode: 0o600 });
}

/** The test's secrets so far, and a stamp that changes when more are added (reporter side). */
export function readTestSecrets(
  testId: string,
  env: NodeJS.ProcessEnv = process.env,
): { stamp: number; secrets: NamedSecret[] } {
  const file = fileFor(testId, env);
  const size = file ? statSync(file, { throwIfNoEntry: false })?.size : undefined;
  if (!file || !size) return { stamp: 0, secrets: [] };
  const secrets = readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as Partial<NamedSecret>;
        return typeof parsed.name === "string" && typeof parsed.value === "string"
          ? [{ name: parsed.name, value: parsed.value }]
          : [];
      } catch {
        return [];
      }
    });
  return { stamp: size, secrets };
}

export function forgetTestSecrets(testId: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = fileFor(testId, env);
  if (file) rmSync(file, { force: true });
}

/** URL parameters that carry a credential in Supabase Auth's links and redirects. */
const CREDENTIAL_PARAMS = [
  "token",
  "token_hash",
  "code",
  "access_token",
  "refresh_token",
  "provider_token",
  "provider_refresh_token",
];

/**
 * An auth link's secrets: each credential in its query or fragment. The rest
 * of the link stays readable, so a step still says where it went.
 */
export function linkSecrets(link: URL | string): NamedSecret[] {
  const url = typeof link === "string" ? new URL(link) : link;
  const params = [url.searchParams, new URLSearchParams(url.hash.replace(/^#/, ""))];
  return params
    .flatMap((list) => CREDENTIAL_PARAMS.flatMap((name) => list.getAll(name)))
    .map((value) => ({ name: EMAIL_LINK, value }));
}

/**
 * Supabase Auth's credentials left in plain sight in a URL in an artifact:
 * an emailed link's token (GoTrue's 56 hex digits, `pkce_` first for PKCE),
 * a PKCE auth code (a UUID), a session's access token (a JWT) in a redirect.
 * Shaped as GoTrue makes them, so other services' public tokens in an app's
 * traffic (a map's `access_token=pk.…`) are no finding. The scan reports
 * these even when the value was never known to the run.
 */
export const CREDENTIAL_IN_URL =
  /[?&#](?:(?:token|token_hash)=(?:pkce_)?[0-9a-f]{56}|code=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|access_token=eyJ[\w-]+\.[\w-]+\.[\w-]+)/i;
