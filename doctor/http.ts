import { asRecord } from "../journeys/request.ts";
import { TIMEOUT_MS } from "./check.ts";

// One bounded request and what came of it, as data the checks judge: an
// answer (status, headers, body, time) or why there was none.

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Where the answer came from after redirects. */
  url: string;
  ms: number;
}

export type Probe = { answer: Answer } | { error: string; timedOut: boolean; ms: number };

export interface ProbeOptions {
  method?: "GET" | "OPTIONS";
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Larger bodies are cut: the checks read headers, a JSON object or a page's forms. */
const MAX_BODY_CHARS = 1_000_000;

export async function probe(url: string, options: ProbeOptions = {}): Promise<Probe> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: options.method ?? "GET",
      headers: options.headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.text()).slice(0, MAX_BODY_CHARS);
    return {
      answer: {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body,
        url: response.url || url,
        ms: elapsed(),
      },
    };
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    const reason = timedOut ? `no answer within ${timeoutMs / 1000} s` : failureReason(error);
    return { error: reason, timedOut, ms: elapsed() };
  }
}

/** The JSON object a body holds, or an empty object. */
export function jsonObject(body: string): Record<string, unknown> {
  try {
    return asRecord(JSON.parse(body));
  } catch {
    return {};
  }
}

/** `fetch failed` says nothing: the cause's code (ECONNREFUSED, ENOTFOUND) does. */
function failureReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
