import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { badRequest } from "./errors.ts";

/**
 * Decodes a JSON request body like GoTrue's retrieveRequestParams: whatever the
 * content type, the body must be JSON whose fields have the expected types;
 * unknown fields are ignored and JSON `null` counts as an empty object.
 * The auth plugin's content parser hands the raw text over as a string.
 */
export function readBody<S extends z.ZodType>(
  request: FastifyRequest,
  schema: S,
  options: { optional?: boolean } = {},
): z.infer<S> {
  const raw = typeof request.body === "string" ? request.body : "";
  if (raw.trim() === "" && options.optional) return schema.parse({});
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    // Node's parse messages quote the input, which may hold a password.
    const reason = raw.trim() === "" ? "unexpected end of JSON input" : "invalid JSON syntax";
    throw badRequest("bad_json", `Could not parse request body as JSON: ${reason}`);
  }
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "body";
    throw badRequest(
      "bad_json",
      `Could not parse request body as JSON: ${field} has the wrong type`,
    );
  }
  return parsed.data;
}

/** A JSON string field; JSON null reads as absent, as for a Go string. */
export const text = () => z.string().nullish();
export const flag = () => z.boolean().nullish();
/** A JSON object field (Go map[string]interface{}). */
export const jsonObject = () => z.record(z.string(), z.unknown()).nullish();
