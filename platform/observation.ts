// What a test saw of the target on the wire, kept for the failure signatures:
// each request's status, timing and the few headers the platforms use to say
// who answered and why (Vercel's x-vercel-*, Render's rndr-id). Bodies are
// kept only for error replies, short, and never leave the worker: a signature
// quotes at most an error code from them.

export interface Observation {
  method: string;
  url: string;
  status?: number;
  /** The request's own failure (refused, reset, DNS, TLS, timeout), when it got no reply. */
  error?: string;
  ms?: number;
  /** Lower-case names; only those in SIGNATURE_HEADERS. */
  headers: Record<string, string>;
  /** The start of an error reply's body (status >= 400, text or JSON). */
  body?: string;
}

export const SIGNATURE_HEADERS = [
  "server",
  "x-vercel-id",
  "x-vercel-cache",
  "x-vercel-error",
  "rndr-id",
  "x-render-origin-server",
  "x-render-routing",
  "retry-after",
  "content-type",
  "set-cookie",
] as const;

export const ERROR_BODY_CHARS = 2_000;

/** The headers a signature may read, from any header record. */
export function signatureHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined || !(SIGNATURE_HEADERS as readonly string[]).includes(key)) continue;
    // Only cookie names matter (Vercel's protection sets _vercel_sso_nonce); values may be secrets.
    const text = Array.isArray(value) ? value.join("\n") : value;
    kept[key] = key === "set-cookie" ? cookieNames(text) : text;
  }
  return kept;
}

function cookieNames(header: string): string {
  return header
    .split(/\n|,(?=\s*[\w-]+=)/)
    .map((cookie) => cookie.split("=", 1)[0]?.trim() ?? "")
    .filter(Boolean)
    .join(", ");
}
