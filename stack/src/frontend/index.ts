import type { AddressInfo } from "node:net";
import Fastify, { type FastifyReply } from "fastify";
import type { FaultSwitches } from "../faults.ts";
import type { RunningServer } from "../running.ts";
import { FrontendAssets } from "./assets.ts";
import {
  ASSET_CACHE_CONTROL,
  contentSecurityPolicy,
  HTML_CACHE_CONTROL,
  vercelHeaders,
} from "./headers.ts";
import { type PageName, renderPage } from "./pages.ts";

export interface FrontendOptions {
  host: string;
  port: number;
  /** The only thing the frontend knows about the backend; it ships no secret. */
  backendUrl: string;
  /** Only used by the key-leaked fault, which inlines it into the bundle. */
  serviceRoleKey: string;
  faults: FaultSwitches;
}

const ROUTES: Record<string, PageName> = {
  "/": "home",
  "/register": "register",
  "/login": "login",
  "/dashboard": "dashboard",
};

/** The frontend (Vercel's role): server-rendered pages and one fingerprinted bundle. */
export async function startFrontend(options: FrontendOptions): Promise<RunningServer> {
  const { faults, backendUrl } = options;
  const assets = await FrontendAssets.load(options.serviceRoleKey);
  const csp = contentSecurityPolicy(backendUrl);
  const faultState = () => ({
    leakKey: faults.on("key-leaked"),
    crash: faults.on("frontend-js-error"),
  });

  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  app.addHook("onRequest", async (_request, reply) => {
    reply.headers(vercelHeaders(csp));
  });

  const sendPage = (reply: FastifyReply, name: PageName, status = 200) =>
    reply
      .code(status)
      .header("cache-control", HTML_CACHE_CONTROL)
      .type("text/html; charset=utf-8")
      .send(renderPage(name, assets.forPage(faultState()), backendUrl));

  for (const [path, name] of Object.entries(ROUTES)) {
    app.get(path, (_request, reply) => sendPage(reply, name));
  }
  app.get("/assets/*", (request, reply) => {
    const asset = assets.find(request.url.split("?")[0] ?? "", faultState());
    if (!asset) return sendPage(reply, "not-found", 404);
    return reply
      .header("cache-control", ASSET_CACHE_CONTROL)
      .type(asset.contentType)
      .send(asset.body);
  });
  app.setNotFoundHandler((_request, reply) => sendPage(reply, "not-found", 404));
  app.setErrorHandler((_error, _request, reply) =>
    reply.code(500).header("cache-control", "no-store").type("text/plain").send("Internal error"),
  );

  await app.listen({ host: options.host, port: options.port });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, close: () => app.close() };
}
