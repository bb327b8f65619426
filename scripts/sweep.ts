// `npm run sweep`: delete synthetic users older than N minutes from the target.

import { ConfigError, hasNoTarget, loadDotenv, parseConfig } from "../target/config.ts";
import { newSupabaseClient } from "../target/supabase-client.ts";
import { sweepSyntheticUsers } from "../target/synthetic-users.ts";
import { parseCommandLine } from "./command-line.ts";

const USAGE = `Usage: npm run sweep -- [--older-than MINUTES]

Deletes synthetic users (address <prefix>-<run>-w<n>-…@<domain>, with
user_metadata.synthetic = true or on SYNTHETIC_EMAIL_DOMAIN) created more
than MINUTES ago (default 60) in the configured target, and says how many.`;

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
      "no target configured: set FRONTEND_URL, BACKEND_URL, SUPABASE_URL and the keys (see README)",
    );
  const config = parseConfig();
  const admin = newSupabaseClient(config.supabaseUrl, config.serviceRoleKey);
  const { scanned, deleted } = await sweepSyntheticUsers(admin, {
    prefix: config.emailPrefix,
    domain: config.emailDomain,
    olderThanMinutes: minutes,
  });
  process.stdout.write(
    `Swept ${config.env}: deleted ${deleted} synthetic user${deleted === 1 ? "" : "s"} older than ${minutes} min (scanned ${scanned}).\n`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) fail(error.message);
  fail(error instanceof Error ? error.message : String(error), 1);
});
