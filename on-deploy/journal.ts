import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";

// The receiver's journal (`<ON_DEPLOY_DIR>/deliveries.jsonl`): one JSON line per
// delivery and per run, so "did the deploy trigger anything, and what came of
// it" has an answer after the fact. Ids, verdicts and reasons only: never a
// body, a signature or a secret.

export type DeliveryVerdict =
  | "queued"
  | "duplicate"
  | "ignored"
  | "invalid"
  | "bad-json"
  | "too-large"
  | "unauthorized"
  | "not-configured";

export type JournalEntry =
  | {
      kind: "delivery";
      platform: "vercel" | "render";
      deliveryId?: string;
      eventType?: string;
      verdict: DeliveryVerdict;
      reason?: string;
    }
  | {
      kind: "run";
      phase: "started" | "finished" | "abandoned";
      platform: "vercel" | "render";
      deliveryId: string;
      runId?: string;
      deployment?: string;
      frontendUrl?: string;
      result?: string;
      exitCode?: number;
      durationMs?: number;
      message?: string;
    };

export class Journal {
  readonly file: string;
  #writes: Promise<void> = Promise.resolve();

  /** `onError`: a line that could not be written (a full disk must not stop deliveries from being answered). */
  constructor(
    dir: string,
    private readonly onError: (error: Error) => void = () => {},
  ) {
    this.file = path.join(dir, "deliveries.jsonl");
  }

  /** Appends one line, in the order lines were added; never rejects. */
  add(entry: JournalEntry): Promise<void> {
    const line = `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`;
    this.#writes = this.#writes
      .then(() => mkdir(path.dirname(this.file), { recursive: true }))
      .then(() => appendFile(this.file, line))
      .catch((error: Error) => this.onError(error));
    return this.#writes;
  }
}

/** An id from outside as the journal may show it: a short token, else nothing that could be anything. */
export function journalId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /^[\w.:-]{1,100}$/.test(value) ? value : "(an unexpected id)";
}
