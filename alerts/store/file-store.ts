import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { AlertState } from "../types.ts";
import { emptyState } from "../types.ts";
import {
  ConcurrentWriteError,
  isAlertState,
  type Snapshot,
  type StateStore,
} from "./state-store.ts";

interface FileShape {
  revision: number;
  writtenAt: string;
  writer: string;
  state: AlertState;
}

/** A lock older than this belongs to a run that died mid-save. */
const STALE_LOCK_MS = 30_000;

async function readShape(path: string): Promise<FileShape | "missing" | "damaged"> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as FileShape;
    return Number.isInteger(parsed.revision) && isAlertState(parsed.state) ? parsed : "damaged";
  } catch {
    return "damaged";
  }
}

/**
 * State in one JSON file. Saves write a temp file and rename it over the old
 * one, so a crash leaves either the old or the new state, never half of one.
 * A lock file plus the revision check catch two runs writing at once.
 */
export class FileStateStore implements StateStore {
  readonly #path: string;
  readonly #writer: string;

  constructor(path: string, writer: string) {
    this.#path = path;
    this.#writer = writer;
  }

  get description() {
    return `file ${this.#path}`;
  }

  async load(): Promise<Snapshot> {
    const shape = await readShape(this.#path);
    if (shape === "missing") return { state: emptyState(), revision: 0 };
    if (shape === "damaged") {
      const aside = `${this.#path}.damaged-${Date.now()}`;
      await rename(this.#path, aside);
      return {
        state: emptyState(),
        revision: 0,
        warning: `state file was unreadable; moved to ${aside}`,
      };
    }
    return { state: shape.state, revision: shape.revision };
  }

  async save(state: AlertState, expected: number): Promise<number> {
    await mkdir(dirname(this.#path), { recursive: true });
    const release = await this.#lock();
    try {
      const current = await readShape(this.#path);
      const revision = typeof current === "object" ? current.revision : 0;
      if (revision !== expected) {
        throw new ConcurrentWriteError(
          `state ${this.#path} changed while this run worked (revision ${expected} → ${revision}${typeof current === "object" ? `, by ${current.writer}` : ""})`,
        );
      }
      const next = revision + 1;
      const shape: FileShape = {
        revision: next,
        writtenAt: new Date().toISOString(),
        writer: this.#writer,
        state,
      };
      const temp = `${this.#path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
      const handle = await open(temp, "w");
      try {
        await handle.writeFile(JSON.stringify(shape));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.#path);
      return next;
    } finally {
      await release();
    }
  }

  async close(): Promise<void> {}

  async #lock(): Promise<() => Promise<void>> {
    const lockPath = `${this.#path}.lock`;
    for (let tries = 0; tries < 2; tries++) {
      try {
        const handle = await open(lockPath, "wx");
        await handle.writeFile(`${this.#writer} pid ${process.pid}`);
        await handle.close();
        return () => unlink(lockPath).catch(() => {});
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const age = Date.now() - (await stat(lockPath).catch(() => ({ mtimeMs: 0 }))).mtimeMs;
        if (age < STALE_LOCK_MS) {
          const holder = await readFile(lockPath, "utf8").catch(() => "another run");
          throw new ConcurrentWriteError(`state ${this.#path} is being written by ${holder}`);
        }
        await unlink(lockPath).catch(() => {});
      }
    }
    throw new ConcurrentWriteError(`could not lock ${lockPath}`);
  }
}
