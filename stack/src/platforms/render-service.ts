// The backend's Render service: its deploys, and what Render's side does to a
// request before the backend sees it (an rndr-id on every response, an
// instance spinning up, a deploy without a live instance, a suspension).
// render-api.ts shows the same state through Render's API
// (https://api-docs.render.com/reference/retrieve-service,
// https://api-docs.render.com/reference/list-deploys).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { BackendHost } from "../backend/host.ts";
import { FAULT_DEFAULT_VALUES, type FaultSwitches } from "../faults.ts";
import { RENDER_LIVE_DEPLOY_ID, RENDER_PREVIOUS_DEPLOY_ID, RENDER_SERVICE_ID } from "./ids.ts";

export type RenderDeployStatus =
  | "build_in_progress"
  | "update_in_progress"
  | "live"
  | "deactivated"
  | "canceled";

export interface RenderDeploy {
  readonly id: string;
  status: RenderDeployStatus;
  readonly trigger: "new_commit";
  readonly commit: { readonly id: string; readonly message: string; readonly createdAt: string };
  readonly createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface RenderServiceOptions {
  /** The backend's own URL, which the service reports as its onrender.com URL. */
  backendUrl: string;
  /** The commit the backend was started from. */
  commit: string;
  bootedAt: number;
  faults: FaultSwitches;
}

// Render spins a free instance down after 15 minutes without traffic; 20 s
// lets a test see it happen again.
export const RENDER_IDLE_MS = 20_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** A commit id of the same length as `commit` (short or full SHA), derived from it. */
function derivedCommit(commit: string, label: string): string {
  const length = /^[0-9a-f]{7,40}$/.test(commit) ? commit.length : 40;
  return createHash("sha1").update(`${commit}:${label}`).digest("hex").slice(0, length);
}

function newDeployId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return `dep-${[...randomBytes(20)].map((byte) => alphabet[byte % 36]).join("")}`;
}

const unavailablePage = (title: string, text: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1><p>${text}</p></body></html>
`;

const SUSPENDED_PAGE = unavailablePage(
  "Service Suspended",
  "This service has been suspended by its owner.",
);
const DEPLOYING_PAGE = unavailablePage(
  "Service Unavailable",
  "No instance of this service is live: a deploy is in progress.",
);

export class RenderService implements BackendHost {
  readonly id = RENDER_SERVICE_ID;
  readonly name = "reference-backend";
  readonly backendUrl: string;
  readonly createdAt: number;
  readonly #faults: FaultSwitches;
  /** Newest first. */
  readonly #deploys: RenderDeploy[];
  #inProgress: { deploy: RenderDeploy; stop(status: "live" | "canceled"): void } | undefined;
  #asleep = false;
  #waking: Promise<void> | undefined;
  #lastRequestAt = 0;
  #deployCount = 0;

  constructor(options: RenderServiceOptions) {
    this.backendUrl = options.backendUrl;
    this.#faults = options.faults;
    const booted = options.bootedAt;
    this.createdAt = booted - 30 * 24 * 3600_000;
    const previousCommit = derivedCommit(options.commit, "previous");
    this.#deploys = [
      {
        id: RENDER_LIVE_DEPLOY_ID,
        status: "live",
        trigger: "new_commit",
        commit: {
          id: options.commit,
          message: "The reference stack's backend",
          createdAt: iso(booted - 600_000),
        },
        createdAt: iso(booted - 90_000),
        updatedAt: iso(booted),
        finishedAt: iso(booted),
      },
      {
        id: RENDER_PREVIOUS_DEPLOY_ID,
        status: "deactivated",
        trigger: "new_commit",
        commit: {
          id: previousCommit,
          message: "An earlier backend",
          createdAt: iso(booted - 2 * 24 * 3600_000),
        },
        createdAt: iso(booted - 2 * 24 * 3600_000 + 60_000),
        updatedAt: iso(booted - 90_000),
        finishedAt: iso(booted - 2 * 24 * 3600_000 + 150_000),
      },
    ];
  }

  deploys(): readonly RenderDeploy[] {
    return this.#deploys;
  }

  suspended(): boolean {
    return this.#faults.on("render-suspended");
  }

  /** The live deploy's commit: what the backend's /health reports. */
  commit(): string {
    const live = this.#deploys.find((deploy) => deploy.status === "live");
    return live?.commit.id ?? "unknown";
  }

  /** Fault render-cold-start switched on: the instance is spun down. */
  spinDown(): void {
    this.#asleep = true;
  }

  /**
   * Fault render-deploying: a deploy of a new commit, building for the first
   * half of `seconds` and updating for the second. Resolves true when it went
   * live, false when it was canceled (or the stack stopped).
   */
  startDeploy(seconds: number): Promise<boolean> {
    this.#inProgress?.stop("canceled");
    const now = Date.now();
    this.#deployCount += 1;
    const deploy: RenderDeploy = {
      id: newDeployId(),
      status: "build_in_progress",
      trigger: "new_commit",
      commit: {
        id: derivedCommit(this.commit(), `deploy-${this.#deployCount}`),
        message: `A new backend (fault render-deploying, deploy ${this.#deployCount})`,
        createdAt: iso(now - 30_000),
      },
      createdAt: iso(now),
      updatedAt: iso(now),
      finishedAt: null,
    };
    this.#deploys.unshift(deploy);
    return new Promise((resolve) => {
      const updating = setTimeout(() => {
        deploy.status = "update_in_progress";
        deploy.updatedAt = iso(Date.now());
      }, seconds * 500);
      const live = setTimeout(() => this.#inProgress?.stop("live"), seconds * 1000);
      updating.unref();
      live.unref();
      this.#inProgress = {
        deploy,
        stop: (status) => {
          clearTimeout(updating);
          clearTimeout(live);
          this.#inProgress = undefined;
          const at = iso(Date.now());
          if (status === "live") {
            for (const other of this.#deploys) {
              if (other.status === "live") {
                other.status = "deactivated";
                other.updatedAt = at;
              }
            }
          }
          deploy.status = status;
          deploy.updatedAt = at;
          deploy.finishedAt = at;
          resolve(status === "live");
        },
      };
    });
  }

  /** The fault cleared before the deploy went live. */
  cancelDeploy(): void {
    this.#inProgress?.stop("canceled");
  }

  async onRequest(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // Render's request id, on every response its proxy passes or makes.
    reply.header("rndr-id", randomUUID().slice(0, 18));
    if (this.suspended()) {
      reply.code(503).type("text/html; charset=utf-8").send(SUSPENDED_PAGE);
      return;
    }
    if (this.#inProgress) {
      reply.code(503).type("text/html; charset=utf-8").send(DEPLOYING_PAGE);
      return;
    }
    await this.#wake();
  }

  /** Holds the request while a spun-down instance starts (fault render-cold-start). */
  async #wake(): Promise<void> {
    const now = Date.now();
    const idle = now - this.#lastRequestAt > RENDER_IDLE_MS;
    this.#lastRequestAt = now;
    if (!this.#faults.on("render-cold-start")) return;
    if (!this.#waking && (this.#asleep || idle)) {
      this.#asleep = false;
      const ms =
        this.#faults.value("render-cold-start") ?? FAULT_DEFAULT_VALUES["render-cold-start"];
      this.#waking = delay(ms).finally(() => {
        this.#waking = undefined;
        this.#lastRequestAt = Date.now();
      });
    }
    await this.#waking;
  }

  /** The stack stops: a deploy in progress ends (canceled) so no timer outlives it. */
  async close(): Promise<void> {
    this.#inProgress?.stop("canceled");
  }
}
