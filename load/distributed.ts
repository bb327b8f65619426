import { writeFile } from "node:fs/promises";
import type { TableProfile } from "../contract/profile.ts";
import type { TargetConfig } from "../target/config.ts";
import { newSupabaseClient } from "../target/supabase-client.ts";
import { cleanupOptions } from "../target/user-cleanup.ts";
import { appPaths } from "./app-paths.ts";
import { artilleryEnv, LOGIN_USERS, type LoadApp } from "./run.ts";
import { createLoginUsers, deleteRunUsers } from "./users.ts";

/**
 * For Artillery's distributed runs (run-fargate, run-lambda), where `npm run
 * load` does not drive the workers: makes the login users once and writes
 * the workers' environment as a dotenv file for `--dotenv`. The file holds
 * those users' passwords, so it is readable by its owner only; delete it and
 * the users (`npm run load -- --cleanup-run <run id>`) after the run.
 */
export async function writeWorkerDotenv(
  file: string,
  target: TargetConfig,
  app: LoadApp,
): Promise<void> {
  const admin = newSupabaseClient(target.supabaseUrl, target.serviceRoleKey);
  const users = await createLoginUsers(
    admin,
    { prefix: target.emailPrefix, runId: target.runId, workerIndex: 0, domain: target.emailDomain },
    LOGIN_USERS,
  );
  const lines = Object.entries(artilleryEnv(target, appPaths(app), users)).map(
    // Single quotes: dotenv keeps JSON's double quotes inside them as they are.
    ([name, value]) => `${name}='${value}'`,
  );
  await writeFile(
    file,
    `# Artillery workers' environment for run ${target.runId} (npm run load -- --write-dotenv)\n${lines.join("\n")}\n`,
    { mode: 0o600 },
  );
}

/** After a distributed run, or one that was killed: its login and registered users. */
export async function deleteUsersOfRun(
  target: TargetConfig,
  runId: string,
  tables: readonly TableProfile[],
): Promise<number> {
  const admin = newSupabaseClient(target.supabaseUrl, target.serviceRoleKey);
  // Its start is unknown here: read the whole user list.
  return deleteRunUsers(admin, {
    prefix: target.emailPrefix,
    runId,
    since: new Date(0),
    cleanup: cleanupOptions(target, tables),
  });
}
