// The part of Mailpit's HTTP API (axllent/mailpit, server/apiv1) that a
// Mailpit client reads mail with, over the same inbox as /messages: search,
// list, read one message, delete. Names, shapes and error answers follow
// Mailpit's: JSON bodies with Go's field names, 400 and 404 as plain text.
import type { FastifyInstance, FastifyReply } from "fastify";
import type { HeaderAddress, Inbox, ReceivedMessage } from "./inbox.ts";

interface MailpitAddress {
  Name: string;
  Address: string;
}

interface PageQuery {
  query?: string;
  start?: string;
  limit?: string;
}

/** Registers /api/v1/… on `app`, in a scope of its own (its JSON body parser forgives, as Mailpit's does). */
export function registerMailpitApi(app: FastifyInstance, inbox: Inbox): void {
  app.register(async (scope) => {
    // Mailpit deletes everything when DELETE /api/v1/messages carries no IDs or
    // no readable body; Fastify would answer 400 to an empty JSON body first.
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
      try {
        done(null, body === "" ? undefined : JSON.parse(String(body)));
      } catch {
        done(null, undefined);
      }
    });

    scope.get<{ Querystring: PageQuery }>("/api/v1/messages", async (request) => {
      return summaries(inbox, inbox.all(), request.query);
    });

    scope.get<{ Querystring: PageQuery }>("/api/v1/search", async (request, reply) => {
      const search = request.query.query?.trim() ?? "";
      if (search === "") return badRequest(reply, "Error: no search query");
      const matcher = parseSearch(search);
      if (typeof matcher === "string") return badRequest(reply, matcher);
      return summaries(inbox, inbox.all().filter(matcher), request.query);
    });

    scope.get<{ Params: { id: string }; Querystring: PageQuery }>(
      "/api/v1/message/:id",
      async (request, reply) => {
        let message: ReceivedMessage | undefined;
        if (request.params.id === "latest") {
          const search = request.query.query?.trim() ?? "";
          const matcher = search === "" ? () => true : parseSearch(search);
          if (typeof matcher === "string") return badRequest(reply, matcher);
          message = inbox.all().find(matcher);
          if (!message) return reply.code(404).type("text/plain").send("Message not found");
        } else {
          message = inbox.received(request.params.id);
        }
        if (!message) return reply.code(404).type("text/plain").send("404 page not found");
        // Mailpit marks a message read when it is opened.
        message.read = true;
        return fullMessage(message);
      },
    );

    scope.delete<{ Body: { IDs?: unknown } | undefined }>(
      "/api/v1/messages",
      async (request, reply) => {
        const ids = request.body?.IDs;
        const list = Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
        if (list.length === 0) inbox.clear();
        else inbox.delete(list);
        return reply.type("text/plain").send("ok");
      },
    );
  });
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).type("text/plain").send(message);
}

/** Mailpit's MessagesSummary: mailbox totals, the matching count, one page of summaries. */
function summaries(inbox: Inbox, matching: ReceivedMessage[], query: PageQuery) {
  const start = positive(query.start, 0);
  const limit = positive(query.limit, 50);
  const everything = inbox.all();
  const page = matching.slice(start, start + limit);
  return {
    total: everything.length,
    unread: everything.filter((message) => !message.read).length,
    count: page.length,
    messages_count: matching.length,
    messages_unread: matching.filter((message) => !message.read).length,
    start,
    tags: [],
    messages: page.map(summary),
  };
}

function summary(message: ReceivedMessage) {
  return {
    ID: message.stored.id,
    MessageID: message.messageId,
    Read: message.read,
    From: mailpitAddress(message.headers.from),
    To: message.headers.to.map(mailpitAddress),
    Cc: message.headers.cc.map(mailpitAddress),
    Bcc: message.headers.bcc.map(mailpitAddress),
    ReplyTo: message.headers.replyTo.map(mailpitAddress),
    Subject: message.stored.subject,
    Created: message.receivedAt.toISOString(),
    Username: "",
    Tags: [],
    Size: message.size,
    Attachments: 0,
    Snippet: snippet(message),
  };
}

function fullMessage(message: ReceivedMessage) {
  const from = mailpitAddress(message.headers.from);
  return {
    ID: message.stored.id,
    MessageID: message.messageId,
    From: from,
    To: message.headers.to.map(mailpitAddress),
    Cc: message.headers.cc.map(mailpitAddress),
    Bcc: message.headers.bcc.map(mailpitAddress),
    ReplyTo: message.headers.replyTo.map(mailpitAddress),
    ReturnPath: from.Address,
    Subject: message.stored.subject,
    ListUnsubscribe: { Header: "", Links: [], Errors: "", HeaderPost: "" },
    // The Date header, else when the message was received (as Mailpit's GetMessage).
    Date: (message.dateHeader ?? message.receivedAt).toISOString(),
    Tags: [],
    Username: "",
    Text: message.stored.text ?? "",
    HTML: message.stored.html ?? "",
    Size: message.size,
    Inline: [],
    Attachments: [],
  };
}

function mailpitAddress(address: HeaderAddress | undefined): MailpitAddress {
  return { Name: address?.name ?? "", Address: address?.address ?? "" };
}

/** Up to 250 characters of the text part (or the HTML without tags), whitespace collapsed. */
function snippet(message: ReceivedMessage): string {
  const body = message.stored.text ?? (message.stored.html ?? "").replace(/<[^>]*>/g, " ");
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > 250 ? `${flat.slice(0, 250)}...` : flat;
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

type Matcher = (message: ReceivedMessage) => boolean;

/**
 * Mailpit's search (internal/storage/search.go): terms split on spaces,
 * quotes group a phrase, each term narrows the result, `-` or `!` negates it;
 * `to:`, `from:`, `cc:`, `bcc:`, `reply-to:` and `subject:` are
 * case-insensitive substrings of that field, `is:read`/`is:unread` the read
 * state, a bare term a substring of the headers and text. Other filters are
 * refused (a string): answering them without filtering would mislead.
 */
export function parseSearch(search: string): Matcher | string {
  const terms = (search.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []).map((term) =>
    term.replaceAll('"', ""),
  );
  const matchers: Matcher[] = [];
  for (const raw of terms) {
    const exclude = raw.length > 1 && (raw.startsWith("-") || raw.startsWith("!"));
    const term = exclude ? raw.slice(1) : raw;
    if (!/[a-z0-9]/i.test(term)) continue;
    const matcher = termMatcher(term);
    if (typeof matcher === "string") return matcher;
    matchers.push(exclude ? (message) => !matcher(message) : matcher);
  }
  return (message) => matchers.every((matcher) => matcher(message));
}

const FIELDS: Record<string, (message: ReceivedMessage) => string> = {
  "to:": (message) => addressText(message.headers.to),
  "from:": (message) => addressText(message.headers.from ? [message.headers.from] : []),
  "cc:": (message) => addressText(message.headers.cc),
  "bcc:": (message) => addressText(message.headers.bcc),
  "reply-to:": (message) => addressText(message.headers.replyTo),
  "subject:": (message) => message.stored.subject,
};

// Mailpit's other filters: refused here rather than read as text.
const UNSUPPORTED = [
  "is:",
  "has:",
  "tag:",
  "message-id:",
  "addressed:",
  "after:",
  "before:",
  "larger:",
  "smaller:",
];

function termMatcher(term: string): Matcher | string {
  const lower = term.toLowerCase();
  if (lower === "is:read") return (message) => message.read;
  if (lower === "is:unread") return (message) => !message.read;
  for (const [prefix, field] of Object.entries(FIELDS)) {
    if (!lower.startsWith(prefix)) continue;
    const wanted = lower.slice(prefix.length);
    return (message) => field(message).toLowerCase().includes(wanted);
  }
  const unsupported = UNSUPPORTED.find((prefix) => lower.startsWith(prefix));
  if (unsupported) {
    return `Error: the reference stack's mail sink does not support the search filter ${unsupported}`;
  }
  return (message) =>
    [
      FIELDS["from:"]?.(message),
      message.stored.subject,
      FIELDS["to:"]?.(message),
      message.stored.text ?? "",
    ]
      .join(" ")
      .toLowerCase()
      .includes(lower);
}

function addressText(list: HeaderAddress[]): string {
  return list.map((entry) => `${entry.name} <${entry.address}>`).join(", ");
}
