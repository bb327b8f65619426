import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SupabaseContext } from "../../context.ts";
import { readBody, text } from "../body.ts";
import { inTransaction } from "../db.ts";
import { mailToken, recipientByEmail } from "../email-tokens.ts";
import { badRequest } from "../errors.ts";
import { pkceParams } from "../pkce.ts";
import { validateEmail } from "../validate.ts";

const RecoverBody = z.object({
  email: text(),
  code_challenge: text(),
  code_challenge_method: text(),
});

/**
 * POST /recover: mails a password-reset link to a known address and answers
 * `{}` either way, so the endpoint does not reveal who is registered.
 */
export function recoverRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.post("/recover", async (request, reply) => {
    const body = readBody(request, RecoverBody);
    if (!body.email) throw badRequest("validation_failed", "Password recovery requires an email");
    const email = validateEmail(body.email);
    const pkce = pkceParams(body);

    // recovery-disabled: what an unknown address gets, for everyone.
    if (context.faults.on("recovery-disabled")) return reply.send({});
    const user = await recipientByEmail(context, request, email);
    if (!user) return reply.send({});
    const known = user;

    await inTransaction(context.pool, (client) =>
      mailToken(client, context, request, known, "recovery", pkce),
    );
    return reply.send({});
  });
}
