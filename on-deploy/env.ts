import path from "node:path";
import { z } from "zod";
import { renderSecretKey } from "./signatures.ts";

// on-deploy's own environment, parsed once: a bad value stops the command
// (exit 2) naming the variable, never repeating a value. The target's and the
// platforms' variables are read by target/config.ts and platform/ as for any run.

export const DEFAULT_PORT = 9465;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_GITHUB_API_URL = "https://api.github.com";
export const DEFAULT_RUN_TIMEOUT_MINUTES = 30;

/** Variables this command reads that the suite's runs must not see: they are secrets no check needs. */
export const ON_DEPLOY_SECRET_VARIABLES = [
  "VERCEL_WEBHOOK_SECRET",
  "RENDER_WEBHOOK_SECRET",
  "GITHUB_TOKEN",
] as const;

const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

const port = optional
  .refine(
    (v) => v === undefined || /^\d{1,5}$/.test(v),
    "must be a port number (0 picks a free one)",
  )
  .transform((v) => (v === undefined ? undefined : Number(v)))
  .refine((v) => v === undefined || v <= 65_535, "must be a port number (0 picks a free one)");

const schema = z.object({
  ON_DEPLOY_PORT: port,
  ON_DEPLOY_HOST: optional,
  ON_DEPLOY_DIR: optional,
  ON_DEPLOY_RUN_TIMEOUT_MINUTES: optional
    .refine((v) => v === undefined || /^\d+$/.test(v), "must be a whole number of minutes")
    .transform((v) => (v === undefined ? DEFAULT_RUN_TIMEOUT_MINUTES : Number(v)))
    .refine((v) => v >= 1 && v <= 24 * 60, "must be between 1 and 1440 minutes"),
  VERCEL_WEBHOOK_SECRET: optional.refine(
    (v) => v === undefined || v.length >= 8,
    "is too short to be a webhook secret",
  ),
  RENDER_WEBHOOK_SECRET: optional.refine(
    (v) => v === undefined || renderSecretKey(v) !== undefined,
    "must be the webhook's signing secret (whsec_ followed by base64)",
  ),
  GITHUB_TOKEN: optional.refine(
    (v) => v === undefined || !/\s/.test(v),
    "must be one token without spaces",
  ),
  GITHUB_REPOSITORY: optional.refine(
    (v) => v === undefined || /^[\w.-]+\/[\w.-]+$/.test(v),
    "must be owner/name, e.g. acme/shop",
  ),
  GITHUB_API_URL: optional.refine((v) => {
    if (v === undefined) return true;
    if (!/^https?:\/\//i.test(v) || !URL.canParse(v)) return false;
    const url = new URL(v);
    return url.protocol === "https:" || LOOPBACK.test(url.hostname);
  }, "must be an https:// URL (http:// only for localhost)"),
});

export interface GitHubAccess {
  token: string;
  owner: string;
  repo: string;
  /** Without a trailing slash; GitHub Enterprise's is https://HOST/api/v3. */
  apiUrl: string;
}

export interface OnDeployEnv {
  /** From ON_DEPLOY_PORT; the --port flag wins. */
  port: number;
  host: string;
  /** Absolute: where the journal (deliveries.jsonl) lives. */
  dir: string;
  runTimeoutMs: number;
  webhookSecrets: { vercel?: string; render?: string };
  /** Set when GITHUB_TOKEN and GITHUB_REPOSITORY both are. */
  github?: GitHubAccess;
  /** What --github-status would lack, by variable name (empty when it has all it needs). */
  githubMissing: string[];
}

export class OnDeployEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
    this.name = "OnDeployEnvError";
  }
}

export function onDeployEnv(
  env: NodeJS.ProcessEnv = process.env,
  root = process.cwd(),
): OnDeployEnv {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // Fixed sentences: zod's own messages may quote the value.
    throw new OnDeployEnvError(
      parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`).sort(),
    );
  }
  const v = parsed.data;
  const githubMissing = [
    ...(v.GITHUB_TOKEN ? [] : ["GITHUB_TOKEN"]),
    ...(v.GITHUB_REPOSITORY ? [] : ["GITHUB_REPOSITORY"]),
  ];
  const [owner = "", repo = ""] = v.GITHUB_REPOSITORY?.split("/") ?? [];
  return {
    port: v.ON_DEPLOY_PORT ?? DEFAULT_PORT,
    host: v.ON_DEPLOY_HOST ?? DEFAULT_HOST,
    dir: path.resolve(root, v.ON_DEPLOY_DIR ?? ".on-deploy"),
    runTimeoutMs: v.ON_DEPLOY_RUN_TIMEOUT_MINUTES * 60_000,
    webhookSecrets: {
      ...(v.VERCEL_WEBHOOK_SECRET ? { vercel: v.VERCEL_WEBHOOK_SECRET } : {}),
      ...(v.RENDER_WEBHOOK_SECRET ? { render: v.RENDER_WEBHOOK_SECRET } : {}),
    },
    ...(v.GITHUB_TOKEN && v.GITHUB_REPOSITORY
      ? {
          github: {
            token: v.GITHUB_TOKEN,
            owner,
            repo,
            apiUrl: (v.GITHUB_API_URL ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, ""),
          },
        }
      : {}),
    githubMissing,
  };
}
