import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Decision,
  decideRender,
  decideVercel,
  describeDelivery,
  type Trigger,
} from "./events.ts";
import { type DeliveryVerdict, type Journal, journalId } from "./journal.ts";
import { type SignatureVerdict, verifyRender, verifyVercel } from "./signatures.ts";

// The webhook receiver's HTTP face: each platform's route verifies the
// delivery's signature over the raw body, decides (events.ts) and hands a run
// to `accept`, answering at once; every delivery gets a journal line. Plain
// node:http: three routes need no framework, and the raw body must stay raw.

/** Deploy webhooks are a few KiB; anything far larger is not one. */
export const MAX_BODY_BYTES = 256 * 1024;

type Platform = "vercel" | "render";

const ROUTES: Record<string, Platform> = {
  "/webhooks/vercel": "vercel",
  "/webhooks/render": "render",
};

const SECRET_VARIABLE: Record<Platform, string> = {
  vercel: "VERCEL_WEBHOOK_SECRET",
  render: "RENDER_WEBHOOK_SECRET",
};

export interface ReceiverOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  secrets: { vercel?: string; render?: string };
  /** Deliveries about other projects or services are ignored; unset: none are. */
  only: { vercelProjectId?: string; renderServiceId?: string };
  journal: Journal;
  /** Queues a run; a delivery id seen before is a duplicate. */
  accept(trigger: Trigger): "queued" | "duplicate" | "stopping";
  health(): Record<string, unknown>;
  onError?(error: unknown): void;
}

export interface Receiver {
  url: string;
  port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent) reply(response, 500, { error: "internal error" });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: ReceiverOptions,
) {
  const pathname = new URL(request.url ?? "/", "http://receiver").pathname;
  if (pathname === "/healthz") {
    if (request.method !== "GET" && request.method !== "HEAD")
      return reply(response, 405, { error: "GET only" }, { allow: "GET" });
    return reply(response, 200, options.health());
  }
  const platform = ROUTES[pathname];
  if (!platform) return reply(response, 404, { error: "no such route" });
  if (request.method !== "POST")
    return reply(response, 405, { error: "POST only" }, { allow: "POST" });

  const journal = (
    verdict: DeliveryVerdict,
    extra: { deliveryId?: string; eventType?: string; reason?: string } = {},
  ) => {
    const deliveryId = journalId(extra.deliveryId);
    return options.journal.add({
      kind: "delivery",
      platform,
      ...(deliveryId ? { deliveryId } : {}),
      ...(extra.eventType ? { eventType: extra.eventType } : {}),
      verdict,
      ...(extra.reason ? { reason: extra.reason } : {}),
    });
  };

  const secret = options.secrets[platform];
  if (!secret) {
    request.resume();
    const error = `${SECRET_VARIABLE[platform]} is not set: this receiver cannot verify ${label(platform)} deliveries`;
    await journal("not-configured", { reason: `${SECRET_VARIABLE[platform]} is not set` });
    return reply(response, 503, { error });
  }

  const body = await readBody(request, MAX_BODY_BYTES);
  if (body === undefined) {
    await journal("too-large", { reason: `over ${MAX_BODY_BYTES} bytes` });
    return reply(
      response,
      413,
      { error: `the body is over ${MAX_BODY_BYTES} bytes` },
      { connection: "close" },
    );
  }

  const webhookId = header(request, "webhook-id");
  const verdict: SignatureVerdict =
    platform === "vercel"
      ? verifyVercel(body, header(request, "x-vercel-signature"), secret)
      : verifyRender(
          body,
          {
            id: webhookId,
            timestamp: header(request, "webhook-timestamp"),
            signature: header(request, "webhook-signature"),
          },
          secret,
        );
  let json: unknown;
  let parsed = true;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    parsed = false;
  }
  const described = describeDelivery(json, platform === "render" ? webhookId : undefined);
  const ids = {
    ...(described.eventId ? { deliveryId: described.eventId } : {}),
    ...(described.eventType ? { eventType: described.eventType } : {}),
  };
  if (!verdict.ok) {
    await journal("unauthorized", { ...ids, reason: verdict.reason });
    return reply(response, 401, {
      error: `${verdict.reason}: not a delivery from ${label(platform)}`,
    });
  }
  if (!parsed) {
    await journal("bad-json", ids);
    return reply(response, 400, { error: "the body is not JSON" });
  }

  const decision: Decision =
    platform === "vercel"
      ? decideVercel(json, {
          ...(options.only.vercelProjectId ? { projectId: options.only.vercelProjectId } : {}),
        })
      : decideRender(json, webhookId ?? "", {
          ...(options.only.renderServiceId ? { serviceId: options.only.renderServiceId } : {}),
        });
  if (decision.kind === "invalid") {
    await journal("invalid", { ...ids, reason: decision.reason });
    return reply(response, 400, { error: decision.reason });
  }
  if (decision.kind === "ignore") {
    await journal("ignored", { ...ids, reason: decision.reason });
    return reply(response, 200, { verdict: "ignored", reason: decision.reason });
  }
  const accepted = options.accept(decision.trigger);
  if (accepted === "stopping") {
    await journal("ignored", { ...ids, reason: "the receiver is stopping" });
    return reply(response, 503, { error: "the receiver is stopping" }, { "retry-after": "60" });
  }
  await journal(accepted, ids);
  return reply(response, accepted === "queued" ? 202 : 200, {
    verdict: accepted,
    deliveryId: decision.trigger.deliveryId,
  });
}

/** The raw body, or undefined once it passes `limit` bytes (the rest is not read). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(request.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      return resolve(undefined);
    }
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners("data");
        request.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function label(platform: Platform): string {
  return platform === "vercel" ? "Vercel" : "Render";
}

function reply(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  response.end(text);
}
