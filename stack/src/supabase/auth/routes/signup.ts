import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SupabaseContext } from "../../context.ts";
import { jsonObject, readBody, text } from "../body.ts";
import { inTransaction } from "../db.ts";
import { badRequest, unprocessable } from "../errors.ts";
import { requestAud } from "../guard.ts";
import { issueSession } from "../issue.ts";
import { pkceParams } from "../pkce.ts";
import { registerEmail } from "../registration.ts";
import { userJson } from "../user-json.ts";
import type { Metadata, UserRow } from "../users.ts";
import { checkPasswordStrength, validateEmail } from "../validate.ts";

const SignupBody = z.object({
  email: text(),
  phone: text(),
  password: text(),
  data: jsonObject(),
  channel: text(),
  code_challenge: text(),
  code_challenge_method: text(),
});

/**
 * POST /signup. With autoconfirm the new user is signed in at once; with
 * "Confirm email" on the answer is the bare user and a confirmation mail goes out.
 */
export function signupRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.post("/signup", async (request, reply) => {
    const body = readBody(request, SignupBody);
    const email = body.email ?? "";
    const phone = body.phone ?? "";
    const password = body.password ?? "";
    const data = body.data ?? {};

    if (email === "" && phone === "") {
      throw unprocessable("anonymous_provider_disabled", "Anonymous sign-ins are disabled");
    }
    if (password === "") throw badRequest("validation_failed", "Signup requires a valid password");
    checkPasswordStrength(password);
    if (email !== "" && phone !== "") {
      throw badRequest(
        "validation_failed",
        "Only an email address or phone number should be provided on signup.",
      );
    }
    if (phone !== "") throw badRequest("phone_provider_disabled", "Phone signups are disabled");
    const pkce = pkceParams(body);

    const aud = requestAud(request);
    const registration = await registerEmail(context, request, {
      email: validateEmail(email),
      aud,
      password,
      data,
      ...(pkce ? { pkce } : {}),
    });
    if (registration.outcome === "taken") {
      if (context.email.autoconfirm) {
        throw unprocessable("user_already_exists", "User already registered");
      }
      // Looks like a fresh sign-up, so the answer does not tell who is registered.
      return reply.send(userJson(sanitized(registration.user, aud, data), []));
    }
    const { user, identity } = registration;
    if (user.email_confirmed_at) {
      const session = await inTransaction(context.pool, (client) =>
        issueSession(client, context, request, user, "password"),
      );
      return reply.send(session);
    }
    return reply.send(userJson(user, [identity]));
  });
}

/** GoTrue's sanitizeUser: a confirmed user's record disguised as a new, unconfirmed one. */
function sanitized(user: UserRow, aud: string, data: Metadata): UserRow {
  const now = new Date();
  return {
    ...user,
    id: randomUUID(),
    aud,
    role: "",
    email_change: "",
    phone: "",
    created_at: now,
    updated_at: now,
    confirmation_sent_at: now,
    last_sign_in_at: null,
    confirmed_at: null,
    email_change_sent_at: null,
    email_confirmed_at: null,
    phone_confirmed_at: null,
    raw_user_meta_data: data,
    raw_app_meta_data: { provider: "email", providers: ["email"] },
  };
}
