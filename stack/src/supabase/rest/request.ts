import type { FastifyRequest } from "fastify";
import { EXPOSED_SCHEMA } from "./catalog.ts";
import { invalidBody, RestError } from "./errors.ts";
import type { RequestAuth } from "./jwt.ts";
import type { RequestContext } from "./transaction.ts";

/** The raw query string (after `?`), untouched by Fastify's parser. */
export function rawQuery(request: FastifyRequest): string {
  const at = request.url.indexOf("?");
  return at < 0 ? "" : request.url.slice(at + 1);
}

/** The path below /rest/v1, as PostgREST sees it. */
export function restPath(request: FastifyRequest): string {
  const path = request.url.split("?")[0] ?? "";
  return path.replace(/^\/rest\/v1/, "") || "/";
}

/**
 * `Accept-Profile` (reads) or `Content-Profile` (writes) may only name the
 * exposed schema. Returns whether a profile was named, since the response
 * then carries `Content-Profile`.
 */
export function checkProfile(request: FastifyRequest): boolean {
  const reading = request.method === "GET" || request.method === "HEAD";
  const header = request.headers[reading ? "accept-profile" : "content-profile"];
  const profile = Array.isArray(header) ? header[0] : header;
  if (profile === undefined) return false;
  if (profile !== EXPOSED_SCHEMA) {
    throw new RestError(
      406,
      "PGRST106",
      `Invalid schema: ${profile}`,
      null,
      `Only the following schemas are exposed: ${EXPOSED_SCHEMA}`,
    );
  }
  return true;
}

export function requestContext(request: FastifyRequest, auth: RequestAuth): RequestContext {
  return {
    auth,
    method: request.method,
    path: restPath(request),
    headers: request.headers,
    readOnly: request.method === "GET" || request.method === "HEAD",
  };
}

/** A JSON body: its text for Postgres and the keys it sets. */
export interface JsonPayload {
  readonly raw: string;
  readonly keys: readonly string[];
}

/**
 * Reads a JSON body as PostgREST does: any parse failure is "Empty or invalid
 * json"; unless `columns=` names the keys, an array must hold objects with one
 * set of keys; other JSON values insert nothing.
 */
export function readJsonPayload(request: FastifyRequest, columns?: readonly string[]): JsonPayload {
  const contentType = String(request.headers["content-type"] ?? "application/json")
    .split(";")[0]
    ?.trim()
    .toLowerCase();
  if (contentType !== "application/json" && contentType !== "") {
    throw invalidBody(`Content-Type not acceptable: ${contentType}`);
  }
  const raw = typeof request.body === "string" ? request.body : "";
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidBody("Empty or invalid json");
  }
  if (columns) return { raw, keys: columns };
  if (Array.isArray(value)) {
    if (value.length === 0) return { raw, keys: [] };
    const keySets = value.map((item) =>
      item && typeof item === "object" && !Array.isArray(item)
        ? Object.keys(item).sort().join("\u0000")
        : undefined,
    );
    if (keySets.some((keys) => keys === undefined || keys !== keySets[0])) {
      throw invalidBody("All object keys must match");
    }
    return { raw, keys: Object.keys(value[0] as object) };
  }
  if (value && typeof value === "object") return { raw, keys: Object.keys(value) };
  return { raw: "[]", keys: [] };
}
