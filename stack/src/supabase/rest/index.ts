import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SupabaseContext } from "../context.ts";
import { RestError } from "./errors.ts";
import { readSchemaDescription } from "./openapi-route.ts";
import type { RestDeps } from "./rest-deps.ts";
import { callRoutine } from "./rpc.ts";
import { SchemaCache } from "./schema-cache.ts";
import { readTable } from "./table-read.ts";
import { writeTable } from "./table-write.ts";

/** PostgREST subset, mounted at /rest/v1. */
export async function restPlugin(app: FastifyInstance, context: SupabaseContext): Promise<void> {
  const deps: RestDeps = {
    pool: context.pool,
    cache: new SchemaCache(context.pool),
    signingKey: context.signingKey,
  };

  // Bodies are read as text: PostgREST's own JSON errors apply, and numbers reach Postgres unrounded.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.route({
    method: ["GET", "HEAD"],
    url: "/",
    exposeHeadRoute: false,
    handler: (request, reply) => readSchemaDescription(deps, context, request, reply),
  });
  app.route({
    method: ["GET", "HEAD", "POST"],
    url: "/rpc/:name",
    exposeHeadRoute: false,
    handler: (request, reply) => callRoutine(deps, request, reply, routeParam(request, "name")),
  });
  app.route({
    method: ["GET", "HEAD", "POST", "PATCH", "DELETE"],
    url: "/:table",
    exposeHeadRoute: false,
    handler: (request, reply) => {
      const table = routeParam(request, "table");
      return request.method === "GET" || request.method === "HEAD"
        ? readTable(deps, request, reply, table)
        : writeTable(deps, request, reply, table);
    },
  });

  app.setNotFoundHandler((request, reply) => {
    const path = (request.url.split("?")[0] ?? "").replace(/^\/rest\/v1/, "");
    const error = /^\/[^/]+\/?$/.test(path)
      ? new RestError(405, "PGRST117", `Unsupported HTTP method: ${request.method}`)
      : new RestError(404, "PGRST125", "Invalid path specified in request URL");
    return sendError(reply, error);
  });

  app.setErrorHandler((error: FastifyError, _request, reply) =>
    sendError(reply, toRestError(error)),
  );
}

function routeParam(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? "";
}

function toRestError(error: FastifyError): RestError {
  if (error instanceof RestError) return error;
  if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return new RestError(413, "PGRST102", "Request body is too large");
  }
  if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
    return new RestError(error.statusCode, "PGRST102", "Empty or invalid json");
  }
  // Anything unexpected is reported without internals: no message, no stack.
  return new RestError(500, "PGRSTX00", "Internal server error");
}

function sendError(reply: FastifyReply, error: RestError): FastifyReply {
  reply.code(error.status);
  reply.header("Content-Type", "application/json; charset=utf-8");
  reply.header("Proxy-Status", `PostgREST; error=${error.code}`);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.send(JSON.stringify(error.body()));
}
