// The one redactor for everything that leaves the process: artifacts (steps,
// errors, attachments, Playwright traces, zips) and alert messages (bodies,
// console lines, the journal, the state file). Both sides start from secret
// values and their URL parts; they differ only in the options below, which
// each caller states. Synchronous on purpose: it runs inside reporter
// callbacks, before the next reporter copies the file.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type AdmZip from "adm-zip";
import { type NamedSecret, secretForms, withParts } from "./variables.ts";
import { readZip } from "./zip.ts";

export interface RedactorOptions {
  /**
   * "variable" (the default): `[REDACTED:<variable>]`, so a report says what
   * leaked. "plain": `[redacted]`, for messages to people and receivers.
   */
  label?: "variable" | "plain";
  /**
   * Also replace secret shapes never seen as values (JWTs, URL credentials,
   * Slack webhooks, Bearer tokens, key=value pairs), in `text` and `deep`.
   * For alert messages only: on traces a shape would blank ordinary text,
   * and in `bytes` it could break binary content, so bytes never get shapes.
   */
  shapes?: boolean;
  /**
   * A URL's password alone counts as a secret from this many characters (8
   * by default: in artifacts a short one would match ordinary text).
   */
  minPasswordLength?: number;
}

/**
 * What the alert engine redacts its messages with: a short password (a
 * three-letter SMTP password quoted in an error) is still hidden there.
 */
export const FOR_MESSAGES: RedactorOptions = { label: "plain", shapes: true, minPasswordLength: 3 };

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

/** Shorter strings are in almost any text. */
const MIN_NEEDLE_LENGTH = 3;

interface Needle {
  text: string;
  bytes: Buffer;
  replacement: string;
  replacementBytes: Buffer;
}

/**
 * Replaces every form of every secret (as is, JSON-escaped, URL-encoded, and
 * the secret parts of URLs) in text, bytes, files (zips entry by entry) and
 * JSON-like objects. A bare string is a secret whose variable is unknown.
 */
export class Redactor {
  readonly #needles: Needle[];
  readonly #shapes: boolean;
  // Messages to several channels share their alert objects: redact each once.
  readonly #done = new WeakMap<object, unknown>();

  constructor(secrets: Iterable<NamedSecret | string>, options: RedactorOptions = {}) {
    const named = [...secrets].map((secret) =>
      typeof secret === "string" ? { name: "secret", value: secret } : secret,
    );
    const needles = new Map<string, Needle>();
    for (const secret of withParts(named, options.minPasswordLength)) {
      const replacement = options.label === "plain" ? "[redacted]" : `[REDACTED:${secret.name}]`;
      for (const text of secretForms(secret.value)) {
        if (text.length < MIN_NEEDLE_LENGTH || needles.has(text)) continue;
        const bytes = Buffer.from(text);
        needles.set(text, { text, bytes, replacement, replacementBytes: Buffer.from(replacement) });
      }
    }
    // Longest first, so a secret containing another is replaced whole.
    this.#needles = [...needles.values()].sort((a, b) => b.bytes.length - a.bytes.length);
    this.#shapes = options.shapes ?? false;
  }

  get active(): boolean {
    return this.#needles.length > 0 || this.#shapes;
  }

  text(input: string): string {
    // One secret at a time, longest first, as bytes() does: a single pass over
    // all of them would let a shorter secret that starts earlier win an overlap
    // and leave the rest of the longer one in place.
    let output = input;
    for (const needle of this.#needles) {
      if (output.includes(needle.text)) output = output.split(needle.text).join(needle.replacement);
    }
    if (this.#shapes) {
      for (const [shape, replacement] of SHAPES) output = output.replace(shape, replacement);
    }
    return output;
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

  /** The redacted bytes, or undefined when nothing had to change. */
  bytes(input: Buffer): Buffer | undefined {
    const zip = readZip(input);
    if (zip) return this.#zip(zip);
    let output = input;
    let changed = false;
    for (const needle of this.#needles) {
      const parts: Buffer[] = [];
      let from = 0;
      for (
        let at = output.indexOf(needle.bytes);
        at !== -1;
        at = output.indexOf(needle.bytes, from)
      ) {
        parts.push(output.subarray(from, at), needle.replacementBytes);
        from = at + needle.bytes.length;
      }
      if (parts.length === 0) continue;
      parts.push(output.subarray(from));
      output = Buffer.concat(parts);
      changed = true;
    }
    return changed ? output : undefined;
  }

  /** Rewrites the file when it holds a secret; true when it did. */
  file(path: string): boolean {
    if (!existsSync(path)) return false;
    const redacted = this.bytes(readFileSync(path));
    if (!redacted) return false;
    // Renamed into place so a reader never sees half a file.
    writeFileSync(`${path}.redacting`, redacted);
    renameSync(`${path}.redacting`, path);
    return true;
  }

  #zip(zip: AdmZip): Buffer | undefined {
    let changed = false;
    for (const entry of zip.getEntries()) {
      if (entry.isDirectory) continue;
      const redacted = this.bytes(entry.getData());
      if (!redacted) continue;
      zip.updateFile(entry, redacted);
      changed = true;
    }
    return changed ? zip.toBuffer() : undefined;
  }
}
