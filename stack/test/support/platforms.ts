// Calling the stack's platform stand-ins (Vercel, Render, the Supabase
// Management API) as their clients do, and waiting on what they report.
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** GET `origin + path` with `Authorization: Bearer <token>` (none when token is null). */
export async function platformGet<T = unknown>(
  origin: string,
  path: string,
  token: string | null,
): Promise<Answer<T>> {
  const response = await fetch(`${origin}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/** A JSON request with a bearer token. */
export async function platformSend<T = unknown>(
  method: "POST" | "PATCH",
  origin: string,
  path: string,
  token: string,
  body: unknown,
): Promise<Answer<T>> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/**
 * Asks `read` again until `done` holds for its answer (node:test has no
 * expect.poll); fails with `what` and the last answer after `timeoutMs`.
 */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      assert.fail(`${what} within ${timeoutMs} ms; last seen: ${JSON.stringify(value)}`);
    }
    await delay(100);
  }
}
