// The history as the scheduler uses it: a cycle is stored, or, while the
// database is unreachable, kept in the spool and stored by the first write
// that gets through. Writes run one at a time so the spool keeps their order.
import type { CycleRecord } from "../types.ts";
import { isConnectionError, isRefusedData, messageOf } from "./errors.ts";
import type { FlushResult, Spool } from "./spool.ts";

export type WriteOutcome = "written" | "buffered";

/** What BufferedHistory needs of a store (HistoryStore, or a fake in tests). */
export interface CycleWriter {
  readonly database: string;
  write(cycle: CycleRecord): Promise<void>;
}

export class BufferedHistory {
  readonly #store: CycleWriter;
  readonly #spool: Spool;
  readonly #onLog: (message: string) => void;
  #queue: Promise<unknown> = Promise.resolve();
  #down = false;

  constructor(store: CycleWriter, spool: Spool, onLog: (message: string) => void = () => {}) {
    this.#store = store;
    this.#spool = spool;
    this.#onLog = onLog;
  }

  /**
   * Stores the spool, then `cycle`. When the database is unreachable the cycle
   * is appended to the spool ("buffered"). Any other failure keeps the cycle
   * too (in the spool, or in spool.rejected.jsonl when the database refuses its
   * data) and then throws, naming the database.
   */
  write(cycle: CycleRecord): Promise<WriteOutcome> {
    return this.#serial(async () => {
      try {
        await this.#flush();
      } catch (error) {
        // The spool could not be stored: the cycle joins it, behind the older ones.
        await this.#buffer(cycle, error);
        if (isConnectionError(error)) return "buffered";
        throw this.#failure(`could not store the buffered cycles`, error, this.#spool.path);
      }
      try {
        await this.#store.write(cycle);
        return "written";
      } catch (error) {
        if (isRefusedData(error)) {
          await this.#spool.reject(JSON.stringify(cycle));
          throw this.#failure(`refused cycle ${cycle.runId}`, error, this.#spool.rejectedPath);
        }
        // Unreachable, or a setting to fix (a password, a grant): retried on the next write.
        await this.#buffer(cycle, error);
        if (isConnectionError(error)) return "buffered";
        throw this.#failure(`could not store cycle ${cycle.runId}`, error, this.#spool.path);
      }
    });
  }

  /** Cycles waiting in the spool, also from an earlier run. */
  pending(): Promise<number> {
    return this.#spool.pending();
  }

  #failure(what: string, error: unknown, keptIn: string): Error {
    return new Error(
      `history database ${this.#store.database} ${what} (${messageOf(error)}); kept in ${keptIn}`,
      { cause: error },
    );
  }

  async #buffer(cycle: CycleRecord, error: unknown): Promise<void> {
    await this.#spool.append(cycle);
    if (!this.#down && isConnectionError(error)) {
      this.#onLog(`${messageOf(error)}; buffering cycles in ${this.#spool.path} until it is back`);
      this.#down = true;
    }
  }

  /** Stores what the spool holds (at startup, say); throws HistoryUnavailableError if it cannot. */
  flush(): Promise<FlushResult> {
    return this.#serial(() => this.#flush());
  }

  async #flush(): Promise<FlushResult> {
    const result = await this.#spool.flush((cycle) => this.#store.write(cycle), this.#onLog);
    if (result.flushed > 0) {
      this.#onLog(`stored ${result.flushed} buffered cycle(s) in ${this.#store.database}`);
    }
    this.#down = false;
    return result;
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => {});
    return next;
  }
}
