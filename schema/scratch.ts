// A throw-away database with Supabase's shape and the app's migrations on it:
// what `schema:snapshot` reads the expected schema from, and what
// `schema:restore` computes its plan against.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { applySupabaseShape, startPostgres } from "../stack/index.ts";
import { inspectCatalog } from "./catalog.ts";
import type { SchemaSnapshot } from "./snapshot.ts";

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

/**
 * Splits SQL into statements at top-level semicolons, skipping quoted text,
 * dollar-quoted bodies and comments. Only to point at a failing statement.
 */
export function splitStatements(sql: string): Array<{ offset: number; text: string }> {
  const statements: Array<{ offset: number; text: string }> = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
    if (rest.startsWith("--")) i = sql.indexOf("\n", i) === -1 ? sql.length : sql.indexOf("\n", i);
    else if (rest.startsWith("/*"))
      i = sql.indexOf("*/", i + 2) === -1 ? sql.length : sql.indexOf("*/", i + 2) + 2;
    else if (sql[i] === "'" || sql[i] === '"') {
      const quote = sql[i];
      i++;
      while (i < sql.length && sql[i] !== quote) i++;
      i++;
    } else if (dollar) {
      const end = sql.indexOf(dollar[0], i + dollar[0].length);
      i = end === -1 ? sql.length : end + dollar[0].length;
    } else if (sql[i] === ";") {
      statements.push({ offset: start, text: sql.slice(start, i + 1) });
      start = i + 1;
      i++;
    } else i++;
  }
  if (sql.slice(start).trim()) statements.push({ offset: start, text: sql.slice(start) });
  return statements;
}

/** Re-runs a failed migration statement by statement, rolled back, to find the one that fails. */
async function locateFailure(
  client: pg.ClientBase,
  sql: string,
): Promise<{ line: number; statement: string } | undefined> {
  await client.query("begin");
  try {
    for (const { offset, text } of splitStatements(sql)) {
      try {
        await client.query(text);
      } catch {
        const lead = text.length - text.trimStart().length;
        return statementAt(sql, offset + lead + 1);
      }
    }
    return undefined;
  } finally {
    await client.query("rollback");
  }
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
      const at =
        Number.isFinite(position) && position > 0
          ? statementAt(sql, position)
          : await locateFailure(client, sql);
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
