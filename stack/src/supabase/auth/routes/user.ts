import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SupabaseContext } from "../../context.ts";
import { storePassword } from "../accounts.ts";
import { jsonObject, readBody, text } from "../body.ts";
import { inTransaction } from "../db.ts";
import { mailEmailChange } from "../email-tokens.ts";
import { AuthError, badRequest, forbidden, unprocessable } from "../errors.ts";
import { requestAud, requireUser } from "../guard.ts";
import { identitiesOf } from "../identities.ts";
import { hashPassword, passwordMatches } from "../passwords.ts";
import { userJson } from "../user-json.ts";
import { emailTaken, mergeMetadata, updateUser } from "../users.ts";
import { checkPasswordStrength, validateEmail, validatePhone } from "../validate.ts";

const UserUpdate = z.object({
  email: text(),
  password: text(),
  current_password: text(),
  nonce: text(),
  data: jsonObject(),
  app_metadata: jsonObject(),
  phone: text(),
  channel: text(),
  code_challenge: text(),
  code_challenge_method: text(),
});

/** GET /user and PUT /user for the signed-in user. */
export function userRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.get("/user", async (request, reply) => {
    const { claims, user } = await requireUser(request, context);
    const tokenAud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    if (!tokenAud || tokenAud !== requestAud(request, claims)) {
      throw badRequest("validation_failed", "Token audience doesn't match request audience");
    }
    return reply.send(userJson(user, await identitiesOf(context.pool, user.id)));
  });

  app.put("/user", async (request, reply) => {
    const caller = await requireUser(request, context);
    const body = readBody(request, UserUpdate);
    const email = body.email ? validateEmail(body.email) : "";
    if (body.phone) validatePhone(body.phone);
    if (typeof body.password === "string") checkPasswordStrength(body.password);
    if (body.app_metadata) {
      throw forbidden("not_admin", "Updating app_metadata requires admin privileges");
    }

    let user = caller.user;
    const changesEmail = email !== "" && email !== user.email;
    if (changesEmail && (await emailTaken(context.pool, email, requestAud(request), user.id))) {
      throw unprocessable(
        "email_exists",
        "A user with this email address has already been registered",
      );
    }
    if (body.phone && validatePhone(body.phone) !== user.phone) {
      // Phone sign-in is off in this project, so no SMS can confirm a new number.
      throw new AuthError(500, "sms_send_failed", "Error sending confirmation OTP to provider");
    }

    let newHash: string | null | undefined;
    if (typeof body.password === "string") {
      if (body.password !== "" && (await passwordMatches(user.encrypted_password, body.password))) {
        throw unprocessable(
          "same_password",
          "New password should be different from the old password.",
        );
      }
      newHash = body.password === "" ? null : await hashPassword(body.password);
    }

    user = await inTransaction(context.pool, async (client) => {
      let current = user;
      if (newHash !== undefined) {
        current = await storePassword(client, current, newHash, caller.session?.id);
      }
      if (body.data) {
        current = await updateUser(client, current.id, {
          raw_user_meta_data: mergeMetadata(current.raw_user_meta_data, body.data),
        });
      }
      if (changesEmail) {
        current = await mailEmailChange(client, context, request, current, email);
      }
      return current;
    });
    return reply.send(userJson(user, await identitiesOf(context.pool, user.id)));
  });
}
