import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import type { AppName } from "../apps.ts";
import type { FaultSwitches } from "../faults.ts";
import type { RunningServer } from "../running.ts";
import { FrontendAssets } from "./assets.ts";
import { type FrontendShape, type PageSender, renderDocument } from "./document.ts";
import {
  ASSET_CACHE_CONTROL,
  contentSecurityPolicy,
  HTML_CACHE_CONTROL,
  vercelHeaders,
} from "./headers.ts";
import { spaShape } from "./spa/shape.ts";
import { type SupabaseForPages, ssrShape } from "./ssr/shape.ts";
import { registerVercelEdge } from "./vercel-edge.ts";

export type { SupabaseForPages } from "./ssr/shape.ts";

export interface FrontendOptions {
  host: string;
  port: number;
  /** The only thing the spa frontend knows about the backend; it ships no secret. */
  backendUrl: string;
  /** Only used by the key-leaked fault, which inlines it into the bundle. */
  serviceRoleKey: string;
  faults: FaultSwitches;
  /** Which app to serve; default spa. */
  app?: AppName;
  /** The Supabase project the ssr pages use (required for app ssr). */
  supabase?: SupabaseForPages;
  /** The bypass secret Deployment Protection accepts under fault vercel-protection. */
  protectionBypass?: string;
}

function shapeOf(options: FrontendOptions): FrontendShape {
  if (options.app !== "ssr") return spaShape(options.backendUrl);
  if (!options.supabase) throw new Error("the ssr frontend needs options.supabase");
  return ssrShape(options.supabase);
}

/** The frontend (Vercel's role): the app's pages and its fingerprinted bundle. */
export async function startFrontend(options: FrontendOptions): Promise<RunningServer> {
  const { faults } = options;
  const shape = shapeOf(options);
  const assets = await FrontendAssets.load(options.serviceRoleKey, shape.bundle);
  const csp = contentSecurityPolicy(shape.connectTo);
  const faultState = () => ({
    leakKey: faults.on("key-leaked"),
    crash: faults.on("frontend-js-error"),
  });

  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  app.addHook("onRequest", async (_request, reply) => {
    reply.headers(vercelHeaders(csp));
  });
  registerVercelEdge(app, { faults, protectionBypass: options.protectionBypass });

  const sendPage: PageSender = (reply, page, { status = 200, cacheControl } = {}) =>
    reply
      .code(status)
      .header("cache-control", cacheControl ?? HTML_CACHE_CONTROL)
      .type("text/html; charset=utf-8")
      .send(renderDocument(shape, page, assets.forPage(faultState())));

  for (const [path, page] of Object.entries(shape.pages)) {
    app.get(path, (_request, reply) => sendPage(reply, page));
  }
  shape.serverRoutes?.(app, sendPage);
  app.get("/assets/*", (request, reply) => {
    const asset = assets.find(request.url.split("?")[0] ?? "", faultState());
    if (!asset) return sendPage(reply, shape.notFound, { status: 404 });
    return reply
      .header("cache-control", ASSET_CACHE_CONTROL)
      .type(asset.contentType)
      .send(asset.body);
  });
  app.setNotFoundHandler((_request, reply) => sendPage(reply, shape.notFound, { status: 404 }));
  app.setErrorHandler((_error, _request, reply) =>
    reply.code(500).header("cache-control", "no-store").type("text/plain").send("Internal error"),
  );

  await app.listen({ host: options.host, port: options.port });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, close: () => app.close() };
}
