import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A platform API on loopback: routes answer what the real API documents, any
// request without the expected Bearer token gets the 401 the real one sends,
// and a test can make any route fail its own way (a status, a body that is
// not JSON, a stall) for the requests that follow.

export interface Reply {
  status?: number;
  /** Sent as JSON unless `body` is given. */
  json?: unknown;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Before the headers. */
  delayMs?: number;
  /** Headers sent, then the body held back this long. */
  stallBodyMs?: number;
}

export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

/** `documented` is the route's own answer, for an override that changes only some requests. */
export type Route = (request: Received, documented: () => Reply) => Reply;

export interface FakeApi {
  /** The origin, e.g. http://127.0.0.1:41234. */
  url: string;
  received: Received[];
  /** Replaces the answer of `METHOD /path` (query ignored), or of every route for "*", until reset. */
  override(route: string, reply: Reply | Route): void;
  /** Added before every answer until reset, ms. */
  latencyMs: number;
  /** Back to the documented answers; forgets what was received. */
  reset(): void;
  close(): Promise<void>;
}

// Unref'd: a stalled reply the client gave up on must not keep the test process alive.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export async function fakeApi(token: string, routes: Record<string, Route>): Promise<FakeApi> {
  const overrides = new Map<string, Route>();
  const received: Received[] = [];

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://loopback");
    const text = await readBody(req);
    const request: Received = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: text ? JSON.parse(text) : undefined,
    };
    received.push(request);
    const key = `${request.method} ${request.path}`;
    const notFound = (): Reply => ({ status: 404, json: { message: "Not Found" } });
    const own = routes[key];
    const documented = (): Reply => (own ? own(request, notFound) : notFound());
    const route = overrides.get(key) ?? overrides.get("*");
    const reply: Reply =
      request.authorization !== `Bearer ${token}`
        ? { status: 401, json: { error: { code: "forbidden", message: "Not authorized" } } }
        : route
          ? route(request, documented)
          : documented();
    const delay = api.latencyMs + (reply.delayMs ?? 0);
    if (delay > 0) await sleep(delay);
    if (res.destroyed) return;
    const body = reply.body ?? JSON.stringify(reply.json ?? null);
    res.writeHead(reply.status ?? 200, {
      "content-type": reply.contentType ?? "application/json; charset=utf-8",
      ...reply.headers,
    });
    if (reply.stallBodyMs) {
      res.flushHeaders();
      await sleep(reply.stallBodyMs);
      if (res.destroyed) return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const api: FakeApi = {
    url: `http://127.0.0.1:${port}`,
    received,
    latencyMs: 0,
    override(route, reply) {
      overrides.set(route, typeof reply === "function" ? reply : () => reply);
    },
    reset() {
      overrides.clear();
      received.length = 0;
      api.latencyMs = 0;
    },
    close() {
      // Stalled replies would hold close() open until their timers end.
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** A loopback port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
