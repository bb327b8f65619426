import { isIP } from "node:net";
import type { FastifyRequest } from "fastify";
import type { SupabaseContext } from "../context.ts";

const LOCALHOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1", "0.0.0.0"]);

/**
 * GoTrue's IsRedirectURLValid without an allow-list: the site's own scheme and
 * host (any port on loopback), or a loopback IP address.
 */
export function isAllowedRedirect(siteUrl: string, candidate: string): boolean {
  let site: URL;
  let target: URL;
  try {
    site = new URL(siteUrl);
    target = new URL(candidate);
  } catch {
    return false;
  }
  if (
    site.hostname === target.hostname &&
    site.protocol === target.protocol &&
    (site.port === target.port || LOCALHOSTS.has(target.hostname))
  ) {
    return true;
  }
  const host = target.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return host === "::1" || host.startsWith("127.");
  return false;
}

/** GoTrue's GetReferrer: redirect_to (header or query), else Referer, else the site URL. */
export function referrer(request: FastifyRequest, context: SupabaseContext): string {
  const header = request.headers.redirect_to;
  const query = (request.query as Record<string, string | undefined>).redirect_to;
  const requested = (Array.isArray(header) ? header[0] : header) || query || "";
  if (isAllowedRedirect(context.siteUrl, requested)) return requested;
  const referer = request.headers.referer ?? "";
  if (isAllowedRedirect(context.siteUrl, referer)) return referer;
  return context.siteUrl;
}
