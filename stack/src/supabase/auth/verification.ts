import type { FastifyRequest } from "fastify";
import type { SupabaseContext } from "../context.ts";
import { confirmEmail, syncProviders } from "./accounts.ts";
import { AUTH } from "./config.ts";
import type { Db } from "./db.ts";
import { badRequest, forbidden } from "./errors.ts";
import { isBanned } from "./guard.ts";
import {
  claimsData,
  findIdentity,
  identitiesOf,
  insertIdentity,
  updateIdentityData,
} from "./identities.ts";
import { issueSession, type SessionResponse } from "./issue.ts";
import { PKCE_PREFIX } from "./pkce.ts";
import {
  findUserByEmail,
  findUserByToken,
  type TokenColumn,
  type UserRow,
  updateUser,
} from "./users.ts";

/** Which token column and timestamp each verification type checks. */
const TOKEN_KINDS: Record<string, { columns: TokenColumn[]; sentAt: keyof UserRow }> = {
  signup: { columns: ["confirmation_token"], sentAt: "confirmation_sent_at" },
  invite: { columns: ["confirmation_token"], sentAt: "confirmation_sent_at" },
  recovery: { columns: ["recovery_token"], sentAt: "recovery_sent_at" },
  magiclink: { columns: ["recovery_token"], sentAt: "recovery_sent_at" },
  email_change: {
    columns: ["email_change_token_new", "email_change_token_current"],
    sentAt: "email_change_sent_at",
  },
};

const LINK_INVALID = "Email link is invalid or has expired";
const CODE_INVALID = "Token has expired or is invalid";

function expired(user: UserRow, sentAtColumn: keyof UserRow, context: SupabaseContext): boolean {
  // The auth-links-expired fault ages every token past its lifetime, so the
  // expiry path below answers, as GoTrue does for a link that really expired.
  if (context.faults.on("auth-links-expired")) return true;
  const sentAt = user[sentAtColumn];
  if (!(sentAt instanceof Date)) return true;
  return Date.now() > sentAt.getTime() + context.email.otpExpirySeconds * 1000;
}

function kindOf(type: string) {
  const kind = TOKEN_KINDS[type === "email" ? "signup" : type];
  if (!kind) throw badRequest("validation_failed", "Invalid email verification type");
  return type === "email"
    ? { columns: ["confirmation_token", "recovery_token"] as TokenColumn[], sentAt: kind.sentAt }
    : kind;
}

/** GoTrue's verifyTokenHash: the user a link's token hash belongs to. */
export async function userForTokenHash(
  db: Db,
  context: SupabaseContext,
  type: string,
  hash: string,
): Promise<UserRow> {
  const kind = kindOf(type);
  for (const column of kind.columns) {
    const user = await findUserByToken(db, column, hash);
    if (!user) continue;
    if (isBanned(user)) throw forbidden("user_banned", "User is banned");
    const sentAt = column === "recovery_token" ? "recovery_sent_at" : kind.sentAt;
    if (expired(user, sentAt, context)) {
      throw forbidden("otp_expired", LINK_INVALID);
    }
    return user;
  }
  throw forbidden("otp_expired", LINK_INVALID);
}

/** GoTrue's verifyUserAndToken for an emailed code: the address and its hash must match. */
export async function userForEmailCode(
  db: Db,
  context: SupabaseContext,
  type: string,
  email: string,
  hash: string,
): Promise<UserRow> {
  const kind = kindOf(type);
  const user =
    type === "email_change"
      ? ((await findUserByToken(db, "email_change_token_new", hash)) ??
        (await findUserByToken(db, "email_change_token_current", hash)))
      : await findUserByEmail(db, email, AUTH.aud);
  if (!user) throw forbidden("otp_expired", CODE_INVALID);
  if (isBanned(user)) throw forbidden("user_banned", "User is banned");
  const matches = kind.columns.some((column) => {
    const sentAt = column === "recovery_token" ? "recovery_sent_at" : kind.sentAt;
    // GoTrue's isOtpValid: a code also matches its PKCE link's token.
    const stored = user[column];
    return (stored === hash || stored === PKCE_PREFIX + hash) && !expired(user, sentAt, context);
  });
  if (!matches) throw forbidden("otp_expired", CODE_INVALID);
  return user;
}

/**
 * Applies what a verified token stands for, then signs the user in (amr "otp").
 * `type` is what was verified: an "email" code turns out signup or magiclink.
 */
export async function completeVerification(
  db: Db,
  context: SupabaseContext,
  request: FastifyRequest,
  requestedType: string,
  verified: UserRow,
  hash: string,
): Promise<{ session: SessionResponse; type: string }> {
  const { user, type } = await applyVerification(db, requestedType, verified, hash);
  return { session: await issueSession(db, context, request, user, "otp"), type };
}

/** What a verified token stands for (a confirmation, a sign-in, an address change), without signing in. */
export async function applyVerification(
  db: Db,
  requestedType: string,
  verified: UserRow,
  hash: string,
): Promise<{ user: UserRow; type: string }> {
  let user = verified;
  // An "email" code is either a sign-up or a sign-in one, whichever it matched.
  const recovery = user.recovery_token ?? "";
  const type =
    requestedType === "email"
      ? recovery !== "" && (recovery === hash || recovery === PKCE_PREFIX + hash)
        ? "magiclink"
        : "signup"
      : requestedType;
  if (type === "recovery" || type === "magiclink") {
    user = await updateUser(db, user.id, { recovery_token: "" });
    if (!user.email_confirmed_at) user = await confirmEmail(db, user);
  } else if (type === "email_change") {
    user = await applyEmailChange(db, user);
  } else {
    user = await confirmEmail(db, user);
    for (const identity of await identitiesOf(db, user.id)) {
      if (identity.email && identity.email === user.email) {
        await updateIdentityData(db, identity, { email_verified: true });
      }
    }
  }
  user = await syncProviders(db, user);
  return { user, type };
}

async function applyEmailChange(db: Db, user: UserRow): Promise<UserRow> {
  const email = user.email_change ?? "";
  const identity = await findIdentity(db, user.id, "email");
  if (identity) {
    await updateIdentityData(db, identity, { email, email_verified: true });
  } else {
    await insertIdentity(db, {
      userId: user.id,
      provider: "email",
      providerId: user.id,
      data: claimsData({ sub: user.id, email, emailVerified: true }),
    });
  }
  let changed = await updateUser(db, user.id, {
    email,
    email_change: "",
    email_change_token_current: "",
    email_change_token_new: "",
    email_change_confirm_status: 0,
  });
  if (!changed.email_confirmed_at) changed = await confirmEmail(db, changed);
  return changed;
}
