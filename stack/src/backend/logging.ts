import type { Writable } from "node:stream";
import type { FastifyInstance, FastifyServerOptions } from "fastify";

/** Never logged even if some code logs headers: credentials ride in these. */
const REDACTED = [
  "req.headers.authorization",
  "req.headers.apikey",
  "req.headers.cookie",
  "headers.authorization",
  "headers.apikey",
  "headers.cookie",
  "*.password",
  "*.access_token",
  "*.refresh_token",
];

/** Fastify's pino logger writing JSON lines to `stream`, or no logging at all. */
export function loggerOptions(stream: Writable | undefined): FastifyServerOptions["logger"] {
  if (!stream) return false;
  return {
    level: "info",
    stream,
    redact: { paths: REDACTED, censor: "[redacted]" },
    base: { service: "backend" },
  };
}

/**
 * One line per request, instead of Fastify's two, with only what is safe:
 * no headers, no bodies (they may hold passwords), no query strings.
 */
export function logEveryRequest(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url.split("?")[0],
        route: request.routeOptions.url,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      "request completed",
    );
  });
}
