/**
 * Keeps secrets out of everything that leaves the process: message bodies,
 * console lines and the journal. Known values (from config and secret-looking
 * env names) are replaced literally; shapes (JWTs, URL credentials, Slack
 * webhooks, key=value pairs) are caught even when we never saw the value.
 */

const SECRET_ENV_NAME =
  /(^|_)(KEY|KEYS|SECRET|TOKEN|PASSWORD|PASSWD|PASS|AUTH|CREDENTIALS?|WEBHOOK|WEBHOOK_URL|DSN|DATABASE_URL|DB_URL|SMTP_URL|SERVICE_ROLE)($|_)/i;
const MIN_ENV_SECRET = 6;

const SHAPES: Array<[RegExp, string]> = [
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, "$1[redacted]@"],
  [/https:\/\/hooks\.slack\.com\/[^\s"'<>)]+/gi, "[redacted:slack-webhook]"],
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+/g, "[redacted:jwt]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [redacted]"],
  [
    /\b((?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|secret|client[_-]?secret|password|passwd|routing[_-]?key|signature|sig)["']?\s*[:=]\s*["']?)[^\s"'&,;}]{3,}/gi,
    "$1[redacted]",
  ],
  [/\b(?:sb_secret_|sk_live_|sk_test_|xox[abprs]-|AKIA)[\w-]{8,}/g, "[redacted:key]"],
];

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const MIN_URL_PART = 8;

/**
 * Literal forms a secret can take in text: as is, URL-encoded, and for a URL
 * the parts that carry its secret (password, a token-bearing path like a Slack
 * webhook's, query values) — receivers echo paths back in error bodies.
 */
function variantsOf(secret: string): string[] {
  const variants = new Set([secret, encodeURIComponent(secret)]);
  try {
    const url = new URL(secret);
    if (url.password) {
      variants.add(url.password);
      variants.add(decodeURIComponent(url.password));
    }
    if (url.pathname.length >= MIN_URL_PART) variants.add(url.pathname);
    const last = url.pathname.split("/").pop() ?? "";
    if (last.length >= MIN_URL_PART) variants.add(last);
    for (const value of url.searchParams.values())
      if (value.length >= MIN_URL_PART) variants.add(value);
  } catch {
    // not a URL: the literal is enough
  }
  return [...variants].filter((v) => v.length >= 3);
}

export class Redactor {
  readonly #literal: RegExp | undefined;
  // Messages to several channels share their alert objects: redact each once.
  readonly #done = new WeakMap<object, unknown>();

  constructor(secrets: Iterable<string | undefined>) {
    const all = new Set<string>();
    for (const secret of secrets) if (secret) for (const v of variantsOf(secret)) all.add(v);
    const sorted = [...all].sort((a, b) => b.length - a.length);
    this.#literal = sorted.length ? new RegExp(sorted.map(escapeRegExp).join("|"), "g") : undefined;
  }

  text(input: string): string {
    let out = this.#literal ? input.replace(this.#literal, "[redacted]") : input;
    for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
    return out;
  }

  /** Redacts every string inside a JSON-like value (treated as immutable). */
  deep<T>(value: T): T {
    if (typeof value === "string") return this.text(value) as T;
    if (!value || typeof value !== "object") return value;
    const known = this.#done.get(value);
    if (known !== undefined) return known as T;
    let clean: unknown = value;
    if (Array.isArray(value)) clean = value.map((item) => this.deep(item));
    else if (Object.getPrototypeOf(value) === Object.prototype) {
      clean = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.deep(v)]));
    }
    this.#done.set(value, clean);
    return clean as T;
  }
}

function hasPassword(value: string): boolean {
  try {
    return new URL(value).password !== "";
  } catch {
    return false;
  }
}

/** Values of env variables whose names say they hold a secret, and any URL carrying a password. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value = ""]) =>
      SECRET_ENV_NAME.test(name) ? value.length >= MIN_ENV_SECRET : hasPassword(value),
    )
    .map(([, value]) => value as string);
}
