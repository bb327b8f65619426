import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

/** Loopback stand-ins for Slack, Twilio, PagerDuty, a webhook and an SMTP server. */

export interface Received {
  at: number;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** `hang` never answers: the caller's timeout has to end it. */
export type Responder = (request: Received, index: number) => Reply | "hang";

class Inbox<T> {
  readonly items: T[] = [];
  #waiters: Array<{ count: number; resolve: () => void }> = [];

  push(item: T) {
    this.items.push(item);
    this.#waiters = this.#waiters.filter((w) => {
      if (this.items.length < w.count) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once `count` items have arrived. */
  waitFor(count: number): Promise<void> {
    if (this.items.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}

export interface HttpReceiver {
  url: string;
  inbox: Inbox<Received>;
  received: Received[];
  respond: Responder;
  close(): Promise<void>;
}

export async function httpReceiver(respond: Responder): Promise<HttpReceiver> {
  const inbox = new Inbox<Received>();
  const receiver = { respond } as HttpReceiver;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: Received = {
        at: performance.timeOrigin + performance.now(),
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const reply = receiver.respond(request, inbox.items.length);
      inbox.push(request);
      if (reply === "hang") return;
      res.writeHead(reply.status, { "content-type": "text/plain", ...reply.headers });
      res.end(reply.body ?? "");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    inbox,
    received: inbox.items,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

export const slackOk: Responder = () => ({ status: 200, body: "ok" });
export const pagerDutyOk: Responder = (req) => ({
  status: 202,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    status: "success",
    message: "Event processed",
    dedup_key: JSON.parse(req.body).dedup_key,
  }),
});
export const twilioOk: Responder = (_req, i) => ({
  status: 201,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ sid: `SM${String(i).padStart(32, "0")}`, status: "queued" }),
});
export const twilioError = (status: number, code: number, message: string): Reply => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  }),
});

export interface SmtpReceiver {
  url: string;
  inbox: Inbox<ParsedMail & { at: number; raw: string }>;
  mails: Array<ParsedMail & { at: number; raw: string }>;
  /** Set to make the server refuse or stall messages. */
  mode: "accept" | "reject-550" | "reject-451" | "hang";
  close(): Promise<void>;
}

/**
 * `parse: false` answers 250 as soon as the message is in, like a real server
 * queueing it, and keeps only the raw text: the benchmark's receivers must not
 * spend the measured time parsing MIME.
 */
export async function smtpReceiver(
  auth?: { user: string; pass: string },
  behaviour: { parse?: boolean } = {},
): Promise<SmtpReceiver> {
  const inbox = new Inbox<ParsedMail & { at: number; raw: string }>();
  const receiver = { mode: "accept" } as SmtpReceiver;
  const options: SMTPServerOptions = {
    disabledCommands: auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !auth,
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 200,
    // A loopback receiver has no use for the client's DNS name, and the lookup is slow offline.
    disableReverseLookup: true,
    onAuth(credentials, _session, callback) {
      if (credentials.username === auth?.user && credentials.password === auth?.pass) {
        callback(null, { user: credentials.username });
      } else callback(Object.assign(new Error("Invalid credentials"), { responseCode: 535 }));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const at = performance.timeOrigin + performance.now();
        if (receiver.mode === "hang") return;
        if (receiver.mode !== "accept") {
          const code = receiver.mode === "reject-550" ? 550 : 451;
          callback(
            Object.assign(new Error(`${code} refused by test server`), { responseCode: code }),
          );
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed = behaviour.parse === false ? ({} as ParsedMail) : await simpleParser(raw);
        inbox.push(Object.assign(parsed, { at, raw }));
        callback();
      });
    },
  };
  const server = new SMTPServer(options);
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  const { port } = server.server.address() as AddressInfo;
  const credentials = auth
    ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@`
    : "";
  return Object.assign(receiver, {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    inbox,
    mails: inbox.items,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
