import { z } from "zod";
import type { RenderAccess } from "./env.ts";
import { type ApiTarget, PlatformApiError, requestJson } from "./http.ts";
import type { Deploy, RenderData } from "./types.ts";

// The backend's service and its deploys, read through Render's public API.

const serviceShape = z.looseObject({
  id: z.string(),
  name: z.string(),
  suspended: z.string(),
  serviceDetails: z
    .looseObject({
      plan: z.string().nullish(),
      region: z.string().nullish(),
      numInstances: z.number().nullish(),
      url: z.string().nullish(),
    })
    .nullish(),
});

const deployShape = z.looseObject({
  id: z.string(),
  status: z.string(),
  trigger: z.string().nullish(),
  commit: z
    .looseObject({
      id: z.string().nullish(),
      message: z.string().nullish(),
      createdAt: z.string().nullish(),
    })
    .nullish(),
  createdAt: z.string(),
  finishedAt: z.string().nullish(),
});
type RenderDeploy = z.infer<typeof deployShape>;

// The list pages as [{ deploy, cursor }].
const deployListShape = z.array(
  z.looseObject({ deploy: deployShape, cursor: z.string().nullish() }),
);

export class RenderClient {
  private readonly api: ApiTarget;

  constructor(
    private readonly access: RenderAccess,
    timeoutMs: number,
  ) {
    this.api = {
      platform: "render",
      label: "Render",
      apiUrl: access.apiUrl,
      token: access.token,
      tokenVariable: "RENDER_API_KEY",
      timeoutMs,
    };
  }

  /**
   * The service: its name, whether it is suspended, plan, region, instances, URL.
   * GET /v1/services/{serviceId} — https://api-docs.render.com/reference/retrieve-service
   */
  async service(): Promise<RenderData["service"]> {
    const reply = await requestJson(this.api, {
      path: `/v1/services/${encodeURIComponent(this.access.serviceId)}`,
      what: "the service",
      idVariable: "RENDER_SERVICE_ID",
      schema: serviceShape,
    });
    const details = reply.serviceDetails ?? {};
    const service: RenderData["service"] = {
      id: reply.id,
      name: reply.name,
      suspended: reply.suspended === "suspended",
    };
    if (details.plan) service.plan = details.plan;
    if (details.region) service.region = details.region;
    if (typeof details.numInstances === "number") service.instances = details.numInstances;
    if (details.url) service.url = details.url;
    return service;
  }

  /**
   * The service's newest deploys, newest first.
   * GET /v1/services/{serviceId}/deploys — https://api-docs.render.com/reference/list-deploys
   */
  async deploys(limit = 10): Promise<Deploy[]> {
    const path = `/v1/services/${encodeURIComponent(this.access.serviceId)}/deploys`;
    const reply = await requestJson(this.api, {
      path,
      query: { limit },
      what: "the deploys",
      idVariable: "RENDER_SERVICE_ID",
      schema: deployListShape,
    });
    return reply
      .map(({ deploy }, index) => toDeploy(deploy, index, path))
      .sort((a, b) => b.createdAt - a.createdAt);
  }
}

// Render's statuses in one vocabulary; `deactivated` was live and has been replaced.
const PHASES: Record<string, Deploy["phase"]> = {
  live: "live",
  deactivated: "superseded",
  created: "building",
  queued: "building",
  build_in_progress: "building",
  update_in_progress: "building",
  pre_deploy_in_progress: "building",
  build_failed: "failed",
  update_failed: "failed",
  pre_deploy_failed: "failed",
  canceled: "canceled",
};

function toDeploy(deploy: RenderDeploy, index: number, path: string): Deploy {
  const createdAt = Date.parse(deploy.createdAt);
  if (Number.isNaN(createdAt)) {
    throw new PlatformApiError(
      "render",
      "wrong-shape",
      `Render's reply to the deploys at GET ${path} is not the documented shape: ${index}.deploy.createdAt is not a date`,
    );
  }
  const normalised: Deploy = {
    platform: "render",
    id: deploy.id,
    status: deploy.status,
    phase: PHASES[deploy.status] ?? "building",
    createdAt,
  };
  const finishedAt = deploy.finishedAt ? Date.parse(deploy.finishedAt) : Number.NaN;
  // A deactivated deploy went live when it finished, too.
  if ((deploy.status === "live" || deploy.status === "deactivated") && !Number.isNaN(finishedAt))
    normalised.liveAt = finishedAt;
  if (deploy.commit?.id) {
    normalised.commit = { sha: deploy.commit.id };
    if (deploy.commit.message) normalised.commit.message = deploy.commit.message;
  }
  if (deploy.trigger) normalised.trigger = deploy.trigger;
  return normalised;
}
