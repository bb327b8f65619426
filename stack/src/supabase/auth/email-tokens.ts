import type { FastifyRequest } from "fastify";
import type { SupabaseContext } from "../context.ts";
import type { Db } from "./db.ts";
import { internalError } from "./errors.ts";
import { requestAud } from "./guard.ts";
import { checkEmailFrequency, newOtp, sendAuthMail, tokenHash, verifyLink } from "./mail.ts";
import { createFlowState, type FlowMethod, PKCE_PREFIX, type PkceChallenge } from "./pkce.ts";
import { referrer } from "./redirect.ts";
import { findUserByEmail, type UserRow, updateUser } from "./users.ts";

// Where each emailed token lives; a magic link reuses the recovery columns, as in GoTrue.
const SLOTS = {
  signup: { token: "confirmation_token", sentAt: "confirmation_sent_at" },
  magiclink: { token: "recovery_token", sentAt: "recovery_sent_at" },
  recovery: { token: "recovery_token", sentAt: "recovery_sent_at" },
} as const;

export type EmailedTokenKind = keyof typeof SLOTS;

/**
 * GoTrue's sendConfirmation, sendMagicLink and sendPasswordRecovery: refuses
 * within SMTP_MAX_FREQUENCY of the last one, mails a fresh link and code, and
 * only then stores the code's hash (a failed send leaves the user untouched).
 */
export async function mailToken(
  db: Db,
  context: SupabaseContext,
  request: FastifyRequest,
  user: UserRow,
  kind: EmailedTokenKind,
  pkce?: PkceChallenge,
): Promise<UserRow> {
  const slot = SLOTS[kind];
  checkEmailFrequency(user[slot.sentAt]);
  const email = user.email ?? "";
  const otp = newOtp();
  // GoTrue's addFlowPrefixToToken: a PKCE link's token says which flow it belongs to.
  const hash = `${pkce ? PKCE_PREFIX : ""}${tokenHash(email, otp)}`;
  if (pkce) await createFlowState(db, user.id, FLOW_METHODS[kind], pkce);
  const link = verifyLink(context, hash, kind, referrer(request, context));
  await sendAuthMail(context, kind, {
    to: email,
    link,
    otp,
    tokenHash: hash,
    redirectTo: referrer(request, context),
    data: user.raw_user_meta_data ?? {},
  });
  return updateUser(db, user.id, { [slot.token]: hash, [slot.sentAt]: new Date() });
}

const FLOW_METHODS: Record<EmailedTokenKind, FlowMethod> = {
  signup: "email/signup",
  magiclink: "magiclink",
  recovery: "recovery",
};

/** GoTrue's sendEmailChange with secure email change off: one link, to the new address. */
export async function mailEmailChange(
  db: Db,
  context: SupabaseContext,
  request: FastifyRequest,
  user: UserRow,
  newEmail: string,
): Promise<UserRow> {
  checkEmailFrequency(user.email_change_sent_at);
  const otp = newOtp();
  const hash = tokenHash(newEmail, otp);
  const link = verifyLink(context, hash, "email_change", referrer(request, context));
  await sendAuthMail(context, "email_change", {
    to: newEmail,
    link,
    otp,
    tokenHash: hash,
    redirectTo: referrer(request, context),
    data: user.raw_user_meta_data ?? {},
    email: user.email ?? "",
    newEmail,
  });
  return updateUser(db, user.id, {
    email_change: newEmail,
    email_change_token_new: hash,
    email_change_token_current: "",
    email_change_sent_at: new Date(),
    email_change_confirm_status: 0,
  });
}

/** The user an emailed token would go to, or none; a lookup failure is GoTrue's "Unable to process request". */
export async function recipientByEmail(
  context: SupabaseContext,
  request: FastifyRequest,
  email: string,
): Promise<UserRow | undefined> {
  try {
    return (await findUserByEmail(context.pool, email, requestAud(request))) ?? undefined;
  } catch (error) {
    throw internalError("Unable to process request", error);
  }
}
