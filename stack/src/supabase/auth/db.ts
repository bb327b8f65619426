import type pg from "pg";

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Db = pg.Pool | pg.PoolClient;

/** Runs `work` in one transaction; rolls back when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const result = await work(client);
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Some failures must still keep what the transaction did (GoTrue's
 * NewCommitWithError, e.g. revoking a token family before answering
 * "already used"): return `commitThenThrow(error)` from the work.
 */
export class CommitThenThrow {
  constructor(readonly error: Error) {}
}

export async function inTransactionCommitting<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T | CommitThenThrow>,
): Promise<T> {
  const result = await inTransaction(pool, work);
  if (result instanceof CommitThenThrow) throw result.error;
  return result;
}
