import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

export interface RestoreStep {
  migration: string;
  outcome: "applied" | "already present" | "failed";
  detail?: string;
}

/** Errors that mean "this migration's objects are (partly) still there". */
const ALREADY_THERE = new Set(["42P07", "42710", "42723", "42P06", "42701"]);

/**
 * Re-applies supabase/migrations to a database whose schema was erased, each
 * file in its own transaction and in version order. A migration whose
 * objects still exist is rolled back and reported as already present: this
 * restores what is gone, it never drops what is there.
 */
export async function restoreMigrations(dbUrl: string, dir: string): Promise<RestoreStep[]> {
  const files = (await readdir(dir)).filter((file) => /^\d+_.*\.sql$/.test(file)).sort();
  const client = new pg.Client({ connectionString: dbUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  const steps: RestoreStep[] = [];
  try {
    await client.query(`create schema if not exists supabase_migrations;
      create table if not exists supabase_migrations.schema_migrations (version text primary key, statements text[], name text)`);
    for (const file of files) {
      const sql = await readFile(path.join(dir, file), "utf8");
      const [version = "", ...rest] = file.replace(/\.sql$/, "").split("_");
      await client.query("begin");
      try {
        await client.query(sql);
        await client.query(
          `insert into supabase_migrations.schema_migrations (version, statements, name) values ($1, $2, $3)
           on conflict (version) do nothing`,
          [version, [sql], rest.join("_")],
        );
        await client.query("commit");
        steps.push({ migration: file, outcome: "applied" });
      } catch (error) {
        await client.query("rollback");
        const code = (error as { code?: string }).code ?? "";
        const message = error instanceof Error ? error.message : String(error);
        steps.push({
          migration: file,
          outcome: ALREADY_THERE.has(code) ? "already present" : "failed",
          detail: message,
        });
      }
    }
  } finally {
    await client.end();
  }
  return steps;
}
