// `npm run sweep`: delete synthetic users older than N minutes from the target.

import { loadAppProfile } from "../contract/load.ts";
import { ProfileError } from "../contract/profile.ts";
import { ConfigError, hasNoTarget, loadDotenv, parseConfig } from "../target/config.ts";
import { newSupabaseClient } from "../target/supabase-client.ts";
import { describeFailures, sweepSyntheticUsers } from "../target/synthetic-users.ts";
import { cleanupOptions } from "../target/user-cleanup.ts";
import { parseCommandLine } from "./command-line.ts";

const USAGE = `Usage: npm run sweep -- [--older-than MINUTES]

Deletes synthetic users (address <prefix>-<run>-w<n>-…@<domain>, with
user_metadata.synthetic = true or on SYNTHETIC_EMAIL_DOMAIN) created more
than MINUTES ago (default 60) in the configured target, and says how many.
A user that cannot be deleted is reported with the reason (the table and
constraint in the way, with SUPABASE_DB_URL set); the sweep goes on past it
and exits 1.`;

function fail(message: string, code = 2): never {
  process.stderr.write(`sweep: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const values = parseCommandLine("sweep", USAGE, {
    "older-than": { type: "string" },
    help: { type: "boolean" },
  });
  const minutes = Number(values["older-than"] ?? "60");
  if (!Number.isFinite(minutes) || minutes < 0)
    fail(`--older-than must be a number of minutes, got "${values["older-than"]}"`);
  loadDotenv();
  if (hasNoTarget())
    fail(
      "no target configured: set FRONTEND_URL, SUPABASE_URL and the keys (BACKEND_URL if the app has a backend; see README)",
    );
  const config = parseConfig();
  const app = await loadAppProfile();
  const admin = newSupabaseClient(config.supabaseUrl, config.serviceRoleKey);
  const { scanned, deleted, failures } = await sweepSyntheticUsers(admin, {
    prefix: config.emailPrefix,
    domain: config.emailDomain,
    inbox: config.emailInbox,
    olderThanMinutes: minutes,
    cleanup: cleanupOptions(config, app.tables),
  });
  process.stdout.write(
    `Swept ${config.env}: deleted ${deleted} synthetic user${deleted === 1 ? "" : "s"} older than ${minutes} min (scanned ${scanned}).\n`,
  );
  if (failures.length === 0) return;
  for (const line of describeFailures(failures)) process.stderr.write(`sweep: ${line}\n`);
  fail(
    `${failures.length} synthetic user${failures.length === 1 ? "" : "s"} could not be deleted (reasons above)`,
    1,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ProfileError) fail(error.message);
  fail(error instanceof Error ? error.message : String(error), 1);
});
