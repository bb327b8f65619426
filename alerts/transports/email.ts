import type SMTPConnection from "nodemailer/lib/smtp-connection";
import { renderEmail } from "../messages/email.ts";
import type { Notification } from "../types.ts";
import { compose, openSession, sendOn, targetOf, WarmSession } from "./smtp-session.ts";
import type { RetryClass, SendOutcome, Transport } from "./transport.ts";

export interface EmailSettings {
  smtpUrl: string;
  from: string;
  to: string[];
}

const RETRY_CODES = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ECONNREFUSED"]);

/** Nodemailer's codes and the SMTP reply: transient (4xx, network) retries, the rest is final. */
export function classifySmtpError(error: { code?: string; responseCode?: number }): RetryClass {
  if (error.responseCode !== undefined) return error.responseCode < 500 ? "yes" : "no";
  return error.code !== undefined && RETRY_CODES.has(error.code) ? "yes" : "no";
}

function failure(error: Error & { code?: string; responseCode?: number }): SendOutcome {
  const code = `${error.code ?? "error"}${error.responseCode ? ` ${error.responseCode}` : ""}`;
  return { ok: false, retry: classifySmtpError(error), reason: `SMTP ${code}: ${error.message}` };
}

async function connected(warm: WarmSession, target: ReturnType<typeof targetOf>) {
  const reused = await warm.take();
  if (reused) return reused;
  const session = openSession(target);
  try {
    await session.ready;
  } catch (error) {
    session.connection.close();
    throw error;
  }
  return session.connection;
}

/** SMTP with nodemailer's connection and composer; one message per session, closed when the attempt's time is up. */
export function emailTransport(settings: EmailSettings, attemptTimeoutMs: number): Transport {
  const target = targetOf(settings.smtpUrl, attemptTimeoutMs);
  const warm = new WarmSession(target);
  return {
    channel: "email",
    warm: () => {
      warm.warm();
      // The MIME composer loads its encoders on first use; do that now, not when the alert is due.
      void compose({
        from: settings.from,
        to: settings.to,
        subject: "warm-up",
        text: "-",
        html: "<p>-</p>",
      });
    },
    close: async () => warm.close(),
    async send(notification: Notification, signal: AbortSignal): Promise<SendOutcome> {
      const { subject, text, html } = renderEmail(notification);
      const message = await compose({
        from: settings.from,
        to: settings.to,
        subject,
        text,
        html,
        headers: { "X-Alert-Group": notification.groupKey },
      });
      let connection: SMTPConnection | undefined;
      let onAbort = () => {};
      const aborted = new Promise<SendOutcome>((resolve) => {
        onAbort = () => {
          connection?.close();
          resolve({ ok: false, retry: "yes", reason: "SMTP: no answer within the time allowed" });
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      });
      const sent = (async (): Promise<SendOutcome> => {
        connection = await connected(warm, target);
        if (signal.aborted) connection.close();
        const info = await sendOn(connection, message);
        const rejected = info.rejected.length ? `; rejected ${info.rejected.length}` : "";
        return { ok: true, detail: `accepted ${info.accepted.length}${rejected}` };
      })().catch(failure);
      try {
        return await Promise.race([sent, aborted]);
      } finally {
        signal.removeEventListener("abort", onAbort);
        connection?.quit();
      }
    },
  };
}
