import { z } from "zod";
import type { VercelAccess } from "./env.ts";
import { type ApiTarget, PlatformApiError, requestJson } from "./http.ts";
import type { Deploy } from "./types.ts";

// The frontend's deployments, read through Vercel's REST API, and the Checks
// API that `on-deploy` reports a run to. Replies are checked for the fields
// we read; everything else passes through untouched.

// A deployment as both the list (uid, state, created) and the single read
// (id, readyState, createdAt) give it.
const deploymentShape = z.looseObject({
  uid: z.string().optional(),
  id: z.string().optional(),
  url: z.string().nullish(),
  state: z.string().optional(),
  readyState: z.string().optional(),
  target: z.string().nullish(),
  created: z.number().optional(),
  createdAt: z.number().optional(),
  buildingAt: z.number().nullish(),
  ready: z.number().nullish(),
  meta: z.record(z.string(), z.unknown()).nullish(),
});
type VercelDeployment = z.infer<typeof deploymentShape>;

const listShape = z.looseObject({ deployments: z.array(deploymentShape) });

// A check is created `registered`; an update may only move it on (update-a-check's status enum).
const UPDATE_STATUSES = ["running", "completed"] as const;
const CHECK_CONCLUSIONS = ["canceled", "failed", "neutral", "succeeded", "skipped"] as const;

const checkShape = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullish(),
  blocking: z.boolean(),
  deploymentId: z.string(),
  detailsUrl: z.string().nullish(),
});

export interface VercelCheck {
  id: string;
  name: string;
  status: string;
  conclusion?: string;
  blocking: boolean;
  deploymentId: string;
  detailsUrl?: string;
}

export interface NewCheck {
  name: string;
  blocking: boolean;
  detailsUrl?: string;
  /** Lets a user re-run a failed check from Vercel's UI. */
  rerequestable?: boolean;
}

export interface CheckUpdate {
  status: (typeof UPDATE_STATUSES)[number];
  conclusion?: (typeof CHECK_CONCLUSIONS)[number];
  detailsUrl?: string;
  /** Vercel's `output` object, passed as is (e.g. `{ metrics: … }`). */
  output?: Record<string, unknown>;
}

export class VercelClient {
  private readonly api: ApiTarget;

  constructor(
    private readonly access: VercelAccess,
    timeoutMs: number,
  ) {
    this.api = {
      platform: "vercel",
      label: "Vercel",
      apiUrl: access.apiUrl,
      token: access.token,
      tokenVariable: "VERCEL_TOKEN",
      timeoutMs,
    };
  }

  get projectId(): string {
    return this.access.projectId;
  }

  /**
   * The production deployment serving now: the newest READY one.
   * GET /v6/deployments — https://vercel.com/docs/rest-api/deployments/list-deployments
   */
  async liveDeployment(): Promise<Deploy | undefined> {
    const [live] = await this.list(
      { target: "production", state: "READY", limit: 1 },
      "the live production deployment",
    );
    return live;
  }

  /** The project's newest deployments, production and preview, newest first. */
  async recentDeployments(limit = 10): Promise<Deploy[]> {
    return this.list({ limit }, "the recent deployments");
  }

  /**
   * One deployment by its id (dpl_…) or its URL/host (scheme and path are dropped).
   * GET /v13/deployments/{idOrUrl} — https://vercel.com/docs/rest-api/deployments/get-a-deployment-by-id-or-url
   */
  async deployment(idOrUrl: string): Promise<Deploy> {
    const key = deploymentKey(idOrUrl);
    const reply = await requestJson(this.api, {
      path: `/v13/deployments/${encodeURIComponent(key)}`,
      query: this.team(),
      what: "the deployment",
      idVariable: "the deployment id or URL",
      schema: deploymentShape,
    });
    return toDeploy(reply, `the deployment at GET /v13/deployments/${encodeURIComponent(key)}`);
  }

  /**
   * Registers a check on a deployment. Vercel accepts this only from an
   * integration's OAuth2 token (an account token gets HTTP 400).
   * POST /v1/deployments/{deploymentId}/checks — https://vercel.com/docs/rest-api/checks/creates-a-new-check
   */
  async createCheck(deploymentId: string, check: NewCheck): Promise<VercelCheck> {
    const reply = await requestJson(this.api, {
      method: "POST",
      path: `/v1/deployments/${encodeURIComponent(deploymentId)}/checks`,
      query: this.team(),
      body: check,
      what: `a check on deployment ${safeId(deploymentId)}`,
      idVariable: "the deployment id",
      schema: checkShape,
    });
    return toCheck(reply);
  }

  /**
   * Sets a check's status and, once completed, its conclusion.
   * PATCH /v1/deployments/{deploymentId}/checks/{checkId} — https://vercel.com/docs/rest-api/checks/update-a-check
   */
  async updateCheck(
    deploymentId: string,
    checkId: string,
    update: CheckUpdate,
  ): Promise<VercelCheck> {
    const reply = await requestJson(this.api, {
      method: "PATCH",
      path: `/v1/deployments/${encodeURIComponent(deploymentId)}/checks/${encodeURIComponent(checkId)}`,
      query: this.team(),
      body: update,
      what: `check ${safeId(checkId)} on deployment ${safeId(deploymentId)}`,
      idVariable: "the deployment and check ids",
      schema: checkShape,
    });
    return toCheck(reply);
  }

  private async list(
    filter: { target?: string; state?: string; limit: number },
    what: string,
  ): Promise<Deploy[]> {
    const reply = await requestJson(this.api, {
      path: "/v6/deployments",
      query: { projectId: this.access.projectId, ...filter, ...this.team() },
      what,
      idVariable: this.access.teamId ? "VERCEL_PROJECT_ID and VERCEL_TEAM_ID" : "VERCEL_PROJECT_ID",
      schema: listShape,
    });
    return reply.deployments
      .map((deployment, index) =>
        toDeploy(deployment, `${what} at GET /v6/deployments (deployments.${index})`),
      )
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  private team(): Record<string, string | undefined> {
    return { teamId: this.access.teamId };
  }
}

/** A deployment id as is; a URL or host reduced to its lower-case host. */
export function deploymentKey(idOrUrl: string): string {
  const value = idOrUrl.trim();
  if (/^dpl_[A-Za-z0-9]+$/.test(value)) return value;
  const host = value
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .split(/[/?#]/)[0]
    ?.toLowerCase();
  if (!host || !/^[a-z0-9.-]+(:\d+)?$/.test(host)) {
    throw new TypeError("Not a Vercel deployment id (dpl_…) or deployment URL");
  }
  return host;
}

// Vercel's states in one vocabulary. BLOCKED waits on checks; DELETED is gone.
const PHASES: Record<string, Deploy["phase"]> = {
  READY: "live",
  ERROR: "failed",
  CANCELED: "canceled",
  BUILDING: "building",
  QUEUED: "building",
  INITIALIZING: "building",
  BLOCKED: "building",
  DELETED: "superseded",
};

function toDeploy(deployment: VercelDeployment, what: string): Deploy {
  const id = deployment.uid ?? deployment.id;
  const status = deployment.readyState ?? deployment.state;
  const createdAt = deployment.createdAt ?? deployment.created;
  // Checked here, not in the schema: the list and the single read name these differently.
  if (id === undefined || status === undefined || createdAt === undefined) {
    const field = id === undefined ? "uid" : status === undefined ? "readyState" : "createdAt";
    throw shapeError(`Vercel's reply to ${what} is not the documented shape: ${field} is missing`);
  }
  const deploy: Deploy = {
    platform: "vercel",
    id,
    status,
    phase: PHASES[status] ?? "building",
    createdAt,
    target: deployment.target === "production" ? "production" : "preview",
  };
  if (status === "READY" && typeof deployment.ready === "number") deploy.liveAt = deployment.ready;
  if (deployment.url) deploy.url = deployment.url.replace(/^https?:\/\//, "");
  const commit = commitOf(deployment.meta ?? {});
  if (commit) deploy.commit = commit;
  return deploy;
}

// The Git integration writes its provider's keys: githubCommitSha, gitlabCommitSha, bitbucketCommitSha.
function commitOf(meta: Record<string, unknown>): Deploy["commit"] {
  for (const provider of ["github", "gitlab", "bitbucket"]) {
    const text = (key: string) => {
      const value = meta[`${provider}${key}`];
      return typeof value === "string" && value !== "" ? value : undefined;
    };
    const sha = text("CommitSha");
    if (sha === undefined) continue;
    const commit: NonNullable<Deploy["commit"]> = { sha };
    const ref = text("CommitRef");
    const message = text("CommitMessage");
    if (ref) commit.ref = ref;
    if (message) commit.message = message;
    return commit;
  }
  return undefined;
}

function toCheck(reply: z.infer<typeof checkShape>): VercelCheck {
  const check: VercelCheck = {
    id: reply.id,
    name: reply.name,
    status: reply.status,
    blocking: reply.blocking,
    deploymentId: reply.deploymentId,
  };
  if (reply.conclusion) check.conclusion = reply.conclusion;
  if (reply.detailsUrl) check.detailsUrl = reply.detailsUrl;
  return check;
}

/**
 * Production deployments that are READY but older than the live one no longer
 * serve: marked superseded, so "live" means serving now.
 */
export function markSuperseded(recent: Deploy[], live: Deploy | undefined): Deploy[] {
  return recent.map((deploy) =>
    deploy.phase === "live" &&
    deploy.target === "production" &&
    live !== undefined &&
    deploy.id !== live.id &&
    deploy.createdAt < live.createdAt
      ? { ...deploy, phase: "superseded" }
      : deploy,
  );
}

/** Ids in messages: shown when they look like ids, never when they could be anything. */
function safeId(value: string): string {
  return /^[\w.-]{1,64}$/.test(value) ? value : "(an unexpected id)";
}

function shapeError(message: string): PlatformApiError {
  return new PlatformApiError("vercel", "wrong-shape", message);
}
