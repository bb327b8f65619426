import { randomBytes } from "node:crypto";
import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import type { TableProfile } from "../../contract/index.ts";
import type { SyntheticUser } from "../../target/synthetic-users.ts";

// What a client can do to a declared table through the Data API, observed:
// how many rows it reads, and whether a write was refused. Judging the
// observation against the declaration is data-access.spec.ts's job.

/** How the table is named in messages: `public.profiles`. */
export function tableName(table: TableProfile): string {
  return `${table.schema}.${table.name}`;
}

function from(client: SupabaseClient, table: TableProfile) {
  return client.schema(table.schema).from(table.name);
}

/** The row the suite writes for `user`: the seed, placeholders filled, owned by the user. */
export function ownedRow(table: TableProfile, user: SyntheticUser): Record<string, unknown> {
  const fill = (value: unknown) =>
    typeof value === "string"
      ? value
          .replaceAll("{email}", user.email)
          .replaceAll("{fullName}", user.fullName)
          .replaceAll("{id}", user.id)
      : value;
  const seed = Object.entries(table.seed).map(([column, value]) => [column, fill(value)]);
  return { [table.ownerColumn]: user.id, ...Object.fromEntries(seed) };
}

/**
 * The column update checks write: the declared `writableColumn`, else the
 * first seed column holding text; undefined when the profile offers none.
 */
export function updateColumn(table: TableProfile): string | undefined {
  if (table.writableColumn) return table.writableColumn;
  return Object.entries(table.seed).find(
    ([column, value]) => column !== table.ownerColumn && typeof value === "string",
  )?.[0];
}

function describeError(error: PostgrestError): string {
  return `${error.code || "no code"} ${error.message}`;
}

/**
 * Gives `user` a row through the service role unless one exists (a sign-up
 * trigger may have made it), so a check never passes for want of data.
 * Select first, then insert: the owner column need not be unique
 * (notes.user_id), so an upsert on it could not be relied on.
 */
export async function ensureRow(
  admin: SupabaseClient,
  table: TableProfile,
  user: SyntheticUser,
): Promise<void> {
  const cannot = (step: string, error: PostgrestError) =>
    new Error(
      `cannot check ${tableName(table)}: ${step} as the service role failed: ${describeError(error)}; check the table's schema, name, ownerColumn and seed in the app profile`,
    );
  const existing = await from(admin, table)
    .select(table.ownerColumn)
    .eq(table.ownerColumn, user.id)
    .limit(1);
  if (existing.error) throw cannot("reading the user's rows", existing.error);
  if ((existing.data ?? []).length > 0) return;
  const { error } = await from(admin, table).insert(ownedRow(table, user));
  if (error) throw cannot("writing a row for the user", error);
}

/**
 * How many rows `client` reads (up to 5), all of the table or those owned by
 * `ownerId`. Refused by privileges (42501) reads nothing; any other error
 * means the check cannot tell, and says so.
 */
export async function readRows(
  client: SupabaseClient,
  table: TableProfile,
  ownerId?: string,
): Promise<number> {
  const query = from(client, table).select(table.ownerColumn).limit(5);
  const { data, error } = await (ownerId === undefined
    ? query
    : query.eq(table.ownerColumn, ownerId));
  if (error?.code === "42501") return 0;
  if (error)
    throw new Error(`cannot check ${tableName(table)}: reading failed: ${describeError(error)}`);
  return data.length;
}

/**
 * A write as the database answered it: refused (42501), or let past
 * privileges and policies, perhaps to fail on a constraint (`failedOnly`).
 */
export type WriteOutcome = { allowed: false } | { allowed: true; failedOnly?: string };

/**
 * Privileges and row level security are checked before constraints: a 23xxx
 * error means the write got past both and failed only on the data. Anything
 * else (the Data API refusing the request, a bad value) cannot tell.
 */
function judgeWrite(table: TableProfile, error: PostgrestError | null): WriteOutcome | undefined {
  if (!error) return undefined;
  if (error.code === "42501") return { allowed: false };
  if (error.code.startsWith("23")) return { allowed: true, failedOnly: describeError(error) };
  throw new Error(
    `cannot check ${tableName(table)}: the write failed with ${describeError(error)}, which is no refusal (42501)`,
  );
}

export async function tryInsert(
  client: SupabaseClient,
  table: TableProfile,
  row: Record<string, unknown>,
): Promise<WriteOutcome> {
  const { error } = await from(client, table).insert(row);
  return judgeWrite(table, error) ?? { allowed: true };
}

/**
 * Sets `column` of `ownerId`'s rows to a fresh value as `client`, then reads
 * them back through the service role: an update hidden by a policy answers
 * with no error and no rows, so only the stored value tells.
 */
export async function tryUpdate(
  client: SupabaseClient,
  admin: SupabaseClient,
  table: TableProfile,
  column: string,
  ownerId: string,
): Promise<WriteOutcome> {
  const marker = `changed by another ${randomBytes(4).toString("hex")}`;
  const { error } = await from(client, table)
    .update({ [column]: marker })
    .eq(table.ownerColumn, ownerId);
  const judged = judgeWrite(table, error);
  if (judged) return judged;
  const stored = await from(admin, table).select(column).eq(table.ownerColumn, ownerId);
  if (stored.error)
    throw new Error(
      `cannot check ${tableName(table)}: reading ${column} back as the service role failed: ${describeError(stored.error)}`,
    );
  const changed = (stored.data as unknown as Array<Record<string, unknown>>).some(
    (row) => row[column] === marker,
  );
  return { allowed: changed };
}

/** A client signed in as `user`. */
export async function signedIn(
  newAnonClient: () => SupabaseClient,
  user: SyntheticUser,
): Promise<SupabaseClient> {
  const client = newAnonClient();
  const { error } = await client.auth.signInWithPassword({
    email: user.email,
    password: user.password,
  });
  if (error)
    throw new Error(`cannot check: signing in as a synthetic user failed: ${error.message}`);
  return client;
}
