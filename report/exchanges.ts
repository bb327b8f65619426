import type { Redactor } from "./redact.ts";

/** One request an API client made and what came back, as a reviewer reads it. */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  status?: number;
  error?: string;
  ms: number;
  responseType?: string;
  responseBody?: string;
}

/** Headers whose values are credentials whatever they hold. */
const SECRET_HEADER =
  /^(authorization|cookie|set-cookie|apikey|x-api-key|x-vercel-protection-bypass)$/i;
/** JSON fields that carry credentials: passwords, tokens, keys. */
const SECRET_FIELD = /pass(word)?|token|secret|api[_-]?key|authorization|cookie/i;
const BODY_CHARS = 600;

/**
 * The exchanges as plain text. Credentials are masked by name (headers,
 * JSON fields) and every configured secret by value, wherever it appears.
 */
export function formatExchanges(exchanges: Exchange[], redactor: Redactor): string {
  const blocks = exchanges.map((exchange, index) => {
    const lines = [
      `#${index + 1} ${exchange.method} ${exchange.url} → ${exchange.status ?? "no response"} in ${exchange.ms} ms`,
    ];
    const headers = Object.entries(exchange.requestHeaders);
    if (headers.length > 0) {
      lines.push(
        `  request headers: ${headers.map(([name, value]) => `${name}: ${SECRET_HEADER.test(name) ? "[masked]" : value}`).join("; ")}`,
      );
    }
    if (exchange.requestBody !== undefined)
      lines.push(`  request body: ${truncate(JSON.stringify(maskFields(exchange.requestBody)))}`);
    if (exchange.error) lines.push(`  error: ${exchange.error.split("\n")[0]}`);
    if (exchange.responseBody !== undefined)
      lines.push(
        `  response (${exchange.responseType || "no content-type"}): ${truncate(maskJsonText(exchange.responseBody))}`,
      );
    return lines.join("\n");
  });
  return redactor.text(`${blocks.join("\n\n")}\n`);
}

export function maskFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskFields);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        SECRET_FIELD.test(key) ? "[masked]" : maskFields(item),
      ]),
    );
  }
  return value;
}

function maskJsonText(text: string): string {
  try {
    return JSON.stringify(maskFields(JSON.parse(text)));
  } catch {
    return text;
  }
}

function truncate(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > BODY_CHARS ? `${flat.slice(0, BODY_CHARS)}… (${flat.length} chars)` : flat;
}
