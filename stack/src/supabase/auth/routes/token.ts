import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SupabaseContext } from "../../context.ts";
import { readBody, text } from "../body.ts";
import { inTransaction } from "../db.ts";
import { badRequest, internalError, unprocessable } from "../errors.ts";
import { isBanned, requestAud } from "../guard.ts";
import { issueSession } from "../issue.ts";
import { passwordMatches } from "../passwords.ts";
import { pkceGrant } from "../pkce.ts";
import { refreshSession } from "../refresh.ts";
import { findUserByEmail } from "../users.ts";

const PasswordGrant = z.object({ email: text(), phone: text(), password: text() });
const RefreshGrant = z.object({ refresh_token: text() });
const PkceGrant = z.object({ auth_code: text(), code_verifier: text() });

const INVALID_LOGIN = "Invalid login credentials";

/** POST /token?grant_type=password|refresh_token|pkce. */
export function tokenRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.post("/token", async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    switch (query.grant_type) {
      case "password":
        return reply.send(await passwordGrant(request, context));
      case "refresh_token": {
        const body = readBody(request, RefreshGrant);
        return reply.send(await refreshSession(context, request, body.refresh_token ?? ""));
      }
      case "pkce":
        return reply.send(await pkceGrant(context, request, readBody(request, PkceGrant)));
      default:
        // GoTrue answers unknown grants with this code and message.
        throw badRequest("invalid_credentials", "unsupported_grant_type");
    }
  });
}

async function passwordGrant(request: FastifyRequest, context: SupabaseContext) {
  const body = readBody(request, PasswordGrant);
  const email = body.email ?? "";
  const phone = body.phone ?? "";
  if (email !== "" && phone !== "") {
    throw badRequest(
      "validation_failed",
      "Only an email address or phone number should be provided on login.",
    );
  }
  if (phone !== "") throw unprocessable("phone_provider_disabled", "Phone logins are disabled");
  if (email === "") throw badRequest("validation_failed", "missing email or phone");

  let user: Awaited<ReturnType<typeof findUserByEmail>>;
  try {
    user = await findUserByEmail(context.pool, email, requestAud(request));
  } catch (error) {
    throw internalError("Database error querying schema", error);
  }
  if (!user?.encrypted_password) throw badRequest("invalid_credentials", INVALID_LOGIN);
  if (isBanned(user)) throw badRequest("user_banned", "User is banned");
  if (!(await passwordMatches(user.encrypted_password, body.password ?? ""))) {
    throw badRequest("invalid_credentials", INVALID_LOGIN);
  }
  if (!user.email_confirmed_at) throw badRequest("email_not_confirmed", "Email not confirmed");
  const signedIn = user;
  return inTransaction(context.pool, (client) =>
    issueSession(client, context, request, signedIn, "password"),
  );
}
