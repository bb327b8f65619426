// Answers and query parameters, one way for every route: bad input is a 400
// naming the parameter, never a stack trace.
import type { ServerResponse } from "node:http";

export class BadParameter extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = "BadParameter";
  }
}

export class NotFound extends Error {
  override name = "NotFound";
}

export const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  // same-origin, not no-referrer: under no-referrer Chromium sends `Origin: null` on the
  // login form's same-origin post, which the cross-site check refuses.
  "referrer-policy": "same-origin",
} as const;

export function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...headers,
  });
  response.end(body);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  send(response, status, "application/json; charset=utf-8", `${JSON.stringify(body)}\n`, headers);
}

/** `days`: an integer 1…max, `fallback` when absent. */
export function daysParam(query: URLSearchParams, fallback: number, max = 90): number {
  const raw = query.get("days");
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max)
    throw new BadParameter("days", `days must be a whole number from 1 to ${max}, got "${raw}"`);
  return Number(raw);
}

/** An ISO 8601 instant (a date alone is its UTC midnight). */
export function instantParam(query: URLSearchParams, name: string, fallback: Date): Date {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  const time = iso.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(time))
    throw new BadParameter(name, `${name} must be an ISO 8601 date or instant, got "${raw}"`);
  return new Date(time);
}

/** A parameter from a closed set. */
export function choiceParam<T extends string>(
  query: URLSearchParams,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!(choices as readonly string[]).includes(raw))
    throw new BadParameter(name, `${name} must be one of ${choices.join(", ")}, got "${raw}"`);
  return raw as T;
}

export const DAY_MS = 86_400_000;
