// The monitor's own HTTP face: /healthz for a supervisor or load balancer
// (503 once cycles are overdue, so "the monitor is stuck" pages too),
// /metrics for Prometheus, and the dashboard (dashboard/) when one is given.
// Plain node:http: a few routes need no framework.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CycleStatus } from "./types.ts";

/** What the scheduler knows about its own progress; it alone decides when it is overdue. */
export interface HealthView {
  /** True once the next cycle is later than the scheduler allows (`overdueAfter` has passed). */
  overdue: boolean;
  lastCycle: { runId: string; status: CycleStatus; endedAt: string } | null;
  nextDueAt: string | null;
  overdueAfter: string | null;
}

export type HealthStatus = "ok" | "overdue" | "starting";

export interface HealthBody {
  status: HealthStatus;
  lastCycle: HealthView["lastCycle"];
  nextDueAt: string | null;
  overdueAfter: string | null;
}

export interface MonitorServerOptions {
  /** Default 127.0.0.1; 0.0.0.0 to be scraped from elsewhere. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  metrics: { text(): Promise<string>; readonly contentType: string };
  health: () => HealthView;
  /** Every other route: answers what it knows (true), or leaves the 404 to the server. */
  dashboard?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
  /** A route that threw (answered 500); the monitor logs it. */
  onError?: (error: unknown) => void;
}

export interface MonitorServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function healthBodyOf(view: HealthView): HealthBody {
  const status: HealthStatus = view.overdue ? "overdue" : view.lastCycle ? "ok" : "starting";
  return {
    status,
    lastCycle: view.lastCycle,
    nextDueAt: view.nextDueAt,
    overdueAfter: view.overdueAfter,
  };
}

function send(response: ServerResponse, status: number, type: string, body: string) {
  response.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  send(response, status, "application/json; charset=utf-8", `${JSON.stringify(body)}\n`);
}

const ROUTES = new Set(["/healthz", "/metrics"]);

async function handle(
  options: MonitorServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const path = new URL(request.url ?? "/", "http://monitor.invalid").pathname;
  if (!ROUTES.has(path)) {
    if (options.dashboard && (await options.dashboard(request, response))) return;
    return sendJson(response, 404, { error: "not found", routes: [...ROUTES] });
  }
  // HEAD is GET without the body (node drops it), which probes often use.
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("allow", "GET, HEAD");
    return sendJson(response, 405, { error: `${request.method} is not allowed on ${path}` });
  }
  if (path === "/healthz") {
    const body = healthBodyOf(options.health());
    return sendJson(response, body.status === "overdue" ? 503 : 200, body);
  }
  return send(response, 200, options.metrics.contentType, await options.metrics.text());
}

export async function startMonitorServer(options: MonitorServerOptions): Promise<MonitorServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      // The cause stays in the process (it may name internals); the client learns it failed.
      options.onError?.(error);
      if (!response.headersSent) sendJson(response, 500, { error: "internal error" });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(new Error(`monitor server: cannot listen on ${host}:${options.port} (${error.code})`));
    server.once("error", failed);
    server.listen(options.port, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // A scraper's keep-alive connection would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
