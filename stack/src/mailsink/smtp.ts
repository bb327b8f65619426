import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { Inbox } from "./inbox.ts";

export interface SmtpOptions {
  inbox: Inbox;
  maxMessageBytes: number;
  /** Whether mail from this envelope sender is refused now (the stack's mail-down fault). */
  refuses?: (sender: string) => boolean;
}

// 451 (local error in processing) is what a mail service in trouble answers:
// transient, so a queueing MTA would try again once the fault is cleared.
// GoTrue's mailer does not queue, so any refusal fails its send at once. It
// comes at MAIL FROM, where the sender is known and before any data is sent.
const REFUSED = "4.3.0 Mail service unavailable (reference stack fault mail-down)";

/**
 * An SMTP server that accepts everything: auth is optional, and any user and
 * password is accepted, so an app configured with SMTP credentials works.
 */
export function createSmtpServer({ inbox, maxMessageBytes, refuses }: SmtpOptions): SMTPServer {
  return new SMTPServer({
    name: "mailsink.local",
    banner: "reference stack mail sink",
    authOptional: true,
    // Loopback only: a reverse DNS lookup per connection would only slow delivery offline.
    disableReverseLookup: true,
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    disabledCommands: ["STARTTLS"],
    size: maxMessageBytes,
    rejectOversized: true,
    logger: false,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "anonymous" });
    },
    onMailFrom(address, _session, callback) {
      if (refuses?.(address.address.toLowerCase())) {
        callback(Object.assign(new Error(REFUSED), { responseCode: 451 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      // Buffer at most the limit; past it the rest is drained and the server answers 552.
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.on("end", () => {
        if (stream.sizeExceeded) {
          callback();
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((mail) => {
            const envelopeTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
            const mailFrom = session.envelope.mailFrom;
            inbox.add(mail, envelopeTo, mailFrom ? mailFrom.address : "", raw.length);
            callback();
          })
          .catch((error: unknown) => {
            const reason = error instanceof Error ? error.message : String(error);
            callback(
              Object.assign(new Error(`message could not be parsed: ${reason}`), {
                responseCode: 554,
              }),
            );
          });
      });
    },
  });
}
