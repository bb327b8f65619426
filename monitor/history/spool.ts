// Cycles the database could not take yet, one JSON line each, in the order
// they happened. A flush first renames the spool aside, so a cycle appended
// meanwhile (by this or another monitor sharing the directory) lands in a
// fresh file and is never cut off by the flush's delete. A flush that stops
// halfway leaves its file for the next one; writes are idempotent, so lines
// already stored are stored again without doubling.
import { appendFile, mkdir, readdir, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import type { CycleRecord } from "../types.ts";
import { isRefusedData, messageOf } from "./errors.ts";

export interface FlushResult {
  flushed: number;
  rejected: number;
}

const FLUSHING = /^spool\.flushing-\d+-\d+-\d+\.jsonl$/;

let sequence = 0;

export class Spool {
  readonly dir: string;
  readonly path: string;
  readonly rejectedPath: string;

  constructor(dir: string) {
    this.dir = dir;
    this.path = path.join(dir, "spool.jsonl");
    this.rejectedPath = path.join(dir, "spool.rejected.jsonl");
  }

  async append(cycle: CycleRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.path, `${JSON.stringify(cycle)}\n`, { mode: 0o600 });
  }

  /** Keeps a line that will never be stored, for a person to look at. */
  async reject(line: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.rejectedPath, `${line}\n`, { mode: 0o600 });
  }

  /** Cycles waiting, oldest first (unparsable lines not counted). */
  async pending(): Promise<number> {
    let count = 0;
    for (const file of [...(await this.#setAsideFiles()), this.path]) {
      for (const line of await linesOf(file)) if (parseCycle(line)) count += 1;
    }
    return count;
  }

  /**
   * Hands every spooled cycle to `write`, oldest first. A connection error
   * stops the flush (and is thrown) with the rest kept; a line that is no
   * cycle, or that the database refuses, goes to spool.rejected.jsonl.
   */
  async flush(
    write: (cycle: CycleRecord) => Promise<void>,
    onReject: (reason: string) => void = () => {},
  ): Promise<FlushResult> {
    const result: FlushResult = { flushed: 0, rejected: 0 };
    // Files an interrupted flush left go first; only then is the live spool set aside.
    for (let files = await this.#setAsideFiles(); ; files = await this.#setAsideFiles()) {
      if (files.length === 0) {
        if (!(await this.#setAside())) return result;
        continue;
      }
      for (const file of files) await this.#flushFile(file, write, onReject, result);
    }
  }

  async #flushFile(
    file: string,
    write: (cycle: CycleRecord) => Promise<void>,
    onReject: (reason: string) => void,
    result: FlushResult,
  ): Promise<void> {
    for (const line of await linesOf(file)) {
      const cycle = parseCycle(line);
      if (!cycle) {
        await this.reject(line);
        result.rejected += 1;
        onReject(
          `a line of ${path.basename(file)} is no cycle record; moved to ${this.rejectedPath}`,
        );
        continue;
      }
      try {
        await write(cycle);
        result.flushed += 1;
      } catch (error) {
        // Retrying cannot help data the database refuses: set aside, not retried forever.
        if (!isRefusedData(error)) throw error;
        await this.reject(line);
        result.rejected += 1;
        onReject(
          `the database refused buffered cycle ${cycle.runId} (${messageOf(error)}); moved to ${this.rejectedPath}`,
        );
      }
    }
    await unlink(file).catch(ignoreMissing);
  }

  /** Renames the live spool aside; false when there is none. */
  async #setAside(): Promise<boolean> {
    const name = `spool.flushing-${String(Date.now()).padStart(15, "0")}-${process.pid}-${sequence++}.jsonl`;
    try {
      await rename(this.path, path.join(this.dir, name));
      return true;
    } catch (error) {
      ignoreMissing(error as NodeJS.ErrnoException);
      return false;
    }
  }

  /** Files set aside by this and earlier (interrupted) flushes, oldest first; never the live spool. */
  async #setAsideFiles(): Promise<string[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [] as string[];
      throw error;
    });
    return names
      .filter((name) => FLUSHING.test(name))
      .sort()
      .map((name) => path.join(this.dir, name));
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}

async function linesOf(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  return text.split("\n").filter((line) => line.trim() !== "");
}

function parseCycle(line: string): CycleRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const cycle = value as Partial<CycleRecord>;
  const ok =
    typeof cycle.runId === "string" &&
    typeof cycle.location === "string" &&
    typeof cycle.startedAt === "string" &&
    typeof cycle.endedAt === "string" &&
    Array.isArray(cycle.results);
  return ok ? (value as CycleRecord) : undefined;
}
