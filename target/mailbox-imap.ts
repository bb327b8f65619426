// An IMAP mailbox (a real inbox: Gmail, Fastmail, a company's Dovecot),
// read with imapflow: `SEARCH TO` lists the messages to the address, their
// envelope and INTERNALDATE (when the server received them) make the
// summary, and a message's source is parsed with mailparser. One connection
// per look: nothing stays open between looks, so a run cannot hang on exit
// and a dropped connection needs no reconnecting. A look closes its
// connection when its signal aborts.
import { ImapFlow, type ImapFlowError } from "imapflow";
import { simpleParser } from "mailparser";
import type { ImapMailboxConfig } from "./config.ts";
import type { MailboxSource, MailMessage, MailSummary } from "./mailbox.ts";
import { MailboxError } from "./mailbox-error.ts";

/** The newest this many of the matching messages are listed; a synthetic address gets a few. */
const SEARCH_LIMIT = 50;
const CONNECT_TIMEOUT_MS = 5_000;

export function imapSource(config: ImapMailboxConfig): MailboxSource {
  const description = `imap mailbox at ${config.address}`;
  const where = `${config.variable} ${config.address}`;

  /** Connects, logs in, opens the mailbox, runs `look`, and always closes the connection. */
  async function withMailbox<T>(
    signal: AbortSignal,
    look: (client: ImapFlow) => Promise<T>,
  ): Promise<T> {
    const client = new ImapFlow({
      host: config.host,
      port: config.port,
      secure: config.secure,
      // Plain IMAP must upgrade with STARTTLS except on loopback, so a password never crosses a network in clear.
      doSTARTTLS: config.secure || isLoopback(config.host) ? undefined : true,
      auth: { user: config.user, pass: config.password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: CONNECT_TIMEOUT_MS * 2,
    });
    // A failure after a look has settled is reported there, or is the close itself.
    client.on("error", () => {});
    const abort = () => client.close();
    signal.addEventListener("abort", abort, { once: true });
    let stage: Stage = "connect";
    try {
      if (signal.aborted) throw signal.reason;
      await client.connect();
      stage = "open";
      await client.mailboxOpen(config.mailbox, { readOnly: true });
      stage = "read";
      const result = await look(client);
      await client.logout().catch(() => {});
      return result;
    } catch (error) {
      client.close();
      if (error instanceof MailboxError) throw error;
      throw describeFailure(error as ImapFlowError, stage, signal.aborted);
    } finally {
      signal.removeEventListener("abort", abort);
    }
  }

  function describeFailure(error: ImapFlowError, stage: Stage, aborted: boolean): MailboxError {
    const hostPort = `${config.host}:${config.port}`;
    if (aborted) return new MailboxError(`${where} did not answer in time (${STAGES[stage]})`);
    if (error.authenticationFailed) {
      return new MailboxError(
        `${where}: could not log in as ${config.user} (the server refused the user name or password)`,
      );
    }
    if (error.mailboxMissing || (stage === "open" && error.responseStatus === "NO")) {
      return new MailboxError(`${where}: ${config.user} has no mailbox "${config.mailbox}"`);
    }
    if (
      error.tlsFailed ||
      /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED)/.test(error.code ?? "")
    ) {
      return new MailboxError(
        `${where}: could not set up TLS with ${hostPort} (${error.code ?? "handshake failed"})`,
      );
    }
    if (stage === "connect") {
      return new MailboxError(
        `${where}: could not connect to ${hostPort} (${error.code ?? "no IMAP greeting"}): is an IMAP server listening there?`,
      );
    }
    return new MailboxError(
      `${where} failed while ${STAGES[stage]} (${error.code ?? error.responseStatus ?? "no reason given"})`,
    );
  }

  return {
    description,
    check: (signal) => withMailbox(signal, async () => undefined),
    search: (to, signal) =>
      withMailbox(signal, async (client) => {
        const uids = (await client.search({ to }, { uid: true })) || [];
        const newest = uids.sort((a, b) => b - a).slice(0, SEARCH_LIMIT);
        if (newest.length === 0) return [];
        const summaries: MailSummary[] = [];
        const fetched = client.fetch(
          newest,
          { uid: true, envelope: true, internalDate: true },
          { uid: true },
        );
        for await (const message of fetched) {
          summaries.push({
            id: String(message.uid),
            to: (message.envelope?.to ?? []).flatMap((entry) =>
              entry.address ? [entry.address.toLowerCase()] : [],
            ),
            subject: message.envelope?.subject ?? "",
            receivedAt: new Date(message.internalDate ?? message.envelope?.date ?? 0),
          });
        }
        return summaries.sort((a, b) => Number(b.id) - Number(a.id));
      }),
    read: (summary, signal) =>
      withMailbox(signal, async (client) => {
        const message = await client.fetchOne(summary.id, { source: true }, { uid: true });
        if (message === false || !message.source) {
          throw new MailboxError(
            `The mail "${summary.subject}" is gone from the ${description} (${config.variable})`,
          );
        }
        const parsed = await simpleParser(message.source);
        const addresses = (list: typeof parsed.to) =>
          (Array.isArray(list) ? list : list ? [list] : [])
            .flatMap((group) => group.value)
            .flatMap((entry) => (entry.address ? [entry.address.toLowerCase()] : []));
        return {
          id: summary.id,
          subject: parsed.subject ?? summary.subject,
          from: parsed.from?.value[0]?.address ?? "",
          to: addresses(parsed.to),
          text: parsed.text ?? "",
          html: typeof parsed.html === "string" ? parsed.html : "",
          receivedAt: summary.receivedAt,
        } satisfies MailMessage;
      }),
  };
}

const STAGES = {
  connect: "connecting and logging in",
  open: "opening the mailbox",
  read: "reading it",
} as const;

type Stage = keyof typeof STAGES;

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}
