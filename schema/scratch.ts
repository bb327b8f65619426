// A throw-away database with Supabase's shape and the app's migrations on it:
// what `schema:snapshot` reads the expected schema from, and what
// `schema:restore` computes its plan against.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { applySupabaseShape, startPostgres } from "../stack/index.ts";

/** A migration that failed on the scratch database, named by file, line and statement. */
export class MigrationError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly statement: string | undefined,
    readonly reason: string,
  ) {
    super(
      `migration ${file} failed${line ? ` at line ${line}` : ""}: ${reason}${statement ? `\n  statement: ${statement}` : ""}`,
    );
    this.name = "MigrationError";
  }
}

/** `<version>_<name>.sql` files of a Supabase CLI migrations folder, in version order. */
export async function migrationFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === "ENOENT"
        ? `no migrations folder at ${dir}`
        : `cannot read ${dir}: ${error.message}`,
    );
  });
  return entries.filter((file) => /^\d+_.*\.sql$/.test(file)).sort();
}

/** The statement around a 1-based character offset that Postgres reported, and its line. */
export function statementAt(sql: string, position: number): { line: number; statement: string } {
  const offset = Math.max(0, Math.min(sql.length, position - 1));
  const line = sql.slice(0, offset).split("\n").length;
  const start = sql.lastIndexOf(";", offset - 1) + 1;
  const endAt = sql.indexOf(";", offset);
  const text = sql
    .slice(start, endAt === -1 ? sql.length : endAt + 1)
    .split("\n")
    .filter((row) => !/^\s*--/.test(row))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return { line, statement: text.length > 200 ? `${text.slice(0, 197)}...` : text };
}

/** Applies each migration in its own transaction; stops at the first that fails. */
export async function applyMigrationFiles(client: pg.ClientBase, dir: string): Promise<string[]> {
  const files = await migrationFiles(dir);
  for (const file of files) {
    const sql = await readFile(path.join(dir, file), "utf8");
    await client.query("begin");
    try {
      await client.query(sql);
      await client.query("commit");
    } catch (error) {
      await client.query("rollback");
      const reason = error instanceof Error ? error.message : String(error);
      const position = Number((error as { position?: string }).position);
      const at = Number.isFinite(position) && position > 0 ? statementAt(sql, position) : undefined;
      throw new MigrationError(file, at?.line, at?.statement, reason);
    }
  }
  return files;
}

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
  await migrationFiles(dir);
  const server = await startPostgres();
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    let migrations: string[];
    try {
      await applySupabaseShape(client);
      migrations = await applyMigrationFiles(client, dir);
    } finally {
      await client.end();
    }
    return await use({ url: server.url, migrations });
  } finally {
    await server.stop();
  }
}
