// A stand-in for the Vercel REST API (https://vercel.com/docs/rest-api): the
// deployments of the reference frontend's project, the Checks API an
// on-deploy run reports to, and the project (its protection bypass secrets).
// Errors take Vercel's shape {error: {code, message}}
// (https://vercel.com/docs/rest-api/errors).
import Fastify, { type FastifyError, type FastifyReply } from "fastify";
import type { RunningServer } from "../running.ts";
import { hasBearer } from "./secrets.ts";
import { listenOn } from "./server.ts";
import {
  CHECK_CONCLUSIONS,
  CHECK_STATUSES,
  type VercelCheck,
  type VercelDeployment,
  type VercelProject,
} from "./vercel-project.ts";

export interface VercelApiOptions {
  host: string;
  port: number;
  token: string;
  project: VercelProject;
}

function vercelError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

const CREATOR = { uid: "referencestackuser0000000", username: "reference-stack" };

/** Fields both the list (v6) and the single deployment (v13) carry. */
function common(project: VercelProject, d: VercelDeployment) {
  return {
    name: project.name,
    url: d.url,
    createdAt: d.createdAt,
    buildingAt: d.buildingAt,
    ready: d.ready,
    readyState: "READY",
    readySubstate: d.target === "production" ? "PROMOTED" : "STAGED",
    target: d.target,
    type: "LAMBDAS",
    source: "git",
    creator: CREATOR,
    meta: d.meta,
    projectId: project.id,
    inspectorUrl: `https://vercel.com/reference-stack/${project.name}/${d.id.slice(4)}`,
    ...project.checksSummary(d.id),
  };
}

function listItem(project: VercelProject, d: VercelDeployment) {
  return {
    uid: d.id,
    ...common(project, d),
    created: d.createdAt,
    state: "READY",
    aliasAssigned: d.alias.length > 0 ? d.ready : null,
    aliasError: null,
    isRollbackCandidate: d.target === "production",
  };
}

function detail(project: VercelProject, d: VercelDeployment) {
  return {
    id: d.id,
    ...common(project, d),
    status: "READY",
    alias: d.alias,
    aliasAssigned: d.alias.length > 0,
    aliasError: null,
    bootedAt: d.buildingAt,
    ownerId: project.teamId,
    regions: ["iad1"],
    public: false,
    version: 2,
    gitSource: {
      type: "github",
      ref: d.meta.githubCommitRef,
      sha: d.meta.githubCommitSha,
      repoId: 1,
    },
  };
}

function project(p: VercelProject) {
  const secret = p.bypassSecret();
  return {
    id: p.id,
    name: p.name,
    accountId: p.teamId,
    framework: null,
    createdAt: p.createdAt,
    updatedAt: p.deployments[0]?.ready ?? p.createdAt,
    ssoProtection: p.protectionOn() ? { deploymentType: "all" } : null,
    protectionBypass: {
      [secret]: { createdAt: p.createdAt, createdBy: CREATOR.uid, scope: "automation-bypass" },
    },
    targets: {
      production: { id: p.deployments[0]?.id, url: p.deployments[0]?.url },
    },
  };
}

type Query = { teamId?: string; projectId?: string; target?: string; limit?: string };
type CheckBody = Partial<Omit<VercelCheck, "id" | "createdAt" | "updatedAt">>;

export async function startVercelApi(options: VercelApiOptions): Promise<RunningServer> {
  const { project: p } = options;
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });

  app.addHook("onRequest", async (request, reply) => {
    if (!request.headers.authorization) {
      return reply.code(403).send({
        error: {
          code: "forbidden",
          message: "The request is missing an authentication token",
          missingToken: true,
        },
      });
    }
    if (!hasBearer(request.headers.authorization, options.token)) {
      return reply
        .code(403)
        .send({ error: { code: "forbidden", message: "Not authorized", invalidToken: true } });
    }
    const { teamId } = request.query as Query;
    if (teamId !== undefined && teamId !== p.teamId) {
      return vercelError(reply, 403, "forbidden", "You don't have permission to access this team");
    }
  });
  app.setNotFoundHandler((request, reply) =>
    vercelError(
      reply,
      404,
      "not_found",
      `The requested resource ${request.url.split("?")[0]} was not found`,
    ),
  );
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status < 500) return vercelError(reply, status, "bad_request", error.message);
    return vercelError(
      reply,
      500,
      "internal_server_error",
      "An unexpected internal error occurred",
    );
  });

  app.get<{ Querystring: Query }>("/v6/deployments", async (request, reply) => {
    const { projectId, target, limit } = request.query;
    const max = limit === undefined ? 20 : Number(limit);
    if (!Number.isInteger(max) || max < 1 || max > 100) {
      return vercelError(reply, 400, "bad_request", "Invalid query parameter `limit`");
    }
    if (projectId !== undefined && projectId !== p.id && projectId !== p.name) {
      return vercelError(reply, 404, "not_found", "Project not found");
    }
    const matching = p.deployments
      .filter(
        (d) => target === undefined || (target === "production") === (d.target === "production"),
      )
      .toSorted((a, b) => b.createdAt - a.createdAt);
    const page = matching.slice(0, max);
    return {
      deployments: page.map((d) => listItem(p, d)),
      pagination: {
        count: page.length,
        next: matching.length > max ? (page.at(-1)?.createdAt ?? null) : null,
        prev: page[0]?.createdAt ?? null,
      },
    };
  });

  const deploymentOr404 = (idOrUrl: string, reply: FastifyReply) => {
    const deployment = p.find(idOrUrl);
    if (!deployment) vercelError(reply, 404, "not_found", "The deployment was not found");
    return deployment;
  };

  app.get<{ Params: { idOrUrl: string } }>("/v13/deployments/:idOrUrl", async (request, reply) => {
    const deployment = deploymentOr404(request.params.idOrUrl, reply);
    return deployment ? detail(p, deployment) : reply;
  });

  app.get<{ Params: { idOrName: string } }>("/v9/projects/:idOrName", async (request, reply) => {
    const { idOrName } = request.params;
    if (idOrName !== p.id && idOrName !== p.name) {
      return vercelError(reply, 404, "not_found", "Project not found");
    }
    return project(p);
  });

  app.get<{ Params: { deploymentId: string } }>(
    "/v1/deployments/:deploymentId/checks",
    async (request, reply) => {
      const deployment = deploymentOr404(request.params.deploymentId, reply);
      return deployment ? { checks: p.checks(deployment.id) } : reply;
    },
  );

  app.get<{ Params: { deploymentId: string; checkId: string } }>(
    "/v1/deployments/:deploymentId/checks/:checkId",
    async (request, reply) => {
      const deployment = deploymentOr404(request.params.deploymentId, reply);
      if (!deployment) return reply;
      const check = p.checks(deployment.id).find((c) => c.id === request.params.checkId);
      return check ?? vercelError(reply, 404, "not_found", "Check was not found");
    },
  );

  app.post<{ Params: { deploymentId: string }; Body: CheckBody | undefined }>(
    "/v1/deployments/:deploymentId/checks",
    async (request, reply) => {
      const deployment = deploymentOr404(request.params.deploymentId, reply);
      if (!deployment) return reply;
      const body = request.body ?? {};
      if (typeof body.name !== "string" || body.name === "") {
        return vercelError(
          reply,
          400,
          "bad_request",
          "Invalid request: missing required property `name`",
        );
      }
      if (typeof body.blocking !== "boolean") {
        return vercelError(
          reply,
          400,
          "bad_request",
          "Invalid request: missing required property `blocking`",
        );
      }
      return p.addCheck(deployment.id, {
        name: body.name,
        blocking: body.blocking,
        ...pick(body, ["path", "detailsUrl", "externalId", "rerequestable"]),
      });
    },
  );

  app.patch<{ Params: { deploymentId: string; checkId: string }; Body: CheckBody | undefined }>(
    "/v1/deployments/:deploymentId/checks/:checkId",
    async (request, reply) => {
      const deployment = deploymentOr404(request.params.deploymentId, reply);
      if (!deployment) return reply;
      const check = p.checks(deployment.id).find((c) => c.id === request.params.checkId);
      if (!check) return vercelError(reply, 404, "not_found", "Check was not found");
      const body = request.body ?? {};
      if (body.status !== undefined && !CHECK_STATUSES.includes(body.status)) {
        return vercelError(
          reply,
          400,
          "bad_request",
          "Invalid request: `status` should be one of registered, running, completed",
        );
      }
      if (body.conclusion !== undefined && !CHECK_CONCLUSIONS.includes(body.conclusion)) {
        return vercelError(
          reply,
          400,
          "bad_request",
          `Invalid request: \`conclusion\` should be one of ${CHECK_CONCLUSIONS.join(", ")}`,
        );
      }
      const now = Date.now();
      Object.assign(
        check,
        pick(body, ["name", "path", "detailsUrl", "externalId", "output", "status", "conclusion"]),
      );
      // A conclusion ends the check.
      if (body.conclusion !== undefined) check.status = "completed";
      if (check.status === "running") check.startedAt ??= now;
      if (check.status === "completed") {
        check.startedAt ??= now;
        check.completedAt ??= now;
      }
      check.updatedAt = now;
      return check;
    },
  );

  return listenOn(app, options.host, options.port);
}

function pick<T extends object, K extends keyof T>(
  source: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
