import type { FastifyInstance } from "fastify";
import type { SupabaseContext } from "../../context.ts";
import { badRequest, internalError } from "../errors.ts";
import { requireUser } from "../guard.ts";
import { endAllSessions, endOtherSessions, endSession } from "../sessions.ts";

/** POST /logout?scope=global|local|others: ends sessions, which takes their refresh tokens along. */
export function logoutRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.post("/logout", async (request, reply) => {
    const { user, session } = await requireUser(request, context);
    const scope = (request.query as Record<string, string | undefined>).scope ?? "";
    if (!["", "global", "local", "others"].includes(scope)) {
      throw badRequest("validation_failed", `Unsupported logout scope ${JSON.stringify(scope)}`);
    }
    try {
      if (session && scope === "local") await endSession(context.pool, session.id);
      else if (session && scope === "others")
        await endOtherSessions(context.pool, user.id, session.id);
      else await endAllSessions(context.pool, user.id);
    } catch (error) {
      throw internalError("Error logging out user", error);
    }
    return reply.code(204).send();
  });
}
