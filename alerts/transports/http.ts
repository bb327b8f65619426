import type { SendOutcome } from "./transport.ts";

export type HttpReply =
  | { kind: "status"; status: number; body: string; retryAfterMs?: number }
  | { kind: "timeout"; reason: string }
  /** `sent: false` means the request provably never left (connection refused, DNS). */
  | { kind: "network"; reason: string; sent: boolean };

const NEVER_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
const BODY_LIMIT = 2_000;

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code;
}

/** One HTTP request bounded by `signal`, reduced to what a retry decision needs. */
export async function request(
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string },
  signal: AbortSignal,
): Promise<HttpReply> {
  try {
    const response = await fetch(url, { ...init, signal, redirect: "manual" });
    const body = (await response.text()).slice(0, BODY_LIMIT);
    return {
      kind: "status",
      status: response.status,
      body,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
    };
  } catch (error) {
    if (signal.aborted) return { kind: "timeout", reason: "no answer within the time allowed" };
    const code = causeCode(error) ?? "network error";
    return { kind: "network", reason: `connection failed (${code})`, sent: !NEVER_SENT.has(code) };
  }
}

/** POSTs a JSON document: the whole job of the Slack, webhook and PagerDuty transports. */
export function postJson(
  url: string,
  body: unknown,
  signal: AbortSignal,
  headers: Record<string, string> = {},
) {
  return request(
    url,
    {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    },
    signal,
  );
}

/** The common reading of a status: 5xx, 408 and 429 are worth another try, other 4xx are final. */
export function retryForStatus(status: number): "yes" | "no" {
  return status >= 500 || status === 408 || status === 429 ? "yes" : "no";
}

/**
 * Maps a reply to a send outcome. For calls that are not idempotent (creating
 * an SMS), anything that may have reached the server is retried once at most.
 */
export function outcomeOf(
  reply: HttpReply,
  what: { service: string; idempotent: boolean; describe?: (body: string) => string },
): SendOutcome {
  const maybeSent = what.idempotent ? "yes" : "once";
  if (reply.kind === "timeout")
    return { ok: false, retry: maybeSent, reason: `${what.service}: ${reply.reason}` };
  if (reply.kind === "network") {
    return {
      ok: false,
      retry: reply.sent ? maybeSent : "yes",
      reason: `${what.service}: ${reply.reason}`,
    };
  }
  const detail = (what.describe ?? ((body: string) => body.trim().slice(0, 200)))(reply.body);
  if (reply.status >= 200 && reply.status < 300)
    return { ok: true, detail: `${reply.status} ${detail}`.trim() };
  const reason = `${what.service} answered ${reply.status}${detail ? ` ${detail}` : ""}`;
  if (reply.status === 429)
    return { ok: false, retry: "yes", retryAfterMs: reply.retryAfterMs, reason };
  const retry = retryForStatus(reply.status);
  return { ok: false, retry: retry === "yes" && reply.status >= 500 ? maybeSent : retry, reason };
}

let httpWarm = false;

/** Node loads its fetch implementation on first use (~20 ms); pay that while tests still run. */
export function warmHttp(): void {
  if (httpWarm) return;
  httpWarm = true;
  new Headers();
}
