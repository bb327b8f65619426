// One monitor per location: a session-level advisory lock on its own
// connection, held until released or the connection ends (a crashed monitor
// frees its location by itself).
import { hostname } from "node:os";
import pg from "pg";
import {
  describeDatabase,
  HistoryUnavailableError,
  isConnectionError,
  messageOf,
} from "./errors.ts";

export interface LocationLock {
  readonly location: string;
  /** Rejects never; resolves when the lock's connection broke (the lock is gone). */
  readonly lost: Promise<Error>;
  release(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5_000;
const keyOf = (location: string) => `synthetic_monitor.location:${location}`;
// hashtextextended gives the 64-bit key pg_advisory_lock takes; pg_locks
// splits it into classid (high half) and objid (low half).
const KEY_SQL = "hashtextextended($1, 0)";

/**
 * Takes the location's lock, telling `onWait` once if another monitor holds it
 * and then waiting for that one to stop.
 */
export async function lockLocation(
  url: string,
  location: string,
  onWait: (message: string) => void,
): Promise<LocationLock> {
  const database = describeDatabase(url);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    application_name: `synthetic-monitor ${location} pid ${process.pid} on ${hostname()}`.slice(
      0,
      63,
    ),
  });
  let markLost: (error: Error) => void = () => {};
  const lost = new Promise<Error>((resolve) => {
    markLost = resolve;
  });
  let released = false;
  client.on("error", (error) => {
    if (!released) markLost(error);
  });
  client.on("end", () => {
    if (!released) markLost(new Error(`connection to ${database} ended`));
  });
  try {
    await client.connect();
    const key = keyOf(location);
    const { rows } = await client.query<{ locked: boolean }>(
      `select pg_try_advisory_lock(${KEY_SQL}) as locked`,
      [key],
    );
    if (!rows[0]?.locked) {
      const holder = await holderOf(client, key);
      onWait(
        `another monitor${holder ? ` (${holder})` : ""} holds location "${location}" in ${database}; waiting for it to stop`,
      );
      await client.query(`select pg_advisory_lock(${KEY_SQL})`, [key]);
    }
  } catch (error) {
    released = true;
    await client.end().catch(() => {});
    if (isConnectionError(error)) {
      throw new HistoryUnavailableError(
        `cannot lock location "${location}": history database ${database} unreachable: ${messageOf(error)}`,
        { cause: error },
      );
    }
    throw error;
  }
  return {
    location,
    lost,
    async release() {
      if (released) return;
      released = true;
      // Ending the session releases a session-level lock; unlock first for a pooler that keeps it.
      await client
        .query(`select pg_advisory_unlock(${KEY_SQL})`, [keyOf(location)])
        .catch(() => {});
      await client.end().catch(() => {});
    },
  };
}

/** Who holds the key, as far as pg_stat_activity shows (another role's sessions are hidden). */
async function holderOf(client: pg.Client, key: string): Promise<string | undefined> {
  const { rows } = await client
    .query<{ name: string; addr: string | null }>(
      `select a.application_name as name, a.client_addr::text as addr
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
       where l.locktype = 'advisory' and l.granted and l.objsubid = 1
         and ((l.classid::bigint << 32) | l.objid::bigint) = ${KEY_SQL}
       limit 1`,
      [key],
    )
    .catch(() => ({ rows: [] }));
  const row = rows[0];
  if (!row) return undefined;
  return [row.name || undefined, row.addr ? `from ${row.addr}` : undefined]
    .filter(Boolean)
    .join(" ");
}
