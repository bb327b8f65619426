import type { Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import cors from "@fastify/cors";
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from "fastify";
import type { AppName } from "../apps.ts";
import { DEFAULT_LATENCY_MS, type FaultSwitches } from "../faults.ts";
import { registerAuthRoutes } from "./auth-routes.ts";
import { ApiError, toApiError } from "./errors.ts";
import { registerHealth } from "./health.ts";
import type { BackendHost } from "./host.ts";
import { logEveryRequest, loggerOptions } from "./logging.ts";
import { registerMeRoutes, registerTokenUserRoute } from "./me-routes.ts";
import { requestIdOf } from "./request-id.ts";
import { supabaseFactory } from "./supabase-client.ts";

export interface BackendOptions {
  host: string;
  port: number;
  supabaseUrl: string;
  supabaseAnonKey: string;
  supabaseServiceRoleKey: string;
  /** The only origin CORS lets in, e.g. http://127.0.0.1:3000 */
  frontendOrigin: string;
  version: string;
  commit: string;
  faults: FaultSwitches;
  /** Which app's API to serve; default spa. */
  app?: AppName;
  /** Receives the JSON log lines; no logging without it. */
  logStream?: Writable;
  /** What the backend runs on (the stack's Render service); it sees every request first. */
  platform?: BackendHost;
}

export const BODY_LIMIT_BYTES = 16 * 1024;

/** The backend (Render's role) as a Fastify app, not yet listening. */
export async function createBackendApp(options: BackendOptions): Promise<FastifyInstance> {
  const { faults } = options;
  const app = Fastify({
    logger: loggerOptions(options.logStream),
    // logEveryRequest writes one line per request instead of Fastify's two.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: "request_id",
    }),
    genReqId: requestIdOf,
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: (_error, _request, reply: FastifyReply) => {
      const error = new ApiError(400, "invalid_input", "The request URL is malformed");
      reply.code(error.status).send(error.toBody());
    },
  });

  const { platform } = options;
  if (platform) app.addHook("onRequest", (request, reply) => platform.onRequest(request, reply));
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
    if (faults.on("backend-latency")) {
      await delay(faults.value("backend-latency") ?? DEFAULT_LATENCY_MS);
    }
  });
  logEveryRequest(app);

  const frontendOrigin = new URL(options.frontendOrigin).origin;
  await app.register(cors, {
    origin: (origin, callback) => {
      callback(null, origin === frontendOrigin && !faults.on("cors-refused"));
    },
    methods: ["GET", "POST", "PUT", "PATCH", "OPTIONS"],
    allowedHeaders: ["content-type", "authorization", "x-request-id"],
    exposedHeaders: ["x-request-id"],
    maxAge: 600,
  });

  app.setErrorHandler((thrown, request, reply) => {
    const error = toApiError(thrown);
    if (error.status >= 500) {
      const { cause } = error;
      request.log.error(
        cause instanceof Error
          ? { code: error.code, err: cause }
          : { code: error.code, detail: cause },
        "request failed",
      );
    }
    return reply.code(error.status).send(error.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError(
      404,
      "not_found",
      `No route for ${request.method} ${request.url.split("?")[0]}`,
    );
    return reply.code(404).send(error.toBody());
  });

  const supabaseFor = supabaseFactory(options.supabaseUrl, options.supabaseAnonKey);
  registerHealth(app, { ...options, commit: () => platform?.commit() ?? options.commit });
  if (options.app === "ssr") {
    // The ssr app signs in at Supabase Auth from the page; the backend only checks its tokens.
    registerTokenUserRoute(app, supabaseFor);
  } else {
    registerAuthRoutes(app, supabaseFor, faults, {
      frontendOrigin,
      supabaseUrl: options.supabaseUrl,
      supabaseAnonKey: options.supabaseAnonKey,
    });
    registerMeRoutes(app, supabaseFor);
  }
  return app;
}
