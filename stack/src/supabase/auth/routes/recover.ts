import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SupabaseContext } from "../../context.ts";
import { readBody, text } from "../body.ts";
import { inTransaction } from "../db.ts";
import { badRequest, internalError } from "../errors.ts";
import { requestAud } from "../guard.ts";
import { checkEmailFrequency, newOtp, sendAuthMail, tokenHash, verifyLink } from "../mail.ts";
import { referrer } from "../redirect.ts";
import { findUserByEmail, updateUser } from "../users.ts";
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

    let user: Awaited<ReturnType<typeof findUserByEmail>>;
    try {
      user = await findUserByEmail(context.pool, email, requestAud(request));
    } catch (error) {
      throw internalError("Unable to process request", error);
    }
    if (!user) return reply.send({});
    const known = user;

    await inTransaction(context.pool, async (client) => {
      checkEmailFrequency(known.recovery_sent_at);
      const otp = newOtp();
      const hash = tokenHash(known.email ?? "", otp);
      const link = verifyLink(context, hash, "recovery", referrer(request, context));
      await sendAuthMail(context, "recovery", { to: known.email ?? email, link, otp });
      await updateUser(client, known.id, { recovery_token: hash, recovery_sent_at: new Date() });
    });
    return reply.send({});
  });
}
