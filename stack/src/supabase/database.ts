import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { AppName } from "../apps.ts";
import { MIGRATION_FILE, migrationFiles } from "../own-migrations.ts";
import { migrationError } from "./migration-error.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = path.resolve(here, "../../../supabase/migrations");

/** Each app shape's migrations; spa keeps the project's top-level supabase/migrations. */
export const APP_MIGRATIONS_DIRS: Record<AppName, string> = {
  spa: MIGRATIONS_DIR,
  ssr: path.resolve(here, "../../apps/ssr/migrations"),
};

/** Lays down what a fresh Supabase project has before any app migration. */
export async function applySupabaseShape(client: pg.ClientBase): Promise<void> {
  await client.query(await readFile(path.join(here, "shape.sql"), "utf8"));
  await client.query(await readFile(path.join(here, "storage.sql"), "utf8"));
  await client.query(await readFile(path.join(here, "public-grants.sql"), "utf8"));
  await client.query(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text primary key,
      statements text[],
      name text
    );`);
}

/**
 * Empties what migrations write to, so they can run again: the public schema
 * (cascading to triggers on auth.users that call its functions), the storage
 * schema (buckets and storage policies) laid down anew, and the record of
 * applied migrations.
 */
export async function resetMigratedSchemas(client: pg.ClientBase): Promise<void> {
  await client.query("drop schema if exists public cascade; create schema public;");
  await client.query("drop schema if exists storage cascade;");
  await client.query(await readFile(path.join(here, "storage.sql"), "utf8"));
  await client.query(await readFile(path.join(here, "public-grants.sql"), "utf8"));
  await client.query("truncate supabase_migrations.schema_migrations");
}

/**
 * Applies every migration of `dir` not yet recorded in supabase_migrations,
 * in version order, each in its own transaction, recording it as the Supabase
 * CLI does. A failure is a MigrationError naming the file and statement.
 * Returns the files applied.
 */
export async function applyMigrations(
  client: pg.ClientBase,
  dir = MIGRATIONS_DIR,
): Promise<string[]> {
  const done = await client.query<{ version: string }>(
    "select version from supabase_migrations.schema_migrations",
  );
  const applied = new Set(done.rows.map((row) => row.version));
  const ran: string[] = [];
  for (const file of migrationFiles(dir)) {
    const [, version = "", name = ""] = MIGRATION_FILE.exec(file) ?? [];
    if (applied.has(version)) continue;
    const sql = await readFile(path.join(dir, file), "utf8");
    await client.query("begin");
    try {
      await client.query(sql);
      await client.query(
        "insert into supabase_migrations.schema_migrations (version, statements, name) values ($1, $2, $3)",
        [version, [sql], name],
      );
      await client.query("commit");
    } catch (error) {
      await client.query("rollback");
      throw await migrationError(client, file, sql, error);
    }
    ran.push(file);
  }
  return ran;
}

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 10_000 });
  // An idle client's error (server shut down) must not crash the process.
  pool.on("error", () => {});
  return pool;
}
