import nodemailer from "nodemailer";

export interface AuthMail {
  to: string;
  subject: string;
  /** GoTrue sends a project's own templates as HTML alone. */
  text?: string;
  html: string;
}

export interface AuthMailer {
  send(mail: AuthMail): Promise<void>;
}

import { AUTH_MAIL_SENDER } from "./mail-sender.ts";

export { AUTH_MAIL_SENDER };

/** Auth emails (recovery, confirmation) over SMTP, or LMTP for an lmtp:// URL, with short timeouts. */
export function smtpMailer(
  smtpUrl: string,
  from = `Supabase Auth <${AUTH_MAIL_SENDER}>`,
): AuthMailer {
  const url = new URL(smtpUrl);
  const lmtp = url.protocol === "lmtp:";
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (lmtp ? 24 : 25)),
    secure: url.protocol === "smtps:",
    lmtp,
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    connectionTimeout: 3_000,
    greetingTimeout: 3_000,
    socketTimeout: 5_000,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
  };
}
