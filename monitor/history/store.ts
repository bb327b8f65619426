// The run history in Postgres: cycles and their results, written one cycle
// per transaction. Writing a run id again replaces it, so a retried or
// re-flushed write never doubles rows.
import pg from "pg";
import type { CycleRecord } from "../types.ts";
import {
  describeDatabase,
  HistoryUnavailableError,
  isConnectionError,
  messageOf,
} from "./errors.ts";
import { type LocationLock, lockLocation } from "./lock.ts";
import { type Filter, type LatestStatus, latestStatus, type Queryable } from "./queries.ts";
import { endOfHour, PRUNE_HOURS, refreshHours } from "./rollup.ts";
import {
  type CycleRow,
  cycleFromRows,
  cycleValues,
  DELETE_RESULTS,
  INSERT_RESULTS,
  type ResultRow,
  resultsJson,
  UPSERT_CYCLE,
} from "./rows.ts";
import { ensureSchema } from "./schema.ts";

const CONNECT_TIMEOUT_MS = 5_000;
// The server gives up first (and says so); the client's own limit catches a server gone silent.
const STATEMENT_TIMEOUT_MS = 10_000;
const QUERY_TIMEOUT_MS = 15_000;
const PRUNE_BATCH = 1_000;
const ignore = () => {};

export class HistoryStore {
  readonly #url: string;
  readonly #pool: pg.Pool;
  readonly #locks = new Set<LocationLock>();
  #ready: Promise<void> | undefined;

  constructor(url: string) {
    this.#url = url;
    this.#pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: "synthetic-monitor-history",
    });
    // An idle connection the server dropped must not crash the monitor; the next query reconnects.
    this.#pool.on("error", ignore);
  }

  /** host:port/database, for messages. */
  get database(): string {
    return describeDatabase(this.#url);
  }

  /** Stores a cycle and its results in one transaction; the same run id again replaces it. */
  async write(cycle: CycleRecord): Promise<void> {
    await this.#transaction(async (client) => {
      // Two writers of one location would rebuild the same hour's summaries at once.
      await client.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [
        `synthetic_monitor.write:${cycle.location}`,
      ]);
      const previous = await client.query<{ started_at: Date; location: string }>(
        "select started_at, location from synthetic_monitor.cycles where run_id = $1 for update",
        [cycle.runId],
      );
      await client.query(UPSERT_CYCLE, cycleValues(cycle));
      await client.query(DELETE_RESULTS, [cycle.runId]);
      if (cycle.results.length > 0) {
        await client.query(INSERT_RESULTS, [
          cycle.runId,
          cycle.startedAt,
          cycle.location,
          resultsJson(cycle.results),
        ]);
      }
      await refreshHours(client, cycle.startedAt, endOfHour(cycle.startedAt), cycle.location);
      const old = previous.rows[0];
      const moved =
        old &&
        (old.location !== cycle.location ||
          endOfHour(old.started_at).getTime() !== endOfHour(cycle.startedAt).getTime());
      if (moved)
        await refreshHours(client, old.started_at, endOfHour(old.started_at), old.location);
    });
  }

  /** Deletes cycles (and their results) that started more than `retentionDays` ago. */
  async prune(retentionDays: number): Promise<number> {
    if (!Number.isFinite(retentionDays) || retentionDays <= 0) {
      throw new RangeError(`retention must be a positive number of days, got ${retentionDays}`);
    }
    const cutoff = await this.run(async (db) => {
      const { rows } = await db.query<{ cutoff: Date }>(
        "select now() - $1 * interval '1 day' as cutoff",
        [retentionDays],
      );
      return rows[0]?.cutoff ?? new Date(0);
    });
    // In batches, so a long backlog (a shortened retention) stays within the statement timeout.
    let deleted = 0;
    for (let batch = PRUNE_BATCH; batch === PRUNE_BATCH; ) {
      const result = await this.run((db) =>
        db.query(
          `delete from synthetic_monitor.cycles where run_id in (
             select run_id from synthetic_monitor.cycles where started_at < $1 limit $2)`,
          [cutoff, PRUNE_BATCH],
        ),
      );
      batch = result.rowCount ?? 0;
      deleted += batch;
    }
    await this.#transaction(async (client) => {
      for (const sql of PRUNE_HOURS) await client.query(sql, [cutoff]);
      // The hour the cutoff falls in lost some of its results.
      await refreshHours(client, cutoff, endOfHour(cutoff), null);
    });
    return deleted;
  }

  /** Per check and location, the newest result since `since`. */
  recentResults(query: Filter & { since: Date | string }): Promise<LatestStatus[]> {
    return this.run((db) => latestStatus(db, query));
  }

  /** The newest cycle of a location, results in their original order. */
  lastCycle(location: string): Promise<CycleRecord | undefined> {
    return this.run(async (db) => {
      const { rows } = await db.query<CycleRow>(
        `select * from synthetic_monitor.cycles where location = $1
         order by started_at desc limit 1`,
        [location],
      );
      const cycle = rows[0];
      if (!cycle) return undefined;
      const results = await db.query<ResultRow>(
        "select * from synthetic_monitor.results where run_id = $1 order by ordinal",
        [cycle.run_id],
      );
      return cycleFromRows(cycle, results.rows);
    });
  }

  /** Holds `location` for this monitor until the lock is released or the store closes. */
  async lockLocation(location: string, onWait: (message: string) => void): Promise<LocationLock> {
    const lock = await lockLocation(this.#url, location, onWait);
    this.#locks.add(lock);
    return {
      location,
      lost: lock.lost,
      release: async () => {
        this.#locks.delete(lock);
        await lock.release();
      },
    };
  }

  /** Runs a query (see queries.ts) once the schema exists; an unreachable database throws HistoryUnavailableError. */
  async run<T>(query: (db: Queryable) => Promise<T>): Promise<T> {
    try {
      await this.#schema();
      return await query(this.#pool);
    } catch (error) {
      throw this.#explain(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#locks].map((lock) => lock.release()));
    this.#locks.clear();
    await this.#pool.end().catch(ignore);
  }

  #schema(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      client.on("error", ignore);
      try {
        await ensureSchema(client);
      } finally {
        client.removeListener("error", ignore);
        client.release();
      }
    })().catch((error: unknown) => {
      // Tried again on the next call: the database may be back by then.
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    try {
      await this.#schema();
      const client = await this.#pool.connect();
      // A checked-out client has no listener of the pool's: a server gone mid-transaction must not crash us.
      client.on("error", ignore);
      let broken: unknown;
      try {
        await client.query("begin");
        await work(client);
        await client.query("commit");
      } catch (error) {
        broken = error;
        await client.query("rollback").catch(ignore);
        throw error;
      } finally {
        client.removeListener("error", ignore);
        // A client that failed is not reused: it may be half-closed.
        client.release(broken instanceof Error ? broken : undefined);
      }
    } catch (error) {
      throw this.#explain(error);
    }
  }

  #explain(error: unknown): unknown {
    if (error instanceof HistoryUnavailableError || !isConnectionError(error)) return error;
    return new HistoryUnavailableError(
      `history database ${this.database} unreachable: ${messageOf(error)}`,
      { cause: error },
    );
  }
}
