// The one Vercel project the stand-in knows: the reference frontend, deployed
// to production when the stack booted, plus an older preview deployment of
// the same frontend. Shapes: https://vercel.com/docs/rest-api (deployments,
// checks, projects); vercel-api.ts serves them.
import { createHash, randomBytes } from "node:crypto";
import type { FaultSwitches } from "../faults.ts";
import {
  VERCEL_PREVIEW_DEPLOYMENT_ID,
  VERCEL_PRODUCTION_DEPLOYMENT_ID,
  VERCEL_PROJECT_ID,
  VERCEL_TEAM_ID,
} from "./ids.ts";

export const VERCEL_PROJECT_NAME = "reference-frontend";

export interface VercelDeployment {
  readonly id: string;
  /** host[:port], no scheme, as Vercel's field. */
  readonly url: string;
  readonly target: "production" | null;
  readonly createdAt: number;
  readonly buildingAt: number;
  readonly ready: number;
  readonly alias: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
}

export const CHECK_STATUSES = ["registered", "running", "completed"] as const;
export const CHECK_CONCLUSIONS = [
  "canceled",
  "failed",
  "neutral",
  "succeeded",
  "skipped",
  "stale",
] as const;

export interface VercelCheck {
  id: string;
  name: string;
  path?: string;
  status: (typeof CHECK_STATUSES)[number];
  conclusion?: (typeof CHECK_CONCLUSIONS)[number];
  blocking: boolean;
  integrationId: string;
  deploymentId: string;
  externalId?: string;
  detailsUrl?: string;
  output?: unknown;
  rerequestable?: boolean;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  completedAt?: number;
}

export interface VercelProjectOptions {
  frontendUrl: string;
  /** The commit the backend runs; the production deployment is built from it. */
  commit: string;
  bootedAt: number;
  bypassSecret: string;
  rotatedBypassSecret: string;
  faults: FaultSwitches;
}

export class VercelProject {
  readonly id = VERCEL_PROJECT_ID;
  readonly teamId = VERCEL_TEAM_ID;
  readonly name = VERCEL_PROJECT_NAME;
  readonly createdAt: number;
  readonly deployments: readonly VercelDeployment[];
  readonly #checks = new Map<string, VercelCheck[]>();
  readonly #options: VercelProjectOptions;

  constructor(options: VercelProjectOptions) {
    this.#options = options;
    const host = new URL(options.frontendUrl).host;
    const booted = options.bootedAt;
    const gitMeta = (sha: string, ref: string, message: string) => ({
      githubCommitSha: sha,
      githubCommitRef: ref,
      githubCommitMessage: message,
      githubCommitAuthorName: "Reference Stack",
      githubCommitAuthorLogin: "reference-stack",
      githubCommitOrg: "reference-stack",
      githubCommitRepo: "app",
      githubOrg: "reference-stack",
      githubRepo: "app",
      githubDeployment: "1",
    });
    this.createdAt = booted - 30 * 24 * 3600_000;
    this.deployments = [
      {
        id: VERCEL_PRODUCTION_DEPLOYMENT_ID,
        url: host,
        target: "production",
        createdAt: booted - 45_000,
        buildingAt: booted - 44_000,
        ready: booted,
        alias: [host],
        meta: gitMeta(options.commit, "main", "The reference stack's frontend"),
      },
      {
        id: VERCEL_PREVIEW_DEPLOYMENT_ID,
        url: host,
        target: null,
        createdAt: booted - 3600_000,
        buildingAt: booted - 3599_000,
        ready: booted - 3555_000,
        alias: [],
        meta: {
          ...gitMeta(
            createHash("sha1").update(`${options.commit}:preview`).digest("hex"),
            "preview",
            "A preview of the reference frontend",
          ),
          githubPrId: "1",
        },
      },
    ];
  }

  /** The bypass secret the frontend accepts while protection is on (vercel-protection: rotated). */
  bypassSecret(): string {
    return this.#options.faults.on("vercel-protection")
      ? this.#options.rotatedBypassSecret
      : this.#options.bypassSecret;
  }

  protectionOn(): boolean {
    return this.#options.faults.on("vercel-protection");
  }

  /** By id (`dpl_…`) or by url (production first, as its alias wins). */
  find(idOrUrl: string): VercelDeployment | undefined {
    const host = idOrUrl.replace(/^https?:\/\//, "").replace(/\/+$/, "");
    return this.deployments.find((d) => d.id === idOrUrl || d.url === host);
  }

  checks(deploymentId: string): VercelCheck[] {
    return this.#checks.get(deploymentId) ?? [];
  }

  addCheck(
    deploymentId: string,
    fields: Omit<
      VercelCheck,
      "id" | "status" | "integrationId" | "deploymentId" | "createdAt" | "updatedAt"
    >,
  ): VercelCheck {
    const now = Date.now();
    const check: VercelCheck = {
      ...fields,
      id: `chk_${randomBytes(12).toString("base64url")}`,
      status: "registered",
      integrationId: "oac_referencestack",
      deploymentId,
      createdAt: now,
      updatedAt: now,
    };
    this.#checks.set(deploymentId, [...this.checks(deploymentId), check]);
    return check;
  }

  /** What the deployment shows of its checks: all completed → the worst conclusion. */
  checksSummary(deploymentId: string): { checksState?: string; checksConclusion?: string } {
    const checks = this.checks(deploymentId);
    if (checks.length === 0) return {};
    if (checks.some((c) => c.status === "running")) return { checksState: "running" };
    if (checks.some((c) => c.status === "registered")) return { checksState: "registered" };
    const order = ["failed", "canceled", "skipped", "succeeded"];
    const worst = order.find((conclusion) =>
      checks.some((c) => c.blocking && c.conclusion === conclusion),
    );
    return { checksState: "completed", checksConclusion: worst ?? "succeeded" };
  }
}
