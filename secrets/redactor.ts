import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type AdmZip from "adm-zip";
import { type NamedSecret, secretForms } from "./variables.ts";
import { readZip } from "./zip.ts";

/**
 * Replaces every form of every configured secret with `[REDACTED:<variable>]`
 * in text, in bytes and inside zip files (Playwright traces keep request
 * headers and response bodies). Synchronous on purpose: it runs inside
 * reporter callbacks, before the next reporter copies the file.
 */
export class Redactor {
  readonly #needles: Array<{ bytes: Buffer; replacement: Buffer; text: string }>;

  constructor(secrets: NamedSecret[]) {
    this.#needles = secrets
      .flatMap((secret) =>
        secretForms(secret.value).map((text) => ({
          text,
          bytes: Buffer.from(text),
          replacement: Buffer.from(`[REDACTED:${secret.name}]`),
        })),
      )
      // Longest first, so a secret containing another is replaced whole.
      .sort((a, b) => b.bytes.length - a.bytes.length);
  }

  get active(): boolean {
    return this.#needles.length > 0;
  }

  text(input: string): string {
    let output = input;
    for (const needle of this.#needles) {
      if (output.includes(needle.text))
        output = output.split(needle.text).join(needle.replacement.toString());
    }
    return output;
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
        parts.push(output.subarray(from, at), needle.replacement);
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
