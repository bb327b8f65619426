import { randomBytes } from "node:crypto";
import type { SupabaseClient, User } from "@supabase/supabase-js";
import {
  type DeleteUserOptions,
  deleteFailureMessage,
  deleteOwnedRows,
  diagnose,
} from "./user-cleanup.ts";

/**
 * Synthetic users are recognisable by their address,
 * `<prefix>-<runId>-w<worker>-<random>@<domain>` (a catch-all domain), or
 * `<inbox>+<prefix>-<runId>-w<worker>-<random>@<inbox's domain>` when one
 * real inbox takes them by plus-addressing (SYNTHETIC_EMAIL_INBOX). Those the suite creates
 * through the admin API also carry `user_metadata.synthetic = true` with the
 * run id; those it registers through the app's own sign-up (registration
 * journeys, the load test's register scenario) cannot, so for them the
 * address must be on the synthetic domain. A sweeper finds both kinds of
 * leftover on a shared environment without touching real users.
 */
export interface SyntheticIdentity {
  prefix: string;
  runId: string;
  workerIndex: number;
  domain: string;
  /** One address (monitor@example.com) whose plus-addresses the users get instead of `domain`. */
  inbox?: string;
}

export interface SyntheticUser {
  id: string;
  email: string;
  password: string;
  fullName: string;
}

const EMAIL =
  /^(?:([^@+\s]+)\+)?([a-z][a-z0-9]{1,19})-([a-z0-9]{4,16})-w(\d{1,3})-([a-z0-9]{6,})@([^@\s]+)$/;

export function syntheticEmail(identity: SyntheticIdentity): string {
  const random = randomBytes(6).toString("hex");
  const tag = `${identity.prefix}-${identity.runId}-w${identity.workerIndex}-${random}`;
  if (identity.inbox === undefined) return `${tag}@${identity.domain}`;
  const [local, domain] = identity.inbox.toLowerCase().split("@");
  return `${local}+${tag}@${domain}`;
}

/** The run and worker a synthetic address belongs to; undefined for any other address. */
export function parseSyntheticEmail(
  email: string,
  prefix: string,
): { runId: string; workerIndex: number } | undefined {
  const match = EMAIL.exec(email.toLowerCase());
  if (!match || match[2] !== prefix) return undefined;
  return { runId: match[3] ?? "", workerIndex: Number(match[4]) };
}

export function syntheticPassword(): string {
  return `Sy-${randomBytes(12).toString("base64url")}9`;
}

export function syntheticMetadata(runId: string, fullName: string): Record<string, unknown> {
  return { synthetic: true, run_id: runId, full_name: fullName };
}

/**
 * A synthetic address that is also marked synthetic, or lands where only
 * synthetic mail goes: on the synthetic domain, or plus-addressed on the inbox.
 */
export function isSyntheticUser(
  user: Pick<User, "email" | "user_metadata">,
  naming: { prefix: string; domain: string; inbox?: string | undefined },
): boolean {
  const email = (user.email ?? "").toLowerCase();
  if (parseSyntheticEmail(email, naming.prefix) === undefined) return false;
  if (user.user_metadata?.synthetic === true) return true;
  const [local = "", domain = ""] = email.split("@");
  if (domain === naming.domain.toLowerCase()) return true;
  const inbox = naming.inbox?.toLowerCase();
  return inbox !== undefined && local.includes("+") && `${local.split("+")[0]}@${domain}` === inbox;
}

/** Creates a confirmed synthetic user through the admin API. */
export async function createSyntheticUser(
  admin: SupabaseClient,
  identity: SyntheticIdentity,
): Promise<SyntheticUser> {
  const email = syntheticEmail(identity);
  const password = syntheticPassword();
  const fullName = `Synthetic ${identity.runId} w${identity.workerIndex}`;
  const { data, error } = await admin.auth.admin.createUser({
    email,
    password,
    email_confirm: true,
    user_metadata: syntheticMetadata(identity.runId, fullName),
  });
  if (error || !data.user) {
    throw new Error(
      `admin createUser failed for ${email}: ${error?.status ?? ""} ${error?.code ?? ""} ${error?.message ?? "no user returned"}`,
    );
  }
  return { id: data.user.id, email, password, fullName };
}

/**
 * Deletes a user by id; a user already gone counts as deleted. The user's
 * rows of `options.tables` go first. When Auth refuses, the error says why
 * and names the tables in the way if `options.dbUrl` is given.
 */
export async function deleteUser(
  admin: SupabaseClient,
  id: string,
  options: DeleteUserOptions = {},
): Promise<void> {
  const rowProblems = await deleteOwnedRows(admin, id, options.tables ?? []);
  const { error } = await admin.auth.admin.deleteUser(id);
  if (!error || error.status === 404) return;
  const message = deleteFailureMessage(id, error, await diagnose(options.dbUrl, id));
  throw new Error(
    rowProblems.length > 0 ? `${message} Before that, ${rowProblems.join("; ")}.` : message,
  );
}

export interface DeletionFailure {
  id: string;
  email: string;
  reason: string;
}

/** Deletes each user, going on past those that cannot be deleted, and says why for each. */
export async function deleteUsers(
  admin: SupabaseClient,
  users: ReadonlyArray<Pick<User, "id" | "email">>,
  options: DeleteUserOptions = {},
): Promise<{ deleted: number; failures: DeletionFailure[] }> {
  const failures: DeletionFailure[] = [];
  for (const { id, email } of users) {
    await deleteUser(admin, id, options).catch((error: Error) =>
      failures.push({ id, email: email ?? "", reason: error.message }),
    );
  }
  return { deleted: users.length - failures.length, failures };
}

/** One line per user not deleted: its address and why. */
export function describeFailures(failures: readonly DeletionFailure[]): string[] {
  return failures.map((failure) => `${failure.email || failure.id}: ${failure.reason}`);
}

const PER_PAGE = 200;

/**
 * The admin API's user list, one page at a time, newest first: callers stop
 * as soon as they have what they need, so a project with many users is not
 * read whole. Ends after the last (short) page or `maxPages`.
 */
export async function* userPages(
  admin: SupabaseClient,
  maxPages = Number.POSITIVE_INFINITY,
): AsyncGenerator<User[]> {
  for (let page = 1; page <= maxPages; page++) {
    const { data, error } = await admin.auth.admin.listUsers({ page, perPage: PER_PAGE });
    if (error) throw new Error(`admin listUsers failed: ${error.status ?? ""} ${error.message}`);
    yield data.users;
    if (data.users.length < PER_PAGE) return;
  }
}

/** Finds a user by email (recent users come early). */
export async function findUserByEmail(
  admin: SupabaseClient,
  email: string,
  maxPages = 20,
): Promise<User | undefined> {
  const wanted = email.toLowerCase();
  for await (const users of userPages(admin, maxPages)) {
    const hit = users.find((user) => user.email?.toLowerCase() === wanted);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Deletes synthetic users (see isSyntheticUser) older than
 * `olderThanMinutes`, going on past those that cannot be deleted. Returns
 * how many were scanned and deleted, and the reason for each one that was not.
 */
export async function sweepSyntheticUsers(
  admin: SupabaseClient,
  options: {
    prefix: string;
    domain: string;
    inbox?: string | undefined;
    olderThanMinutes: number;
    now?: Date;
    cleanup?: DeleteUserOptions;
  },
): Promise<{ scanned: number; deleted: number; failures: DeletionFailure[] }> {
  const cutoff = (options.now ?? new Date()).getTime() - options.olderThanMinutes * 60_000;
  const doomed: User[] = [];
  let scanned = 0;
  for await (const users of userPages(admin)) {
    scanned += users.length;
    for (const user of users) {
      if (isSyntheticUser(user, options) && Date.parse(user.created_at) < cutoff) doomed.push(user);
    }
  }
  return { scanned, ...(await deleteUsers(admin, doomed, options.cleanup)) };
}
