/**
 * One step of a journey as plain data, so Playwright specs and Artillery
 * scenarios send the same request and judge the answer the same way.
 */
export interface JourneyRequest {
  method: "GET" | "POST";
  /** Path (and query) relative to the part's base URL. */
  path: string;
  headers?: Record<string, string>;
  json?: Record<string, unknown>;
}

/** Why an answer is wrong, in words fit for a test failure; undefined when it is right. */
export type Problem = string | undefined;

/** A response body as an object whatever came back (HTML, nothing, an array). */
export function asRecord(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === "object" && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/** The backend's and Supabase's JSON errors, shortened to their code for messages. */
export function errorSummary(body: unknown): string {
  const record = asRecord(body);
  const error = asRecord(record.error);
  return JSON.stringify(
    error.code ?? record.error_code ?? record.code ?? record.error ?? record.msg ?? body ?? null,
  );
}
