import type { FastifyInstance } from "fastify";
import type { SupabaseContext } from "../../context.ts";

/**
 * GET /.well-known/jwks.json: the public halves of the project's signing keys,
 * never the symmetric secret, so a project that signs with HS256 lists none.
 * The gateway serves it without an API key (Supabase's open JWKS route).
 */
export function jwksRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.get("/.well-known/jwks.json", async (_request, reply) => {
    reply.header("Cache-Control", "public, max-age=600");
    return context.signingKey.jwks;
  });
}
