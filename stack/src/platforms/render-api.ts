// A stand-in for Render's API (https://api-docs.render.com): the backend's
// service (https://api-docs.render.com/reference/retrieve-service) and its
// deploys (https://api-docs.render.com/reference/list-deploys). Render
// answers a missing or wrong API key with 401 and an unknown id with 404,
// both as {message}.
import Fastify, { type FastifyReply } from "fastify";
import type { RunningServer } from "../running.ts";
import { RENDER_OWNER_ID } from "./ids.ts";
import type { RenderService } from "./render-service.ts";
import { hasBearer } from "./secrets.ts";
import { answerErrorsAsMessages, listenOn } from "./server.ts";

export interface RenderApiOptions {
  host: string;
  port: number;
  apiKey: string;
  service: RenderService;
}

const notFound = (reply: FastifyReply) => reply.code(404).send({ message: "Not Found" });

function serviceJson(service: RenderService) {
  const suspended = service.suspended();
  const updated = service.deploys()[0]?.updatedAt ?? new Date(service.createdAt).toISOString();
  const port = Number(new URL(service.backendUrl).port) || 80;
  return {
    id: service.id,
    autoDeploy: "yes",
    branch: "main",
    createdAt: new Date(service.createdAt).toISOString(),
    dashboardUrl: `https://dashboard.render.com/web/${service.id}`,
    name: service.name,
    notifyOnFail: "default",
    ownerId: RENDER_OWNER_ID,
    repo: "https://github.com/reference-stack/app",
    rootDir: "",
    slug: service.name,
    suspended: suspended ? "suspended" : "not_suspended",
    suspenders: suspended ? ["user"] : [],
    type: "web_service",
    updatedAt: updated,
    serviceDetails: {
      env: "node",
      runtime: "node",
      envSpecificDetails: { buildCommand: "npm ci", startCommand: "npm start" },
      healthCheckPath: "/health",
      numInstances: 1,
      openPorts: [{ port, protocol: "TCP" }],
      plan: "free",
      pullRequestPreviewsEnabled: "no",
      region: "oregon",
      url: service.backendUrl,
    },
  };
}

export async function startRenderApi(options: RenderApiOptions): Promise<RunningServer> {
  const { service } = options;
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });

  app.addHook("onRequest", async (request, reply) => {
    if (!hasBearer(request.headers.authorization, options.apiKey)) {
      return reply.code(401).send({ message: "Unauthorized" });
    }
  });
  answerErrorsAsMessages(app);

  app.get<{ Params: { serviceId: string } }>("/v1/services/:serviceId", async (request, reply) =>
    request.params.serviceId === service.id ? serviceJson(service) : notFound(reply),
  );

  app.get<{ Params: { serviceId: string }; Querystring: { limit?: string } }>(
    "/v1/services/:serviceId/deploys",
    async (request, reply) => {
      if (request.params.serviceId !== service.id) return notFound(reply);
      const raw = request.query.limit;
      const limit = raw === undefined ? 20 : Number(raw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        return reply.code(400).send({ message: "limit must be an integer from 1 to 100" });
      }
      // The cursor is the deploy's id: what the next page would start after.
      return service
        .deploys()
        .slice(0, limit)
        .map((deploy) => ({ deploy, cursor: deploy.id }));
    },
  );

  app.get<{ Params: { serviceId: string; deployId: string } }>(
    "/v1/services/:serviceId/deploys/:deployId",
    async (request, reply) => {
      if (request.params.serviceId !== service.id) return notFound(reply);
      const deploy = service.deploys().find((d) => d.id === request.params.deployId);
      return deploy ?? notFound(reply);
    },
  );

  return listenOn(app, options.host, options.port);
}
