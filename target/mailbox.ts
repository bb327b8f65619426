// Reading the auth emails a journey triggers (confirm sign-up, magic link,
// password reset) from the mailbox SYNTHETIC_MAILBOX names. One interface,
// one adapter per kind of mailbox (mailbox-mailpit.ts, mailbox-imap.ts); waiting and link
// handling live here, so every adapter waits and refuses links the same way.
// Links and tokens never appear in an error or a log: a link is described by
// its origin and path (`describeLink`), its query and fragment left out.
import { setTimeout as sleep } from "node:timers/promises";
import type { ImapMailboxConfig, MailboxConfig } from "./config.ts";
import { MailboxError } from "./mailbox-error.ts";
import { mailpitSource } from "./mailbox-mailpit.ts";

export { MailboxError };

export interface MailMessage {
  id: string;
  subject: string;
  from: string;
  /** Header recipients, lower-case. */
  to: string[];
  text: string;
  html: string;
  /** When the mailbox received it (its clock). */
  receivedAt: Date;
}

/** A message as a search lists it, before its body is read. */
export interface MailSummary {
  id: string;
  to: string[];
  subject: string;
  receivedAt: Date;
}

export interface WaitForOptions {
  /** The full recipient address: synthetic addresses carry run id, worker and a random part. */
  to: string;
  /** Only mail received at or after this; take it just before the action that sends the mail. */
  since: Date;
  /** Exact subject, or a pattern. */
  subject?: string | RegExp;
  deadlineMs: number;
}

export interface Mailbox {
  /** "mailpit mailbox at http://…" (no credentials), for messages. */
  readonly description: string;
  /** The newest matching message, looking with backoff until one arrives; fails after `deadlineMs`. */
  waitFor(options: WaitForOptions): Promise<MailMessage>;
}

/** One kind of mailbox: a single look at it, no waiting. */
export interface MailboxSource {
  readonly description: string;
  /** One connection (and login) or request, reading nothing: throws a MailboxError saying what failed. */
  check(signal: AbortSignal): Promise<void>;
  /** Messages to `to` (the mailbox may match loosely), newest first. */
  search(to: string, signal: AbortSignal): Promise<MailSummary[]>;
  read(summary: MailSummary, signal: AbortSignal): Promise<MailMessage>;
}

/** A single request's limit: the last look, begun before the deadline, may end up to this late. */
const REQUEST_TIMEOUT_MS = 5_000;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 1_000;

/** The configured mailbox, or undefined when SYNTHETIC_MAILBOX is unset (email journeys skip). */
export function createMailbox(config: MailboxConfig): Mailbox | undefined {
  if (config === undefined) return undefined;
  return mailboxOver(sourceFor(config));
}

function sourceFor(config: NonNullable<MailboxConfig>): MailboxSource {
  return config.kind === "imap"
    ? lazyImapSource(config)
    : mailpitSource(config.url, config.variable);
}

/**
 * The imap source, its modules (imapflow, mailparser: half a second of CPU)
 * loaded at the first look: every worker of every run imports this file,
 * and only runs with an IMAP mailbox need them.
 */
function lazyImapSource(config: ImapMailboxConfig): MailboxSource {
  let loaded: Promise<MailboxSource> | undefined;
  const source = () =>
    (loaded ??= import("./mailbox-imap.ts").then((module) => module.imapSource(config)));
  return {
    description: `imap mailbox at ${config.address}`,
    check: async (signal) => (await source()).check(signal),
    search: async (to, signal) => (await source()).search(to, signal),
    read: async (summary, signal) => (await source()).read(summary, signal),
  };
}

/**
 * Preflight: connects and logs in once (imap) or asks the API once
 * (mailpit), before any journey waits on mail. Throws a MailboxError that
 * names the variable, the host and what failed, never the password.
 */
export async function checkMailbox(
  config: NonNullable<MailboxConfig>,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  await sourceFor(config).check(AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS));
}

export function mailboxOver(source: MailboxSource): Mailbox {
  return {
    description: source.description,
    async waitFor(options) {
      const wanted = options.to.trim().toLowerCase();
      const started = performance.now();
      const deadline = started + options.deadlineMs;
      let delay = FIRST_DELAY_MS;
      let polls = 0;
      for (;;) {
        // Each look has its own limit, not what is left of the deadline: a
        // request aborted in flight leaves the server a half-read connection.
        polls += 1;
        const found = (await source.search(wanted, AbortSignal.timeout(REQUEST_TIMEOUT_MS))).find(
          (summary) =>
            summary.to.includes(wanted) &&
            summary.receivedAt.getTime() >= options.since.getTime() &&
            subjectMatches(summary.subject, options.subject),
        );
        if (found) return source.read(found, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
        const left = deadline - performance.now();
        if (left <= 0) {
          const watched = Math.round(performance.now() - started);
          const subject = options.subject === undefined ? "" : ` with subject ${options.subject}`;
          throw new MailboxError(
            `No mail to ${wanted}${subject} arrived in the ${source.description} within ${watched} ms ` +
              `(deadline ${options.deadlineMs} ms, ${polls} looks, counting mail received from ${options.since.toISOString()})`,
          );
        }
        await sleep(Math.min(delay, left));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    },
  };
}

function subjectMatches(subject: string, wanted: string | RegExp | undefined): boolean {
  if (wanted === undefined) return true;
  return typeof wanted === "string" ? subject === wanted : wanted.test(subject);
}

/** How a link reads in a message or log: origin and path, never its query (tokens) or fragment. */
export function describeLink(link: URL): string {
  return `a link to ${link.origin}${link.pathname}`;
}

/**
 * The first auth link in a message: Supabase's `/auth/v1/verify?…`, or an
 * app's confirm/callback URL carrying a token or code. HTML links come first
 * (what a reader clicks), then URLs in the text. A first auth link whose
 * origin is not allowed is refused rather than skipped: the mail then
 * points somewhere it should not, which is the failure to report.
 */
export function extractLink(message: MailMessage, options: { allowedOrigins: string[] }): URL {
  const allowed = options.allowedOrigins.map((origin) => new URL(origin).origin);
  const candidates = [...hrefs(message.html), ...textUrls(message.text)];
  const link = candidates.find(isAuthLink);
  if (!link) {
    throw new MailboxError(
      `The mail "${message.subject}" to ${message.to.join(", ")} carries no auth link ` +
        `(${candidates.length} links; none to /auth/v1/verify or carrying a token or code)`,
    );
  }
  if (!allowed.includes(link.origin)) {
    throw new MailboxError(
      `Refused ${describeLink(link)} in the mail "${message.subject}" to ${message.to.join(", ")}: ` +
        `${link.origin} is not one of the allowed origins (${allowed.join(", ")})`,
    );
  }
  return link;
}

const AUTH_PARAMS = ["token", "token_hash", "code", "access_token", "confirmation_url"];

function isAuthLink(link: URL): boolean {
  if (link.pathname.endsWith("/auth/v1/verify")) return true;
  return AUTH_PARAMS.some((name) => link.searchParams.has(name) || link.hash.includes(`${name}=`));
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  quot: '"',
  "#34": '"',
  "#38": "&",
  "#39": "'",
};

function hrefs(html: string): URL[] {
  return [...html.matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)]
    .map((match) =>
      (match[1] ?? match[2] ?? "").replace(
        /&(amp|quot|#34|#38|#39);/g,
        (_, name: string) => ENTITIES[name] ?? "",
      ),
    )
    .flatMap(parsedUrl);
}

function textUrls(text: string): URL[] {
  return [...text.matchAll(/https?:\/\/[^\s<>"')\]]+/gi)].flatMap((match) => parsedUrl(match[0]));
}

function parsedUrl(value: string): URL[] {
  if (!/^https?:\/\//i.test(value.trim()) || !URL.canParse(value.trim())) return [];
  return [new URL(value.trim())];
}
