// STACK_MIGRATIONS (or `--migrations DIR`): the stack's Supabase runs a team's
// own migrations instead of the reference app's. Listing and checking only:
// stack/index.ts re-exports this for processes that never boot a stack.
import { readdirSync } from "node:fs";
import path from "node:path";

/** The Supabase CLI's layout, `<version>_<name>.sql`; other files are not migrations. */
export const MIGRATION_FILE = /^(\d+)_(.*)\.sql$/;

/** The migration files of `dir`, in version order; throws when there is no such folder. */
export function migrationFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new Error(
      code === "ENOENT"
        ? `no migrations folder at ${dir}`
        : code === "ENOTDIR"
          ? `${dir} is a file, not a migrations folder`
          : `cannot read ${dir}: ${message}`,
    );
  }
  return entries.filter((file) => MIGRATION_FILE.test(file)).sort();
}

/**
 * Checks a folder given as the stack's migrations: it exists and holds at
 * least one migration. Returns it absolute; `source` is named in the error.
 */
export function parseMigrationsDir(value: string, source = "STACK_MIGRATIONS"): string {
  const dir = path.resolve(value.trim());
  let files: string[];
  try {
    files = migrationFiles(dir);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`);
  }
  if (files.length === 0) {
    throw new Error(`${source}: no <version>_<name>.sql migration files in ${dir}`);
  }
  return dir;
}

/** The folder STACK_MIGRATIONS names, checked; undefined when unset or empty. */
export function migrationsFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.STACK_MIGRATIONS;
  return raw === undefined || raw.trim() === "" ? undefined : parseMigrationsDir(raw);
}
