import { randomBytes } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { SupabaseContext } from "../context.ts";
import { confirmEmail } from "./accounts.ts";
import { AUTH } from "./config.ts";
import { type Db, inTransaction } from "./db.ts";
import { mailToken } from "./email-tokens.ts";
import { internalError, unprocessable } from "./errors.ts";
import { claimsData, findIdentity, type IdentityRow, insertIdentity } from "./identities.ts";
import { hashPassword } from "./passwords.ts";
import type { PkceChallenge } from "./pkce.ts";
import { duplicateEmailUser, insertUser, type Metadata, type UserRow } from "./users.ts";

/**
 * "registered": a new or still unconfirmed user, now confirmed (autoconfirm) or
 * sent a confirmation mail. "taken": the address belongs to a confirmed user,
 * left as it is.
 */
export type Registration =
  | { outcome: "registered"; user: UserRow; identity: IdentityRow }
  | { outcome: "taken"; user: UserRow };

/**
 * GoTrue's Signup for an email address, up to its answer. An unconfirmed user
 * signing up again is not updated (GoTrue cannot be sure who is asking) but
 * gets the confirmation mail again, within the same frequency limit. A failed
 * send rolls the new user back.
 */
export async function registerEmail(
  context: SupabaseContext,
  request: FastifyRequest,
  input: { email: string; aud: string; password: string; data: Metadata; pkce?: PkceChallenge },
): Promise<Registration> {
  const existing = await duplicateEmailUser(context.pool, input.email, input.aud);
  if (existing?.email_confirmed_at) return { outcome: "taken", user: existing };
  // Hashing is slow, so it happens before the transaction, as in GoTrue.
  const hash = existing ? undefined : await hashPassword(input.password);

  return inTransaction(context.pool, async (client) => {
    let user = existing ?? (await createUser(client, { ...input, hash: hash ?? "" }));
    let identity = await findIdentity(client, user.id, "email");
    if (!identity) {
      const identityData = claimsData({ sub: user.id, email: user.email ?? input.email });
      for (const [key, value] of Object.entries(input.data)) {
        if (!(key in identityData)) identityData[key] = value;
      }
      identity = await insertIdentity(client, {
        userId: user.id,
        provider: "email",
        providerId: user.id,
        data: identityData,
      });
    }
    user = context.email.autoconfirm
      ? await confirmEmail(client, user)
      : await mailToken(client, context, request, user, "signup", input.pkce);
    return { outcome: "registered", user, identity };
  });
}

/** A password nobody knows, for users a magic link signs up (GoTrue's GeneratePassword). */
export const unknowablePassword = () => randomBytes(24).toString("base64url");

async function createUser(
  db: Db,
  input: { email: string; aud: string; hash: string; data: Metadata },
): Promise<UserRow> {
  try {
    return await insertUser(db, {
      aud: input.aud,
      role: AUTH.role,
      email: input.email,
      phone: null,
      encryptedPassword: input.hash,
      appMetadata: { provider: "email", providers: ["email"] },
      userMetadata: input.data,
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw unprocessable("user_already_exists", "User already registered");
    }
    // Typically an app trigger on auth.users failing (e.g. its table is gone).
    throw internalError("Database error saving new user", error);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "23505" &&
    (error as { table?: unknown }).table === "users"
  );
}
