// A Mailpit mailbox over its HTTP API (axllent/mailpit, server/apiv1):
// `GET /api/v1/search?query=to:"…"` lists summaries newest first,
// `GET /api/v1/message/{ID}` reads one. The reference stack's mail sink
// answers the same routes. Credentials in the URL (Mailpit's basic auth,
// --ui-auth-file) go into an Authorization header: fetch refuses URLs with
// credentials, and messages show the URL without them.
import { z } from "zod";
import { redactUrl } from "./config.ts";
import type { MailboxSource, MailMessage, MailSummary } from "./mailbox.ts";
import { MailboxError } from "./mailbox-error.ts";

// Older Mailpit versions answer null for an empty address list.
const addresses = z
  .array(z.object({ Address: z.string() }))
  .nullish()
  .transform((list) => (list ?? []).map((entry) => entry.Address.toLowerCase()));

const searchAnswer = z.object({
  messages: z.array(
    z.object({
      ID: z.string(),
      To: addresses,
      Subject: z.string(),
      Created: z.string().refine((value) => !Number.isNaN(Date.parse(value)), "not a date"),
    }),
  ),
});

const messageAnswer = z.object({
  ID: z.string(),
  From: z.object({ Address: z.string() }).nullish(),
  To: addresses,
  Subject: z.string(),
  Text: z.string().nullish(),
  HTML: z.string().nullish(),
});

export function mailpitSource(url: string, variable: string): MailboxSource {
  const parsed = new URL(url);
  const headers: Record<string, string> = { accept: "application/json" };
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  }
  const base = redactUrl(url);
  const description = `mailpit mailbox at ${base}`;

  async function get<T>(path: string, query: string, schema: z.ZodType<T>, signal: AbortSignal) {
    let response: Response;
    try {
      response = await fetch(`${base}${path}${query}`, { headers, signal });
    } catch (error) {
      if (signal.aborted) {
        throw new MailboxError(`${variable} ${base} did not answer GET ${path} in time`);
      }
      throw new MailboxError(
        `${variable} ${base} is unreachable (${reason(error)}): is Mailpit running there?`,
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new MailboxError(
        `${variable} ${base} refused the request (${response.status} to GET ${path}): ` +
          "give Mailpit's user and password in the URL, as https://user:password@host",
      );
    }
    if (!response.ok) {
      throw new MailboxError(
        `The ${description} answered ${response.status} to GET ${path} (${variable}); is it Mailpit?`,
      );
    }
    const body = schema.safeParse(await response.json().catch(() => undefined));
    if (!body.success) {
      throw new MailboxError(
        `The ${description} answered GET ${path} with something other than Mailpit's JSON (${variable}); is it Mailpit?`,
      );
    }
    return body.data;
  }

  return {
    description,
    async check(signal) {
      await get("/api/v1/messages", "?limit=1", searchAnswer, signal);
    },
    async search(to, signal) {
      const query = `?query=${encodeURIComponent(`to:"${to}"`)}&limit=50`;
      const answer = await get("/api/v1/search", query, searchAnswer, signal);
      return answer.messages.map(
        (message): MailSummary => ({
          id: message.ID,
          to: message.To,
          subject: message.Subject,
          receivedAt: new Date(message.Created),
        }),
      );
    },
    async read(summary, signal) {
      const path = `/api/v1/message/${encodeURIComponent(summary.id)}`;
      const message = await get(path, "", messageAnswer, signal);
      return {
        id: message.ID,
        subject: message.Subject,
        from: message.From?.Address ?? "",
        to: message.To,
        text: message.Text ?? "",
        html: message.HTML ?? "",
        receivedAt: summary.receivedAt,
      } satisfies MailMessage;
    },
  };
}

/** A network error's code (ECONNREFUSED, ENOTFOUND…), never its text, which may repeat the URL. */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : "no answer";
}
