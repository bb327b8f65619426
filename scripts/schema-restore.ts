// `npm run schema:restore`: the statements that bring the target's database
// (SUPABASE_DB_URL) back to what the app's migrations make, shown as a dry
// run; with --apply, applied in one transaction, then the schema is compared
// again in full.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { loadAppProfile } from "../contract/load.ts";
import { ProfileError, schemaTarget } from "../contract/profile.ts";
import { connectCatalog, inspectCatalog } from "../schema/catalog.ts";
import { diffSchema, formatDrift } from "../schema/diff.ts";
import {
  applyRestore,
  type PlanStep,
  planAgainst,
  redact,
  type StepOutcome,
} from "../schema/restore.ts";
import { MigrationError, withScratchDatabase } from "../schema/scratch.ts";
import type { SchemaSnapshot } from "../schema/snapshot.ts";
import { ConfigError, loadDotenv } from "../target/config.ts";
import { parseCommandLine, shownPath } from "./command-line.ts";

const USAGE = `Usage: npm run schema:restore -- [--apply] [--allow-production] [--migrations DIR] [--sql FILE]

Builds the expected schema from the app's migrations (the app profile's
\`migrations\`, default supabase/migrations) in a scratch Postgres, and prints
the statements that bring SUPABASE_DB_URL's app schemas back to it: what is
missing is created, what differs is replaced, extra policies and grants are
removed. Tables, columns and other objects that may hold data are never
dropped: they are listed as left alone, with the reason.

Without --apply nothing changes (a dry run; exit 1 when there is drift).

  --apply             apply the plan in one transaction, then compare again
  --allow-production  let --apply change a database with SYNTHETIC_ENV=production
  --migrations DIR    another migrations folder
  --sql FILE          also write the statements to apply to FILE (a migration to review)`;

function fail(message: string, code = 2): never {
  process.stderr.write(`schema:restore: ${message}\n`);
  process.exit(code);
}

const say = (line = "") => process.stdout.write(`${line}\n`);
const indent = (sql: string) =>
  sql
    .split("\n")
    .map((line) => `       ${line}`)
    .join("\n");

function printPlan(steps: PlanStep[]): void {
  const changes = steps.filter((step) => step.action === "apply").length;
  const kept = steps.length - changes;
  say(
    `Plan: ${changes} change${changes === 1 ? "" : "s"}${kept > 0 ? `, ${kept} difference${kept === 1 ? "" : "s"} left alone` : ""}`,
  );
  steps.forEach((step, index) => {
    const number = `${index + 1}.`.padEnd(4);
    say(step.action === "apply" ? `  ${number}apply` : `  ${number}left alone: ${step.reason}`);
    say(indent(step.sql));
  });
}

function printOutcomes(outcomes: StepOutcome[]): void {
  for (const { step, outcome, detail } of outcomes) {
    const first = step.sql.split("\n")[0] ?? "";
    say(`  ${outcome.padEnd(12)} ${first}${step.sql.includes("\n") ? " …" : ""}`);
    if (detail) say(`               ${detail}`);
  }
}

async function readSchema(url: string, schemas: string[]) {
  const client = await connectCatalog(url);
  try {
    return await inspectCatalog(client, { schemas });
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const values = parseCommandLine("schema:restore", USAGE, {
    apply: { type: "boolean" },
    "allow-production": { type: "boolean" },
    migrations: { type: "string" },
    sql: { type: "string" },
    help: { type: "boolean" },
  });
  loadDotenv();
  const env = process.env.SYNTHETIC_ENV || "local";
  const dbUrl = process.env.SUPABASE_DB_URL?.trim();
  if (!dbUrl) fail("SUPABASE_DB_URL is not set: it needs a postgres:// URL of the target database");
  if (!/^postgres(ql)?:\/\//.test(dbUrl) || !URL.canParse(dbUrl))
    fail("SUPABASE_DB_URL must be a postgres:// connection URL");
  if (values.apply && env === "production" && !values["allow-production"])
    fail("SYNTHETIC_ENV is production: refusing to change its schema without --allow-production");
  const app = await loadAppProfile();
  const { schemas } = schemaTarget(app);
  const dir = path.resolve(values.migrations ?? app.migrations);
  say(
    `Schema restore for the ${env} database (SUPABASE_DB_URL), schemas ${schemas.join(", ")}, from ${shownPath(dir)}`,
  );

  return withScratchDatabase(dir, async (scratch) => {
    say(`Expected schema built from ${scratch.migrations.length} migrations.`);
    const steps = await planAgainst(dbUrl, scratch.url, { schemas });
    if (steps.length === 0) {
      say("Nothing to restore: the app's schemas are what the migrations make.");
      return 0;
    }
    printPlan(steps);
    if (values.sql) {
      const statements = steps.filter((step) => step.action === "apply").map((step) => step.sql);
      await writeFile(values.sql, `${statements.join("\n\n")}\n`);
      say(`Wrote the statements to apply to ${shownPath(path.resolve(values.sql))}.`);
    }
    if (!values.apply) {
      say("\nDry run: nothing changed. Run with --apply to make these changes.");
      return 1;
    }
    say("\nApplying in one transaction (a step that fails is undone alone):");
    const outcomes = await applyRestore(dbUrl, { migrations: scratch.migrations, steps });
    printOutcomes(outcomes);

    const {
      source: _source,
      unchecked: _unchecked,
      ...expected
    } = await readSchema(scratch.url, schemas);
    const found = await readSchema(dbUrl, schemas);
    const drift = diffSchema(expected as SchemaSnapshot, found, app.schema);
    say(`\n${formatDrift(drift, found)}`);
    if (drift.length === 0) return 0;
    say(
      "\nWhat remains was left alone on purpose or could not be applied (see above): fix the data or write a migration for it, or restore from a backup.",
    );
    return 1;
  });
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof ProfileError) fail(error.message);
    if (error instanceof MigrationError) fail(error.message);
    const message = error instanceof Error ? error.message : String(error);
    const url = process.env.SUPABASE_DB_URL?.trim();
    fail(url ? redact(message, url) : message, 1);
  });
