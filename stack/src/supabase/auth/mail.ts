import { createHash, randomInt } from "node:crypto";
import type { SupabaseContext } from "../context.ts";
import { AUTH } from "./config.ts";
import { AuthError, internalError } from "./errors.ts";
import { renderTemplate, type TemplateName, type TemplateValues } from "./templates.ts";

/** GoTrue's GenerateTokenHash: what links carry and the users table stores. */
export function tokenHash(emailOrPhone: string, otp: string): string {
  return createHash("sha224")
    .update(emailOrPhone + otp)
    .digest("hex");
}

export function newOtp(): string {
  return String(randomInt(0, 10 ** AUTH.emailOtpLength)).padStart(AUTH.emailOtpLength, "0");
}

/** GoTrue refuses a second email of one kind within SMTP_MAX_FREQUENCY. */
export function checkEmailFrequency(lastSentAt: Date | null): void {
  if (!lastSentAt) return;
  const waitMs = lastSentAt.getTime() + AUTH.emailMaxFrequencySeconds * 1000 - Date.now();
  if (waitMs > 0) {
    throw new AuthError(
      429,
      "over_email_send_rate_limit",
      `For security purposes, you can only request this after ${Math.floor(waitMs / 1000)} seconds.`,
    );
  }
}

/** The link in auth emails, as GoTrue's mailer builds it (redirect_to escaped only if needed). */
export function verifyLink(
  context: SupabaseContext,
  hash: string,
  type: string,
  redirectTo: string,
): string {
  const redirect = /[&=#]/.test(redirectTo) ? encodeURIComponent(redirectTo) : redirectTo;
  return `${context.publicUrl}/auth/v1/verify?token=${encodeURIComponent(hash)}&type=${encodeURIComponent(type)}&redirect_to=${redirect}`;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
};

/** As Go's html/template escapes values in GoTrue's templates. */
const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);

// GoTrue's default templates (internal/mailer/templatemailer), which follow the
// hosted copy. GoTrue sends the HTML alone; the text part adds the code, as a
// project whose templates show {{ .Token }} would, so OTP flows can be followed.
const TEMPLATES = {
  signup: {
    subject: "Confirm your email address",
    failure: "Error sending confirmation email",
    html: (link: string) =>
      `<h2>Confirm your email address</h2>\n\n<p>Follow the link below to confirm this email address and finish signing up.</p>\n<p><a href="${escapeHtml(link)}">Confirm email address</a></p>\n`,
    text: (link: string, otp: string) =>
      `Confirm your email address\n\nFollow this link to confirm this email address and finish signing up:\n${link}\n\nOr enter this code: ${otp}\n`,
  },
  magiclink: {
    subject: "Your sign-in link",
    failure: "Error sending magic link email",
    html: (link: string) =>
      `<h2>Your sign-in link</h2>\n\n<p>Follow the link below to sign in. This link expires shortly and can only be used once.</p>\n<p><a href="${escapeHtml(link)}">Sign in</a></p>`,
    text: (link: string, otp: string) =>
      `Your sign-in link\n\nFollow this link to sign in (it can only be used once):\n${link}\n\nOr enter this code: ${otp}\n`,
  },
  recovery: {
    subject: "Reset your password",
    failure: "Error sending recovery email",
    html: (link: string) =>
      `<h2>Reset your password</h2>\n\n<p>We received a request to reset your password. Follow the link below to choose a new one.</p>\n<p><a href="${escapeHtml(link)}">Reset password</a></p>\n<p>If you didn't request this, you can safely ignore this email.</p>`,
    text: (link: string, otp: string) =>
      `Reset your password\n\nFollow this link to choose a new password:\n${link}\n\nOr enter this code: ${otp}\n\nIf you didn't request this, you can safely ignore this email.\n`,
  },
  email_change: {
    subject: "Confirm your new email address",
    failure: "Error sending email change email",
    html: (link: string, _otp: string, newEmail = "") =>
      `<h2>Confirm your new email address</h2>\n\n<p>Follow the link below to confirm ${escapeHtml(newEmail)} as your new email address.</p>\n<p><a href="${escapeHtml(link)}">Confirm new email address</a></p>\n<p>If you didn't request this change, you can safely ignore this email.</p>`,
    text: (link: string, otp: string, newEmail = "") =>
      `Confirm your new email address\n\nFollow this link to confirm ${newEmail} as your new email address:\n${link}\n\nOr enter this code: ${otp}\n`,
  },
} as const;

export type MailKind = keyof typeof TEMPLATES;

/** Supabase's name for each kind's template (the dashboard's, config.toml's). */
const TEMPLATE_NAMES: Record<MailKind, TemplateName> = {
  signup: "confirmation",
  magiclink: "magic_link",
  recovery: "recovery",
  email_change: "email_change",
};

export interface OutgoingAuthMail {
  to: string;
  link: string;
  otp: string;
  /** The token the link carries (GoTrue's {{ .TokenHash }}). */
  tokenHash: string;
  redirectTo: string;
  data: Record<string, unknown>;
  /** The user's address when the mail goes elsewhere (an email change's new address). */
  email?: string;
  newEmail?: string;
}

/**
 * Sends an auth email, from the project's own template for its kind when it
 * has one (HTML alone, as GoTrue sends it), else GoTrue's default; a transport
 * failure becomes GoTrue's 500 for that kind of email.
 */
export async function sendAuthMail(
  context: SupabaseContext,
  kind: MailKind,
  mail: OutgoingAuthMail,
): Promise<void> {
  const template = TEMPLATES[kind];
  const custom = context.email.templates?.[TEMPLATE_NAMES[kind]];
  const values: TemplateValues = {
    ConfirmationURL: mail.link,
    Token: mail.otp,
    TokenHash: mail.tokenHash,
    SiteURL: context.siteUrl,
    RedirectTo: mail.redirectTo,
    Email: mail.email ?? mail.to,
    NewEmail: mail.newEmail ?? "",
    Data: mail.data,
  };
  try {
    await context.mailer.send(
      custom
        ? {
            to: mail.to,
            subject: custom.subject
              ? renderTemplate(custom.subject, values, (value) => value)
              : template.subject,
            html: renderTemplate(custom.html, values, escapeHtml),
          }
        : {
            to: mail.to,
            subject: template.subject,
            html: template.html(mail.link, mail.otp, mail.newEmail),
            text: template.text(mail.link, mail.otp, mail.newEmail),
          },
    );
  } catch (error) {
    throw internalError(template.failure, error);
  }
}
