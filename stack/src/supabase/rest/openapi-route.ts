import type { FastifyReply, FastifyRequest } from "fastify";
import type { SupabaseContext } from "../context.ts";
import { authenticate } from "./jwt.ts";
import { openApiDocument } from "./openapi.ts";
import { checkProfile } from "./request.ts";
import type { RestDeps } from "./rest-deps.ts";

/**
 * GET /rest/v1/: the OpenAPI document. Hosted Supabase serves it only to
 * secret (service_role) keys since 2026 and answers others with this body.
 */
export async function readSchemaDescription(
  deps: RestDeps,
  context: SupabaseContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const profiled = checkProfile(request);
  const auth = await authenticate(request.supabaseBearer, deps.signingKey);
  if (auth.role !== "service_role") {
    return reply.code(403).send({
      message: "Access to schema is forbidden",
      hint: "Accessing the schema via the Data API is only allowed using a secret API key.",
    });
  }
  // Rarely asked for, so always described from a fresh look at the catalog.
  const snapshot = await deps.cache.reload();
  const host = new URL(context.publicUrl).host;
  reply.header("Content-Type", "application/openapi+json; charset=utf-8");
  if (profiled) reply.header("Content-Profile", "public");
  return reply.send(
    request.method === "HEAD" ? undefined : JSON.stringify(openApiDocument(snapshot, host)),
  );
}
