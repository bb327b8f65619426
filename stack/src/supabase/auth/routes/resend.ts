import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SupabaseContext } from "../../context.ts";
import { readBody, text } from "../body.ts";
import { inTransaction } from "../db.ts";
import { mailEmailChange, mailToken, recipientByEmail } from "../email-tokens.ts";
import { AuthError, badRequest } from "../errors.ts";
import { pkceParams } from "../pkce.ts";
import { validateEmail } from "../validate.ts";

const ResendBody = z.object({
  type: text(),
  email: text(),
  phone: text(),
  code_challenge: text(),
  code_challenge_method: text(),
});

const TYPES = ["signup", "email_change", "sms", "phone_change"];

/**
 * POST /resend: mails the sign-up confirmation or the email-change link again.
 * Answers `{}` when there is nothing to send (unknown address, already
 * confirmed, no pending change), so it does not reveal who is registered.
 */
export function resendRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.post("/resend", async (request, reply) => {
    const body = readBody(request, ResendBody);
    const type = body.type ?? "";
    const rawEmail = body.email ?? "";
    const phone = body.phone ?? "";
    if (!TYPES.includes(type)) {
      throw badRequest(
        "validation_failed",
        "Missing one of these types: signup, email_change, sms, phone_change",
      );
    }
    if (rawEmail === "" && type === "signup") {
      throw badRequest("validation_failed", "Type provided requires an email address");
    }
    if (phone === "" && type === "sms") {
      throw badRequest("validation_failed", "Type provided requires a phone number");
    }
    if (rawEmail !== "" && phone !== "") {
      throw badRequest(
        "validation_failed",
        "Only an email address or phone number should be provided.",
      );
    }
    if (phone !== "") throw badRequest("phone_provider_disabled", "Phone logins are disabled");
    if (rawEmail === "") {
      throw badRequest("validation_failed", "Missing email address or phone number");
    }
    const email = validateEmail(rawEmail);
    const pkce = pkceParams(body);

    const user = await recipientByEmail(context, request, email);
    if (!user) return reply.send({});
    const known = user;
    switch (type) {
      case "signup":
        if (known.email_confirmed_at) return reply.send({});
        await inTransaction(context.pool, (client) =>
          mailToken(client, context, request, known, "signup", pkce),
        );
        return reply.send({});
      case "email_change": {
        const pending = known.email_change ?? "";
        if (pending === "") return reply.send({});
        await inTransaction(context.pool, (client) =>
          mailEmailChange(client, context, request, known, pending),
        );
        return reply.send({});
      }
      case "phone_change":
        // Phone changes are refused here, so none is ever pending.
        return reply.send({});
      default:
        // An SMS code for an email user: phone sign-in is off, so no SMS can go out.
        throw new AuthError(500, "sms_send_failed", "Error sending confirmation OTP to provider");
    }
  });
}
