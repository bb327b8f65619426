// The receiver's runs, one at a time in arrival order; a delivery id seen
// before (a platform's redelivery) is not queued again.

export interface QueuedRun {
  done: Promise<unknown>;
  interrupt(): void;
}

/** How many delivery ids are remembered for deduplication; older ones are forgotten. */
const REMEMBERED = 1000;

export class RunQueue<T> {
  readonly #waiting: Array<{ key: string; item: T }> = [];
  readonly #seen: string[] = [];
  #current: { key: string; item: T; run: QueuedRun } | undefined;
  #stopped = false;
  #idle: Promise<void> = Promise.resolve();

  constructor(private readonly start: (item: T) => QueuedRun) {}

  /** Queues `item` unless its key was seen (or the queue is stopping). */
  offer(key: string, item: T): "queued" | "duplicate" | "stopping" {
    if (this.#stopped) return "stopping";
    if (this.#seen.includes(key)) return "duplicate";
    this.#seen.push(key);
    if (this.#seen.length > REMEMBERED) this.#seen.shift();
    this.#waiting.push({ key, item });
    if (!this.#current) this.#idle = this.#next();
    return "queued";
  }

  get running(): T | undefined {
    return this.#current?.item;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Stops taking runs: the waiting ones are dropped (returned), the current one interrupted; resolves once it has ended. */
  async stop(): Promise<{ interrupted: T | undefined; dropped: T[] }> {
    this.#stopped = true;
    const dropped = this.#waiting.splice(0).map((entry) => entry.item);
    const interrupted = this.#current?.item;
    this.#current?.run.interrupt();
    await this.#idle;
    return { interrupted, dropped };
  }

  /** Resolves when nothing runs and nothing waits. */
  idle(): Promise<void> {
    return this.#idle;
  }

  async #next(): Promise<void> {
    for (let entry = this.#waiting.shift(); entry; entry = this.#waiting.shift()) {
      const run = this.start(entry.item);
      this.#current = { ...entry, run };
      try {
        await run.done;
      } catch {
        // The starter journals its own failures; the queue goes on.
      }
      this.#current = undefined;
    }
  }
}
