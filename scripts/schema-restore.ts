// `npm run schema:restore`: re-apply the app's migrations (the profile's
// `migrations`, default supabase/migrations) to the target's database
// (SUPABASE_DB_URL), then check the schema against the profile's manifest.
import path from "node:path";
import { loadAppProfile } from "../contract/load.ts";
import { ProfileError } from "../contract/profile.ts";
import { inspectViaCatalog } from "../schema/catalog.ts";
import { diffSchema, formatDrift } from "../schema/diff.ts";
import { restoreMigrations } from "../schema/restore.ts";
import { ConfigError, loadDotenv } from "../target/config.ts";
import { parseCommandLine } from "./command-line.ts";

const USAGE = `Usage: npm run schema:restore -- [--allow-production] [--migrations DIR]

Re-applies the app's migrations (the app profile's \`migrations\`, default
supabase/migrations; --migrations overrides it) to SUPABASE_DB_URL (what is missing is created,
what exists is left alone), then reports any drift that remains.
Refuses SYNTHETIC_ENV=production unless --allow-production is given.`;

function fail(message: string, code = 2): never {
  process.stderr.write(`schema:restore: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const values = parseCommandLine("schema:restore", USAGE, {
    "allow-production": { type: "boolean" },
    migrations: { type: "string" },
    help: { type: "boolean" },
  });
  loadDotenv();
  const env = process.env.SYNTHETIC_ENV || "local";
  const dbUrl = process.env.SUPABASE_DB_URL?.trim();
  if (!dbUrl) fail("SUPABASE_DB_URL is not set: it needs a postgres:// URL of the target database");
  if (!/^postgres(ql)?:\/\//.test(dbUrl) || !URL.canParse(dbUrl))
    fail("SUPABASE_DB_URL must be a postgres:// connection URL");
  if (env === "production" && !values["allow-production"]) {
    fail("SYNTHETIC_ENV is production: refusing to change its schema without --allow-production");
  }
  const app = await loadAppProfile();
  const expectedSchema = app.schema;
  const dir = path.resolve(values.migrations ?? app.migrations);
  process.stdout.write(
    `Restoring the schema of the ${env} database from ${path.relative(process.cwd(), dir) || dir}\n`,
  );
  const steps = await restoreMigrations(dbUrl, dir).catch((error: Error) =>
    fail(
      `could not reach the database: ${error.message.replaceAll(dbUrl, "<SUPABASE_DB_URL>")}`,
      1,
    ),
  );
  for (const step of steps) {
    process.stdout.write(
      `  ${step.outcome.padEnd(16)} ${step.migration}${step.outcome === "failed" ? `: ${step.detail}` : ""}\n`,
    );
  }
  const drift = diffSchema(expectedSchema, await inspectViaCatalog(expectedSchema, dbUrl));
  process.stdout.write(`\n${formatDrift(drift, "Postgres catalogs")}\n`);
  if (drift.length > 0) {
    process.stdout.write(
      "\nWhat remains was not created by re-running migrations (objects partly present). Write a migration that fixes it, or restore from a backup.\n",
    );
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ProfileError) fail(error.message);
  fail(error instanceof Error ? error.message : String(error), 1);
});
