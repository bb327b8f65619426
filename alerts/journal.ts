import { appendFile, mkdir, open, rename, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Redactor } from "../secrets/redactor.ts";

export type JournalEntry = { type: string } & Record<string, unknown>;

/** Past this size the journal moves to `<path>.1` (replacing an older one) and starts afresh. */
export const JOURNAL_ROTATE_BYTES = 20 * 1024 * 1024;

/**
 * JSON lines, one per decision and per delivery attempt, redacted before they
 * touch the disk. Lines are buffered and appended in batches at phase ends.
 */
export class Journal {
  readonly #path: string;
  readonly #redactor: Redactor;
  readonly #runId: string;
  readonly #rotateBytes: number;
  #pending: string[] = [];
  #ready: Promise<unknown> | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(path: string, redactor: Redactor, runId: string, rotateBytes = JOURNAL_ROTATE_BYTES) {
    this.#path = path;
    this.#rotateBytes = rotateBytes;
    this.#redactor = redactor;
    this.#runId = runId;
  }

  get path(): string {
    return this.#path;
  }

  write(entry: JournalEntry): void {
    const line = { ts: new Date().toISOString(), runId: this.#runId, ...entry };
    this.#pending.push(JSON.stringify(this.#redactor.deep(line)));
  }

  /** Appends what was written so far; flushes run one after another, so lines keep their order. */
  flush(): Promise<void> {
    if (this.#pending.length === 0) return this.#chain;
    const lines = this.#pending;
    this.#pending = [];
    this.#ready ??= mkdir(dirname(this.#path), { recursive: true }).then(() => this.#rotate());
    const ready = this.#ready;
    this.#chain = this.#chain.then(async () => {
      await ready;
      await appendFile(this.#path, `${lines.join("\n")}\n`, "utf8");
    });
    return this.#chain;
  }

  async #rotate(): Promise<void> {
    const size = await stat(this.#path).then(
      (s) => s.size,
      () => 0,
    );
    if (size > this.#rotateBytes) await rename(this.#path, `${this.#path}.1`);
  }
}

/** Alerts a run's journal records as delivered, per channel (for metrics). */
export async function deliveredAlerts(
  journalPath: string,
  runId: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let text: string;
  try {
    const handle = await open(journalPath, "r");
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 1_000_000);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      text = buffer.toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return counts;
  }
  for (const line of text.split("\n")) {
    if (!line.includes(runId) || !line.includes('"delivered"')) continue;
    try {
      const entry = JSON.parse(line) as { runId?: string; type?: string; channel?: string };
      if (entry.runId === runId && entry.type === "delivered" && entry.channel)
        counts.set(entry.channel, (counts.get(entry.channel) ?? 0) + 1);
    } catch {
      // A line cut by the read window.
    }
  }
  return counts;
}
