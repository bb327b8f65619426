// Who may see the private dashboard: the holder of MONITOR_DASHBOARD_TOKEN,
// by a bearer header or a session cookie the login form sets. The token is
// compared in constant time; the cookie is an HMAC of its expiry under a key
// derived from the token, so changing the token ends every session.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

export const SESSION_COOKIE = "monitor_session";
export const SESSION_SECONDS = 12 * 3600;
const FAILURES_PER_MINUTE = 10;
const MINUTE_MS = 60_000;

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Constant-time equality of two secrets of any lengths (their digests are equal-length). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    bare === "localhost" ||
    bare === "::1" ||
    /^127\.\d+\.\d+\.\d+$/.test(bare) ||
    bare === "::ffff:127.0.0.1"
  );
}

export type Access = "granted" | "missing" | "wrong" | "no-token-off-loopback";

export class DashboardAuth {
  readonly #token: string | undefined;
  readonly #key: Buffer | undefined;
  readonly #loopback: boolean;
  readonly #failures = new Map<string, { count: number; since: number }>();
  readonly #now: () => number;

  constructor(options: { token?: string | undefined; host: string; now?: () => number }) {
    this.#token = options.token?.trim() || undefined;
    this.#key = this.#token
      ? createHmac("sha256", this.#token).update("synthetic-monitor dashboard session").digest()
      : undefined;
    this.#loopback = isLoopback(options.host);
    this.#now = options.now ?? Date.now;
  }

  get tokenSet(): boolean {
    return this.#token !== undefined;
  }

  /** Whether a request may see private routes, and if not why. */
  check(request: IncomingMessage): Access {
    if (!this.#token) return this.#loopback ? "granted" : "no-token-off-loopback";
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(.+)$/i.exec(header);
      return match?.[1] && sameSecret(match[1].trim(), this.#token) ? "granted" : "wrong";
    }
    const cookie = cookieOf(request, SESSION_COOKIE);
    if (cookie === undefined) return "missing";
    return this.validSession(cookie) ? "granted" : "wrong";
  }

  /** The session cookie's value: `<expiry ms>.<signature>`. */
  session(): string {
    const expiry = String(this.#now() + SESSION_SECONDS * 1000);
    return `${expiry}.${this.#sign(expiry)}`;
  }

  validSession(value: string): boolean {
    const match = /^(\d{1,15})\.([\w-]{43})$/.exec(value);
    if (!match?.[1] || !match[2] || !this.#key) return false;
    const expected = Buffer.from(this.#sign(match[1]));
    const given = Buffer.from(match[2]);
    return (
      given.length === expected.length &&
      timingSafeEqual(given, expected) &&
      Number(match[1]) > this.#now()
    );
  }

  /** A login attempt; `limited` when this address failed too often in the last minute. */
  login(address: string, token: string): "ok" | "wrong" | "limited" {
    const now = this.#now();
    const seen = this.#failures.get(address);
    const recent = seen && now - seen.since < MINUTE_MS ? seen : undefined;
    if (recent && recent.count >= FAILURES_PER_MINUTE) return "limited";
    if (this.#token && sameSecret(token, this.#token)) return "ok";
    this.#failures.set(address, { count: (recent?.count ?? 0) + 1, since: recent?.since ?? now });
    // Forget old addresses so a scan of many cannot grow the map without end.
    if (this.#failures.size > 10_000)
      for (const [key, value] of this.#failures)
        if (now - value.since >= MINUTE_MS) this.#failures.delete(key);
    return "wrong";
  }

  /** Seconds until an address may try again. */
  retryAfter(address: string): number {
    const seen = this.#failures.get(address);
    return seen ? Math.max(1, Math.ceil((seen.since + MINUTE_MS - this.#now()) / 1000)) : 1;
  }

  cookie(request: IncomingMessage, value: string, maxAge = SESSION_SECONDS): string {
    const secure = isHttps(request) ? "; Secure" : "";
    return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAge}${secure}`;
  }

  #sign(expiry: string): string {
    return createHmac("sha256", this.#key as Buffer)
      .update(expiry)
      .digest("base64url");
  }
}

export function isHttps(request: IncomingMessage): boolean {
  if ((request.socket as TLSSocket).encrypted) return true;
  const forwarded = request.headers["x-forwarded-proto"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return first === "https";
}

export function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}
