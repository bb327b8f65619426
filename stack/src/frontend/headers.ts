import { randomBytes } from "node:crypto";

export const HTML_CACHE_CONTROL = "public, max-age=0, must-revalidate";
export const ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** Scripts only from our own origin (no inline script), fetches to us and the APIs the page calls. */
export function contentSecurityPolicy(connectTo: readonly string[]): string {
  return [
    "default-src 'self'",
    ["connect-src 'self'", ...connectTo.map((url) => new URL(url).origin)].join(" "),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** An id shaped like Vercel's: edge region, function region, then a unique part. */
function vercelId(): string {
  const random = randomBytes(10).toString("hex");
  return `cdg1::iad1::${random.slice(0, 5)}-${Date.now()}-${random.slice(5, 17)}`;
}

/** What Vercel puts on every response of a static deployment. */
export function vercelHeaders(csp: string): Record<string, string> {
  return {
    server: "Vercel",
    "x-vercel-id": vercelId(),
    "x-vercel-cache": "MISS",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "strict-transport-security": "max-age=63072000",
    "content-security-policy": csp,
  };
}
