import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { AppName } from "../apps.ts";

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
 * Empties the public schema (cascading to triggers on auth.users that call
 * its functions) and forgets applied migrations, so they can run again.
 */
export async function resetPublicSchema(client: pg.ClientBase): Promise<void> {
  await client.query("drop schema if exists public cascade; create schema public;");
  await client.query(await readFile(path.join(here, "public-grants.sql"), "utf8"));
  await client.query("truncate supabase_migrations.schema_migrations");
}

export interface Migration {
  version: string;
  name: string;
  file: string;
}

/** Migrations in the Supabase CLI's layout: `<version>_<name>.sql`, applied in version order. */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".sql")).sort();
  return files.map((file) => {
    const match = file.match(/^(\d+)_(.*)\.sql$/);
    if (!match?.[1]) {
      throw new Error(`migration file ${file} is not named <version>_<name>.sql`);
    }
    return { version: match[1], name: match[2] ?? "", file: path.join(dir, file) };
  });
}

/**
 * Applies every migration not yet recorded in supabase_migrations, each in its
 * own transaction, recording it as the Supabase CLI does. Returns the versions applied.
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
  for (const migration of await listMigrations(dir)) {
    if (applied.has(migration.version)) continue;
    const sql = await readFile(migration.file, "utf8");
    await client.query("begin");
    try {
      await client.query(sql);
      await client.query(
        "insert into supabase_migrations.schema_migrations (version, statements, name) values ($1, $2, $3)",
        [migration.version, [sql], migration.name],
      );
      await client.query("commit");
    } catch (error) {
      await client.query("rollback");
      throw new Error(
        `migration ${path.basename(migration.file)} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    ran.push(migration.version);
  }
  return ran;
}

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 10_000 });
  // An idle client's error (server shut down) must not crash the process.
  pool.on("error", () => {});
  return pool;
}
