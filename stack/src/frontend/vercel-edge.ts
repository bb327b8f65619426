// What Vercel's edge does before the deployment's own code answers, under two
// faults. vercel-protection: Deployment Protection (Vercel Authentication)
// answers 401 unless the request presents the Protection Bypass for
// Automation secret, in the x-vercel-protection-bypass header or query
// parameter, or the _vercel_jwt cookie that such a request with
// x-vercel-set-bypass-cookie got
// (https://vercel.com/docs/deployment-protection/methods-to-bypass-deployment-protection/protection-bypass-automation).
// vercel-function-timeout: the page's function ran past its maximum duration,
// so Vercel answers 504 FUNCTION_INVOCATION_TIMEOUT with its plain-text error
// (https://vercel.com/docs/errors/FUNCTION_INVOCATION_TIMEOUT); files under
// /assets are static and still served.
import { createHmac, randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { FaultSwitches } from "../faults.ts";

export interface VercelEdgeOptions {
  faults: FaultSwitches;
  /** The bypass secret protection accepts while vercel-protection is on (the rotated one). */
  protectionBypass?: string;
}

const BYPASS = "x-vercel-protection-bypass";
const SET_BYPASS_COOKIE = "x-vercel-set-bypass-cookie";
const BYPASS_COOKIE = "_vercel_jwt";

const AUTHENTICATION_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Authentication Required</title><meta name="robots" content="noindex"></head>
<body>
  <h1>Authentication Required</h1>
  <p>This deployment is protected by Vercel Authentication. Log in to Vercel with an account that may see it.</p>
  <p><a href="https://vercel.com/sso-api">Continue with Vercel</a></p>
</body>
</html>
`;

/** A JWT-shaped token only someone who presented `secret` was given. */
function bypassCookieValue(secret: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${part({ alg: "HS256", typ: "JWT" })}.${part({ bypass: "automation" })}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? "").split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

function presented(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers[name];
  if (typeof header === "string") return header;
  const query = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof query === "string" ? query : undefined;
}

export function registerVercelEdge(app: FastifyInstance, options: VercelEdgeOptions): void {
  const { faults, protectionBypass } = options;
  const expectedCookie = protectionBypass ? bypassCookieValue(protectionBypass) : undefined;

  const denied = (reply: FastifyReply) =>
    reply
      .code(401)
      .header("cache-control", "no-store, max-age=0")
      .header("x-robots-tag", "noindex")
      .header(
        "set-cookie",
        `_vercel_sso_nonce=${randomBytes(18).toString("base64url")}; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax`,
      )
      .type("text/html; charset=utf-8")
      .send(AUTHENTICATION_PAGE);

  app.addHook("onRequest", async (request, reply) => {
    if (faults.on("vercel-protection")) {
      const secret = presented(request, BYPASS);
      const bypassed = protectionBypass !== undefined && secret === protectionBypass;
      if (bypassed && expectedCookie && presented(request, SET_BYPASS_COOKIE) !== undefined) {
        // Served over http locally, so the cookie is not Secure as Vercel's is.
        reply.header(
          "set-cookie",
          `${BYPASS_COOKIE}=${expectedCookie}; Path=/; HttpOnly; SameSite=Lax`,
        );
      }
      if (!bypassed && (!expectedCookie || cookie(request, BYPASS_COOKIE) !== expectedCookie)) {
        return denied(reply);
      }
    }
    if (faults.on("vercel-function-timeout") && request.routeOptions.url !== "/assets/*") {
      const id = String(reply.getHeader("x-vercel-id") ?? "");
      return reply
        .code(504)
        .header("x-vercel-error", "FUNCTION_INVOCATION_TIMEOUT")
        .header("cache-control", "public, max-age=0, must-revalidate")
        .type("text/plain; charset=utf-8")
        .send(`An error occurred with your deployment\n\nFUNCTION_INVOCATION_TIMEOUT\n\n${id}`);
    }
  });
}
