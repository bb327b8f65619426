// The run history's front door: what the scheduler and the dashboard use.
import path from "node:path";
import { BufferedHistory } from "./buffered.ts";
import { type EmbeddedHistory, startEmbeddedHistory } from "./embedded.ts";
import { describeDatabase } from "./errors.ts";
import { Spool } from "./spool.ts";
import { HistoryStore } from "./store.ts";

export { BufferedHistory, type CycleWriter, type WriteOutcome } from "./buffered.ts";
export { type EmbeddedHistory, startEmbeddedHistory } from "./embedded.ts";
export {
  describeDatabase,
  HistoryUnavailableError,
  isConnectionError,
  isRefusedData,
} from "./errors.ts";
export type { LocationLock } from "./lock.ts";
export * as queries from "./queries.ts";
export { type FlushResult, Spool } from "./spool.ts";
export { HistoryStore } from "./store.ts";

export interface History {
  readonly store: HistoryStore;
  /** Writes that survive the database being away (spool in `dir`). */
  readonly buffered: BufferedHistory;
  /** "embedded" when no URL was given. */
  readonly source: "url" | "embedded";
  close(): Promise<void>;
}

/**
 * Opens the history at `databaseUrl` (MONITOR_DATABASE_URL), or else at a
 * persistent embedded Postgres in `dir`. The spool lives in `dir` either way.
 */
export async function openHistory(options: {
  databaseUrl?: string | undefined;
  dir: string;
  onLog?: (message: string) => void;
}): Promise<History> {
  const onLog = options.onLog ?? (() => {});
  const dir = path.resolve(options.dir);
  const embedded = options.databaseUrl ? undefined : await startEmbeddedHistory(dir);
  const store = new HistoryStore(options.databaseUrl || (embedded as EmbeddedHistory).url);
  return {
    store,
    // One spool per database: what waited for one is never written into another.
    buffered: new BufferedHistory(
      store,
      new Spool(
        path.join(dir, "spool", options.databaseUrl ? spoolName(options.databaseUrl) : "embedded"),
      ),
      onLog,
    ),
    source: embedded ? "embedded" : "url",
    async close() {
      await store.close();
      await embedded?.stop();
    },
  };
}

/** A file-name-safe name for a database (host, port, name): never the credentials. */
function spoolName(url: string): string {
  const described = describeDatabase(url);
  return described.replace(/[^\w.-]+/g, "_").slice(0, 80) || "database";
}
