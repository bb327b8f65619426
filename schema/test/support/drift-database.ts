// A real Postgres with Supabase's shape and the reference migrations plus one
// of the test's own, for drift made by hand: the schema tests' shared setup.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before } from "node:test";
import pg from "pg";
import { applySupabaseShape, type RunningPostgres, startPostgres } from "../../../stack/index.ts";
import { applyMigrationFiles } from "../../scratch.ts";

const REFERENCE = ["20250101000000_create_profiles.sql", "20250102000000_profiles_constraints.sql"];

export interface DriftDatabase {
  readonly server: RunningPostgres;
  readonly client: pg.Client;
  /** The migrations folder the database was built from. */
  readonly migrations: string;
}

/** Registers before/after hooks in the calling describe; the getters work inside tests. */
export function useDriftDatabase(extraMigration: string): DriftDatabase {
  let server: RunningPostgres | undefined;
  let client: pg.Client | undefined;
  let migrations: string | undefined;
  before(async () => {
    migrations = await mkdtemp(path.join(tmpdir(), "migrations-"));
    for (const file of REFERENCE)
      await writeFile(path.join(migrations, file), await readFile(`supabase/migrations/${file}`));
    await writeFile(path.join(migrations, "20250103000000_extra.sql"), extraMigration);
    server = await startPostgres();
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await applySupabaseShape(client);
    await applyMigrationFiles(client, migrations);
  });
  after(async () => {
    await client?.end();
    await server?.stop();
    if (migrations) await rm(migrations, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error("the drift database is not up yet (used outside a test)");
    return value;
  };
  return {
    get server() {
      return ready(server);
    },
    get client() {
      return ready(client);
    },
    get migrations() {
      return ready(migrations);
    },
  };
}
