// `npm run schema:snapshot`: the expected schema, read from the app's
// migrations applied to a scratch database (or, with --from-db, from a
// database known to be right), written where the app profile says.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadAppProfile } from "../contract/load.ts";
import { ProfileError, schemaTarget } from "../contract/profile.ts";
import { connectCatalog, inspectCatalog } from "../schema/catalog.ts";
import { MigrationError, snapshotMigrations } from "../schema/scratch.ts";
import { type SchemaSnapshot, serializeSnapshot } from "../schema/snapshot.ts";
import { ConfigError, loadDotenv } from "../target/config.ts";
import { parseCommandLine, shownPath } from "./command-line.ts";

const USAGE = `Usage: npm run schema:snapshot -- [--check] [--migrations DIR] [--out FILE] [--from-db]

Applies the app's migrations (the app profile's \`migrations\`, default
supabase/migrations) to a scratch Postgres with Supabase's database shape,
reads its catalogs and writes the expected schema to the profile's snapshot
file (default: schema-snapshot.json beside the migrations folder).

  --check       write nothing; exit 1 when the file is missing or stale
  --migrations  another migrations folder
  --out         another snapshot file
  --from-db     read the expected schema from SUPABASE_DB_URL instead of the
                migrations (for an app whose schema is not in migrations)`;

function fail(message: string, code = 2): never {
  process.stderr.write(`schema:snapshot: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const values = parseCommandLine("schema:snapshot", USAGE, {
    check: { type: "boolean" },
    migrations: { type: "string" },
    out: { type: "string" },
    "from-db": { type: "boolean" },
    help: { type: "boolean" },
  });
  loadDotenv();
  const app = await loadAppProfile();
  const target = schemaTarget(app);
  const dir = path.resolve(values.migrations ?? app.migrations);
  const file = path.resolve(values.out ?? target.snapshot);
  let snapshot: SchemaSnapshot;
  let from: string;
  if (values["from-db"]) {
    const dbUrl = process.env.SUPABASE_DB_URL?.trim();
    if (!dbUrl) fail("--from-db needs SUPABASE_DB_URL, the postgres:// URL of the database");
    const client = await connectCatalog(dbUrl).catch((error: Error) => fail(error.message, 1));
    try {
      const {
        source: _source,
        unchecked,
        ...read
      } = await inspectCatalog(client, {
        schemas: target.schemas,
      });
      const blind = Object.keys(unchecked);
      if (blind.length > 0)
        fail(`SUPABASE_DB_URL's role may not read ${blind.join(", ")}: use a role that can`, 1);
      snapshot = read;
    } finally {
      await client.end();
    }
    from = "SUPABASE_DB_URL";
  } else {
    snapshot = await snapshotMigrations(dir, target.schemas).catch((error: unknown) => {
      if (error instanceof MigrationError) fail(error.message, 1);
      throw error;
    });
    from = shownPath(dir);
  }
  const text = serializeSnapshot(snapshot);
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  const counts = `${count(Object.keys(snapshot.tables).length, "table")}, ${count(Object.keys(snapshot.functions).length, "function")}, ${count(Object.keys(snapshot.triggers).length, "trigger")}, schemas ${snapshot.schemas.join(", ")}`;
  if (values.check) {
    const current = await readFile(file, "utf8").catch(() => undefined);
    if (current === undefined)
      fail(`no schema snapshot at ${shownPath(file)}: run npm run schema:snapshot`, 1);
    if (current !== text)
      fail(
        `${shownPath(file)} is stale against ${from}: run npm run schema:snapshot and commit the result`,
        1,
      );
    process.stdout.write(`${shownPath(file)} is current (${counts}).\n`);
    return;
  }
  await writeFile(file, text);
  process.stdout.write(`Wrote ${shownPath(file)} from ${from} (${counts}).\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ProfileError) fail(error.message);
  fail(error instanceof Error ? error.message : String(error), 1);
});
