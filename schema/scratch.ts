// A throw-away database with Supabase's shape and the app's migrations on it:
// what `schema:snapshot` reads the expected schema from, and what
// `schema:restore` computes its plan against.
import pg from "pg";
import {
  applyMigrations,
  applySupabaseShape,
  migrationFiles,
  startPostgres,
} from "../stack/index.ts";
import { inspectCatalog } from "./catalog.ts";
import type { SchemaSnapshot } from "./snapshot.ts";

// The stack's own applier, so a scratch database gets exactly what the stack
// runs: each migration in its own transaction, stopping at the first that
// fails with a MigrationError (file, line, statement).
export { applyMigrations as applyMigrationFiles, MigrationError } from "../stack/index.ts";

export interface ScratchDatabase {
  /** Superuser connection URL. */
  readonly url: string;
  /** The migration files applied, in order. */
  readonly migrations: string[];
}

/**
 * Starts an embedded Postgres, lays down Supabase's database shape, applies
 * the migrations in `dir`, hands the database to `use`, then removes it.
 */
export async function withScratchDatabase<T>(
  dir: string,
  use: (db: ScratchDatabase) => Promise<T>,
): Promise<T> {
  // A missing folder fails before a Postgres is started for it.
  migrationFiles(dir);
  const server = await startPostgres();
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    let migrations: string[];
    try {
      await applySupabaseShape(client);
      migrations = await applyMigrations(client, dir);
    } finally {
      await client.end();
    }
    return await use({ url: server.url, migrations });
  } finally {
    await server.stop();
  }
}

/** The expected schema: the migrations applied to a scratch database, read from its catalogs. */
export async function snapshotMigrations(dir: string, schemas: string[]): Promise<SchemaSnapshot> {
  return withScratchDatabase(dir, async (db) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const {
        source: _source,
        unchecked: _unchecked,
        ...snapshot
      } = await inspectCatalog(client, {
        schemas,
      });
      return snapshot;
    } finally {
      await client.end();
    }
  });
}
