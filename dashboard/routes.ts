// The dashboard's routes on the monitor's server: the public status page,
// the login, the private pages and their JSON. `handle` answers a request it
// knows, or says it does not (the server then answers 404).
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { HistoryUnavailableError } from "../monitor/history/index.ts";
import { assetList, contentTypeOf, PAGES_DIR, type PageName, readPage } from "./assets.ts";
import { type Access, DashboardAuth } from "./auth.ts";
import { checkPage, REPORT_PATH } from "./check.ts";
import {
  BadParameter,
  choiceParam,
  daysParam,
  instantParam,
  NotFound,
  PAGE_HEADERS,
  send,
  sendJson,
} from "./http.ts";
import { incidents } from "./incidents.ts";
import { overview, publicStatus } from "./overview.ts";
import { slaCsv, slaFigures } from "./sla.ts";
import type { DashboardSource } from "./source.ts";
import { timings } from "./timings.ts";

/** How long one computation of the public status serves every visitor. */
const PUBLIC_CACHE_MS = 30_000;

export interface DashboardOptions {
  source: DashboardSource;
  /** MONITOR_DASHBOARD_TOKEN; none: private routes only on a loopback listener. */
  token?: string | undefined;
  /** The listener's host (MONITOR_HOST). */
  host: string;
  pagesDir?: string | undefined;
}

export type DashboardHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<boolean>;

const PRIVATE_PAGES: Record<string, PageName> = {
  "/": "overview",
  "/timings": "timings",
  "/incidents": "incidents",
  "/sla": "sla",
};
const LOGIN_BODY_BYTES = 4096;
const RUN_DIR = /^[\w.-]{1,100}$/;

export function createDashboard(options: DashboardOptions): DashboardHandler {
  const auth = new DashboardAuth({ token: options.token, host: options.host });
  const pagesDir = options.pagesDir ?? PAGES_DIR;
  const assets = assetList(pagesDir);
  const { source } = options;

  const page = async (response: ServerResponse, name: PageName, status = 200) => {
    const html = await readPage(name, pagesDir);
    if (html === undefined)
      return sendJson(response, 404, { error: `the ${name} page is missing (dashboard/pages/)` });
    send(response, status, "text/html; charset=utf-8", html, { ...PAGE_HEADERS });
  };

  const refuse = async (
    request: IncomingMessage,
    response: ServerResponse,
    access: Access,
    api: boolean,
  ) => {
    if (access === "no-token-off-loopback")
      return sendJson(response, 403, {
        error:
          "the private dashboard needs MONITOR_DASHBOARD_TOKEN when the monitor listens beyond loopback (MONITOR_HOST)",
      });
    if (access === "foreign-host")
      return sendJson(response, 403, {
        error:
          "without MONITOR_DASHBOARD_TOKEN the private dashboard answers only to a loopback Host (localhost, 127.0.0.1, [::1])",
      });
    if (access === "limited")
      return sendJson(
        response,
        429,
        { error: "too many wrong tokens from this address: wait a minute" },
        { "retry-after": String(auth.retryAfter(request.socket.remoteAddress ?? "")) },
      );
    if (api || request.method !== "GET") {
      return sendJson(
        response,
        401,
        {
          error:
            access === "missing"
              ? "this needs the dashboard token"
              : "wrong token or expired session",
        },
        { "www-authenticate": 'Bearer realm="monitor dashboard"' },
      );
    }
    // A page asks the browser to log in: the login form, answered 401.
    return page(response, "login", 401);
  };

  // The public answer changes once a cycle at most, and anyone may ask for it: one
  // computation serves everyone for a while, so visitors cannot load the history at will.
  let publicAnswer: { at: number; body: Promise<unknown> } | undefined;
  const publicStatusCached = (): Promise<unknown> => {
    const at = Date.now();
    if (!publicAnswer || at - publicAnswer.at >= PUBLIC_CACHE_MS) {
      const body = publicStatus(source);
      publicAnswer = { at, body };
      // A failed computation is not kept.
      body.catch(() => {
        if (publicAnswer?.body === body) publicAnswer = undefined;
      });
    }
    return publicAnswer.body;
  };

  const api = async (route: string, query: URLSearchParams): Promise<unknown> => {
    if (route === "/api/overview") return overview(source);
    if (route === "/api/timings") return timings(source, daysParam(query, 7));
    if (route === "/api/incidents") return incidents(source, daysParam(query, 30));
    if (route.startsWith("/api/checks/")) {
      const id = decodeSegment(route.slice("/api/checks/".length));
      return checkPage(source, id, daysParam(query, 7));
    }
    return undefined;
  };

  return async (request, response) => {
    const url = new URL(request.url ?? "/", "http://monitor.invalid");
    const route = url.pathname;
    const method = request.method ?? "GET";
    const reading = method === "GET" || method === "HEAD";
    try {
      if (route === "/status" || route === "/api/status") {
        if (!reading) return notAllowed(response, route, "GET, HEAD");
        if (route === "/status") await page(response, "status");
        else sendJson(response, 200, await publicStatusCached());
        return true;
      }
      if (route === "/favicon.ico") {
        // Browsers ask for it on every page; no icon, and no 404 in their consoles.
        response.writeHead(204, { "cache-control": "max-age=86400" }).end();
        return true;
      }
      if (route.startsWith("/assets/")) {
        if (!reading) return notAllowed(response, route, "GET, HEAD");
        const file = assets.get(route.slice("/assets/".length));
        if (!file) return false;
        const body = await readFile(file).catch(() => undefined);
        if (!body) return false;
        send(response, 200, contentTypeOf(file), body, { "cache-control": "no-cache" });
        return true;
      }
      if (route === "/login") {
        if (method === "POST") await login(request, response);
        else if (reading) await page(response, "login");
        else return notAllowed(response, route, "GET, HEAD, POST");
        return true;
      }
      if (route === "/logout") {
        if (method !== "POST") return notAllowed(response, route, "POST");
        if (!sameOrigin(request)) {
          forbiddenOrigin(response);
          return true;
        }
        response.setHeader("set-cookie", auth.cookie(request, "", 0));
        send(response, 303, "text/plain; charset=utf-8", "logged out\n", { location: "/login" });
        return true;
      }

      const isPage = route in PRIVATE_PAGES || /^\/checks\/[^/]+$/.test(route);
      const isApi = route === "/api/sla" || isApiRoute(route);
      const isArtifact = route.startsWith("/artifacts/");
      if (!isPage && !isApi && !isArtifact) return false;
      if (!reading) return notAllowed(response, route, "GET, HEAD");
      const access = auth.check(request);
      if (access !== "granted") {
        await refuse(request, response, access, !isPage);
        return true;
      }
      if (isPage) {
        await page(response, PRIVATE_PAGES[route] ?? "check");
        return true;
      }
      if (isArtifact) return artifact(response, route);
      if (route === "/api/sla") {
        const format = choiceParam(url.searchParams, "format", ["json", "csv"] as const, "json");
        const to = url.searchParams.has("to")
          ? instantParam(url.searchParams, "to", new Date())
          : undefined;
        const from = url.searchParams.has("from")
          ? instantParam(url.searchParams, "from", new Date())
          : undefined;
        const figures = await slaFigures(source, { from, to });
        if (format === "csv") {
          const name = `sla-${figures.from.slice(0, 10)}-${figures.to.slice(0, 10)}.csv`;
          send(response, 200, "text/csv; charset=utf-8", slaCsv(figures), {
            "content-disposition": `attachment; filename="${name}"`,
          });
        } else sendJson(response, 200, figures);
        return true;
      }
      const body = await api(route, url.searchParams);
      if (body === undefined) return false;
      sendJson(response, 200, body);
      return true;
    } catch (error) {
      if (response.headersSent) throw error;
      if (error instanceof BadParameter) {
        sendJson(response, 400, { error: error.message, parameter: error.parameter });
        return true;
      }
      if (error instanceof NotFound) {
        sendJson(response, 404, { error: error.message });
        return true;
      }
      if (error instanceof HistoryUnavailableError) {
        sendJson(response, 503, {
          error: error.message,
          database: { ok: false, error: error.message },
        });
        return true;
      }
      throw error;
    }
  };

  async function login(request: IncomingMessage, response: ServerResponse) {
    if (!sameOrigin(request)) return forbiddenOrigin(response);
    const address = request.socket.remoteAddress ?? "unknown";
    if (!auth.tokenSet)
      return sendJson(response, 400, {
        error: "no MONITOR_DASHBOARD_TOKEN is set: there is nothing to log in with",
      });
    const form = new URLSearchParams(await readBody(request, LOGIN_BODY_BYTES));
    const outcome = auth.login(address, form.get("token") ?? "");
    if (outcome === "limited") {
      response.setHeader("retry-after", String(auth.retryAfter(address)));
      return page(response, "login", 429);
    }
    if (outcome === "wrong") return page(response, "login", 401);
    response.setHeader("set-cookie", auth.cookie(request, auth.session()));
    send(response, 303, "text/plain; charset=utf-8", "logged in\n", { location: "/" });
  }

  async function artifact(response: ServerResponse, route: string): Promise<boolean> {
    // /artifacts/<run id>/playwright-report/<file>: a cycle's own report, nothing else of its directory.
    const [runId, ...rest] = route.slice("/artifacts/".length).split("/").map(decodeSegment);
    const relative = rest.join("/");
    const reportDir = path.dirname(REPORT_PATH);
    if (
      !source.monitorDir ||
      !runId ||
      !RUN_DIR.test(runId) ||
      !relative.startsWith(`${reportDir}/`)
    )
      return false;
    const base = path.resolve(source.monitorDir, "cycles", runId, reportDir);
    const file = path.resolve(base, relative.slice(reportDir.length + 1));
    if (!file.startsWith(`${base}${path.sep}`)) return false;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return false;
    response.writeHead(200, {
      "content-type": contentTypeOf(file),
      "content-length": info.size,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      // The cycle's own Playwright report (made by our runner, every text in it escaped by the
      // report itself), behind the token like the rest. Not sandboxed: a sandbox without
      // allow-same-origin leaves it blank (it reads localStorage), and its trace viewer needs a
      // service worker of this origin. It may not be framed by anyone.
      "content-security-policy": "frame-ancestors 'none'",
    });
    createReadStream(file).pipe(response);
    return true;
  }
}

function isApiRoute(route: string): boolean {
  return (
    route === "/api/overview" ||
    route === "/api/timings" ||
    route === "/api/incidents" ||
    /^\/api\/checks\/[^/]+$/.test(route)
  );
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadParameter("id", "the path holds a malformed %-escape");
  }
}

function notAllowed(response: ServerResponse, route: string, allow: string): true {
  response.setHeader("allow", allow);
  sendJson(response, 405, { error: `that method is not allowed on ${route}` });
  return true;
}

/** A form posted from another site (Origin not ours) is refused. */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (!origin || origin === "null") return origin !== "null";
  const forwarded = request.headers["x-forwarded-host"];
  const hosts = [request.headers.host, ...(Array.isArray(forwarded) ? forwarded : [forwarded])];
  try {
    // Behind a proxy the Host may be the proxy's target; the forwarded host is the one the browser used.
    return hosts.includes(new URL(origin).host);
  } catch {
    return false;
  }
}

function forbiddenOrigin(response: ServerResponse): void {
  sendJson(response, 403, { error: "cross-origin form posts are refused" });
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BadParameter("token", "the login form is too large"));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
