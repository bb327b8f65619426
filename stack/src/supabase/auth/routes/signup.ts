import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SupabaseContext } from "../../context.ts";
import { confirmEmail } from "../accounts.ts";
import { jsonObject, readBody, text } from "../body.ts";
import { AUTH } from "../config.ts";
import { inTransaction } from "../db.ts";
import { badRequest, internalError, unprocessable } from "../errors.ts";
import { requestAud } from "../guard.ts";
import { claimsData, insertIdentity } from "../identities.ts";
import { issueSession } from "../issue.ts";
import { hashPassword } from "../passwords.ts";
import { emailTaken, insertUser } from "../users.ts";
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

/** POST /signup with "Confirm email" off: the new user is signed in at once. */
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

    const address = validateEmail(email);
    const aud = requestAud(request);
    if (await emailTaken(context.pool, address, aud)) {
      throw unprocessable("user_already_exists", "User already registered");
    }
    // Hashing is slow, so it happens before the transaction, as in GoTrue.
    const hash = await hashPassword(password);

    const session = await inTransaction(context.pool, async (client) => {
      let user: Awaited<ReturnType<typeof insertUser>>;
      try {
        user = await insertUser(client, {
          aud,
          role: AUTH.role,
          email: address,
          phone: null,
          encryptedPassword: hash,
          appMetadata: { provider: "email", providers: ["email"] },
          userMetadata: data,
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw unprocessable("user_already_exists", "User already registered");
        }
        // Typically an app trigger on auth.users failing (e.g. its table is gone).
        throw internalError("Database error saving new user", error);
      }
      const identityData = claimsData({ sub: user.id, email: address });
      for (const [key, value] of Object.entries(data)) {
        if (!(key in identityData)) identityData[key] = value;
      }
      await insertIdentity(client, {
        userId: user.id,
        provider: "email",
        providerId: user.id,
        data: identityData,
      });
      const confirmed = await confirmEmail(client, user);
      return issueSession(client, context, request, confirmed, "password");
    });
    return reply.send(session);
  });
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "23505" &&
    (error as { table?: unknown }).table === "users"
  );
}
