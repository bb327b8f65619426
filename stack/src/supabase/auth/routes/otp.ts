import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SupabaseContext } from "../../context.ts";
import { flag, jsonObject, readBody, text } from "../body.ts";
import { inTransaction } from "../db.ts";
import { mailToken } from "../email-tokens.ts";
import { badRequest, internalError, unprocessable } from "../errors.ts";
import { requestAud } from "../guard.ts";
import { type PkceChallenge, pkceParams } from "../pkce.ts";
import { registerEmail, unknowablePassword } from "../registration.ts";
import { findUserByEmail, type Metadata } from "../users.ts";
import { validateEmail, validatePhone } from "../validate.ts";

const OtpBody = z.object({
  email: text(),
  phone: text(),
  create_user: flag(),
  data: jsonObject(),
  channel: text(),
  code_challenge: text(),
  code_challenge_method: text(),
});

/**
 * POST /otp (signInWithOtp): mails a sign-in link and code. An address with
 * no confirmed user is signed up first (unless create_user is false); with
 * "Confirm email" on its confirmation mail is then the sign-in mail.
 */
export function otpRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.post("/otp", async (request, reply) => {
    const body = readBody(request, OtpBody);
    const email = body.email ?? "";
    const phone = body.phone ?? "";
    if (email !== "" && phone !== "") {
      throw badRequest(
        "validation_failed",
        "Only an email address or phone number should be provided",
      );
    }
    if (email !== "" && body.channel) {
      throw badRequest("validation_failed", "Channel should only be specified with Phone OTP");
    }
    if (body.create_user === false && !(await userExists(request, context, email, phone))) {
      throw unprocessable("otp_disabled", "Signups not allowed for otp");
    }
    if (email !== "") {
      const pkce = pkceParams(body);
      await magicLink(request, context, validateEmail(email), body.data ?? {}, pkce);
      return reply.send({});
    }
    if (phone !== "") throw badRequest("phone_provider_disabled", "Unsupported phone provider");
    throw badRequest("validation_failed", "One of email or phone must be set");
  });
}

/** GoTrue's shouldCreateUser lookup: phone sign-in is off, so no phone user exists. */
async function userExists(
  request: FastifyRequest,
  context: SupabaseContext,
  email: string,
  phone: string,
): Promise<boolean> {
  if (email !== "") {
    return (
      (await findUserByEmail(context.pool, validateEmail(email), requestAud(request))) !== undefined
    );
  }
  if (phone !== "") validatePhone(phone);
  return phone === "";
}

/** GoTrue's MagicLink. */
async function magicLink(
  request: FastifyRequest,
  context: SupabaseContext,
  email: string,
  data: Metadata,
  pkce: PkceChallenge | undefined,
): Promise<void> {
  const aud = requestAud(request);
  let user: Awaited<ReturnType<typeof findUserByEmail>>;
  try {
    user = await findUserByEmail(context.pool, email, aud);
  } catch (error) {
    throw internalError("Database error finding user", error);
  }
  if (!user?.email_confirmed_at) {
    const registration = await registerEmail(context, request, {
      email,
      aud,
      password: unknowablePassword(),
      data,
      ...(pkce ? { pkce } : {}),
    });
    if (registration.outcome === "taken" && context.email.autoconfirm) {
      throw unprocessable("user_already_exists", "User already registered");
    }
    // Without autoconfirm the confirmation mail just sent doubles as the sign-in link.
    if (registration.outcome === "taken" || !registration.user.email_confirmed_at) return;
    user = registration.user;
  }
  const known = user;
  await inTransaction(context.pool, (client) =>
    mailToken(client, context, request, known, "magiclink", pkce),
  );
}
