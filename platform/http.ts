import type { z } from "zod";
import type { PlatformName } from "./types.ts";

// One bounded JSON request to a platform's API with its Bearer token, and
// every way it can go wrong turned into one sentence that names the platform,
// what was asked (in words and as method and path) and the cause. No message
// carries the token, a reply body or a URL's query: a gap reason travels into
// reports and alerts.

export interface ApiTarget {
  platform: PlatformName;
  /** How messages name the platform: "Vercel", "Render", "Supabase". */
  label: string;
  /** An origin without a path; requests append /v6/…, /v1/…. */
  apiUrl: string;
  token: string;
  /** The variable the token came from, named when it is refused. */
  tokenVariable: string;
  timeoutMs: number;
}

export interface ApiRequest<T> {
  method?: "GET" | "POST" | "PATCH";
  /** Path from the origin, its dynamic parts already encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** What was asked, for messages: "the production deployments". */
  what: string;
  /** The variable (or argument) that names what was asked, for a 404. */
  idVariable: string;
  schema: z.ZodType<T>;
}

export type ApiFailure =
  | "refused"
  | "not-found"
  | "rate-limited"
  | "server-error"
  | "timeout"
  | "network"
  | "not-json"
  | "wrong-shape"
  | "rejected";

export class PlatformApiError extends Error {
  constructor(
    readonly platform: PlatformName,
    readonly failure: ApiFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "PlatformApiError";
  }
}

export async function requestJson<T>(api: ApiTarget, request: ApiRequest<T>): Promise<T> {
  const url = new URL(request.path, api.apiUrl);
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const method = request.method ?? "GET";
  // The path holds ids (project, service, ref), never the query or the token.
  const asked = `${request.what} at ${method} ${url.pathname}`;
  const fail = (failure: ApiFailure, text: string, status?: number): never => {
    throw new PlatformApiError(api.platform, failure, scrub(text, api.token), status);
  };
  const headers: Record<string, string> = {
    authorization: `Bearer ${api.token}`,
    accept: "application/json",
  };
  if (request.body !== undefined) headers["content-type"] = "application/json";

  let status: number;
  let text: string;
  let contentType: string;
  let retryAfter: string | null;
  try {
    // Redirects are not followed: the Authorization header is not for another host.
    const response = await fetch(url, {
      method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      redirect: "manual",
      signal: AbortSignal.timeout(api.timeoutMs),
    });
    status = response.status;
    contentType = response.headers.get("content-type") ?? "";
    retryAfter = response.headers.get("retry-after");
    // The timeout bounds the body too: a reply that stalls halfway is a timeout.
    text = await response.text();
  } catch (error) {
    if (isTimeout(error)) {
      return fail("timeout", `${api.label} did not answer ${asked} within ${api.timeoutMs} ms`);
    }
    return fail(
      "network",
      `${api.label} could not be reached for ${asked} (${networkCause(error)})`,
    );
  }

  if (status === 401 || status === 403) {
    return fail(
      "refused",
      `${api.label} refused ${api.tokenVariable} for ${asked} (HTTP ${status}): the token is invalid, expired or lacks the scope`,
      status,
    );
  }
  if (status === 404) {
    return fail(
      "not-found",
      `${api.label} found nothing for ${asked} (HTTP 404): check ${request.idVariable}`,
      status,
    );
  }
  if (status === 429) {
    const wait = retryAfter && /^\d+$/.test(retryAfter) ? `; retry after ${retryAfter} s` : "";
    return fail("rate-limited", `${api.label} rate-limited ${asked} (HTTP 429)${wait}`, status);
  }
  if (status >= 500) {
    return fail(
      "server-error",
      `${api.label} had a server error on ${asked} (HTTP ${status})`,
      status,
    );
  }
  if (status < 200 || status >= 300) {
    const said = apiMessage(text);
    return fail(
      "rejected",
      `${api.label} rejected ${asked} (HTTP ${status})${said ? `: ${said}` : ""}`,
      status,
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const kind = contentType.split(";")[0]?.trim() || "no content type";
    return fail("not-json", `${api.label}'s reply to ${asked} is not JSON (${kind})`);
  }
  const parsed = request.schema.safeParse(json);
  if (!parsed.success) {
    return fail(
      "wrong-shape",
      `${api.label}'s reply to ${asked} is not the documented shape: ${shapeProblem(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** The first problem of a reply, by field path; zod's wording, without the value it received. */
function shapeProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "unreadable";
  const field = issue.path.length > 0 ? issue.path.join(".") : "the reply itself";
  if (issue.code === "invalid_type") {
    const missing = /received undefined/.test(issue.message);
    const article = /^[aeiou]/.test(issue.expected) ? "an" : "a";
    return missing ? `${field} is missing` : `${field} is not ${article} ${issue.expected}`;
  }
  if (issue.code === "invalid_value") return `${field} has an undocumented value`;
  return `${field} is malformed`;
}

/** A short error text the API put in its body (`error.message`, `message`), if any. */
function apiMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const said =
      typeof body.error === "object" && typeof body.error?.message === "string"
        ? body.error.message
        : typeof body.message === "string"
          ? body.message
          : typeof body.error === "string"
            ? body.error
            : undefined;
    return said?.replace(/\s+/g, " ").trim().slice(0, 200) || undefined;
  } catch {
    return undefined;
  }
}

/** Whether a fetch ended by its AbortSignal.timeout (on the request or while reading the body). */
export function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return (
    name === "TimeoutError" ||
    (error as { cause?: { name?: string } }).cause?.name === "TimeoutError"
  );
}

/** `fetch failed` says nothing: the cause's code (ECONNREFUSED, ENOTFOUND) does. */
export function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? "unknown error";
}

/** A message with every occurrence of the token cut out, whatever put it there. */
export function scrub(text: string, ...tokens: string[]): string {
  let result = text;
  for (const secret of tokens) {
    if (secret.length === 0) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      result = result.split(form).join("(token)");
  }
  return result;
}
