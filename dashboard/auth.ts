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

export type Access =
  | "granted"
  | "missing"
  | "wrong"
  | "limited"
  | "no-token-off-loopback"
  | "foreign-host";

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

  /**
   * Whether a request may see private routes, and if not why. Without a token
   * only a loopback listener answers, and only to a loopback Host: a web page
   * whose own name resolves to 127.0.0.1 (DNS rebinding) is not let in. A
   * wrong bearer token or cookie counts against the address like a failed login.
   */
  check(request: IncomingMessage, address = request.socket.remoteAddress ?? ""): Access {
    if (!this.#token) {
      if (!this.#loopback) return "no-token-off-loopback";
      return isLoopback(hostnameOf(request.headers.host)) ? "granted" : "foreign-host";
    }
    const header = request.headers.authorization;
    const cookie = header === undefined ? cookieOf(request, SESSION_COOKIE) : undefined;
    if (header === undefined && cookie === undefined) return "missing";
    if (this.#limited(address)) return "limited";
    const match = header === undefined ? undefined : /^Bearer\s+(.+)$/i.exec(header);
    const granted =
      header !== undefined
        ? Boolean(match?.[1] && sameSecret(match[1].trim(), this.#token))
        : this.validSession(cookie as string);
    if (granted) return "granted";
    this.#fail(address);
    return "wrong";
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
    if (this.#limited(address)) return "limited";
    if (this.#token && sameSecret(token, this.#token)) return "ok";
    this.#fail(address);
    return "wrong";
  }

  #recent(address: string) {
    const seen = this.#failures.get(address);
    return seen && this.#now() - seen.since < MINUTE_MS ? seen : undefined;
  }

  #limited(address: string): boolean {
    return (this.#recent(address)?.count ?? 0) >= FAILURES_PER_MINUTE;
  }

  #fail(address: string): void {
    const now = this.#now();
    const recent = this.#recent(address);
    this.#failures.set(address, { count: (recent?.count ?? 0) + 1, since: recent?.since ?? now });
    // Forget old addresses so a scan of many cannot grow the map without end.
    if (this.#failures.size > 10_000)
      for (const [key, value] of this.#failures)
        if (now - value.since >= MINUTE_MS) this.#failures.delete(key);
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

/** The host name of a Host header, without its port (`[::1]:9464` → `::1`). */
function hostnameOf(host: string | undefined): string {
  if (!host) return "";
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  if (bracketed?.[1]) return bracketed[1];
  return host.replace(/:\d+$/, "");
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
