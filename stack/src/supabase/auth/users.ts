import { randomUUID } from "node:crypto";
import { AUTH } from "./config.ts";
import type { Db } from "./db.ts";

export type Metadata = Record<string, unknown>;

/** A row of auth.users (the columns this stand-in reads). */
export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  phone_confirmed_at: Date | null;
  invited_at: Date | null;
  confirmation_token: string | null;
  confirmation_sent_at: Date | null;
  confirmed_at: Date | null;
  recovery_token: string | null;
  recovery_sent_at: Date | null;
  email_change: string | null;
  email_change_token_new: string | null;
  email_change_token_current: string | null;
  email_change_sent_at: Date | null;
  phone_change: string | null;
  phone_change_sent_at: Date | null;
  reauthentication_sent_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Metadata | null;
  raw_user_meta_data: Metadata | null;
  created_at: Date;
  updated_at: Date;
  banned_until: Date | null;
  deleted_at: Date | null;
  is_anonymous: boolean;
  is_sso_user: boolean;
}

/** Columns the API writes after creation; names never come from requests. */
const PATCHABLE = [
  "email",
  "phone",
  "role",
  "encrypted_password",
  "email_confirmed_at",
  "phone_confirmed_at",
  "confirmation_token",
  "confirmation_sent_at",
  "recovery_token",
  "recovery_sent_at",
  "email_change",
  "email_change_token_new",
  "email_change_token_current",
  "email_change_sent_at",
  "email_change_confirm_status",
  "phone_change",
  "phone_change_token",
  "phone_change_sent_at",
  "reauthentication_token",
  "reauthentication_sent_at",
  "last_sign_in_at",
  "raw_app_meta_data",
  "raw_user_meta_data",
  "banned_until",
  "deleted_at",
  "is_anonymous",
] as const;

export type UserPatch = Partial<
  Record<(typeof PATCHABLE)[number], string | number | boolean | Date | Metadata | null>
>;

/** Token columns a verification link or code is matched against. */
export type TokenColumn =
  | "confirmation_token"
  | "recovery_token"
  | "email_change_token_new"
  | "email_change_token_current";

export async function findUserById(
  db: Db,
  id: string,
  options: { lock?: boolean } = {},
): Promise<UserRow | undefined> {
  const lock = options.lock ? " for update" : "";
  const { rows } = await db.query<UserRow>(`select * from auth.users where id = $1${lock}`, [id]);
  return rows[0];
}

export async function findUserByEmail(
  db: Db,
  email: string,
  aud: string,
): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(
    "select * from auth.users where lower(email) = lower($1) and aud = $2 and is_sso_user = false",
    [email, aud],
  );
  return rows[0];
}

export async function findUserByToken(
  db: Db,
  column: TokenColumn,
  tokenHash: string,
): Promise<UserRow | undefined> {
  if (!tokenHash) return undefined;
  const { rows } = await db.query<UserRow>(
    `select * from auth.users where ${column} = $1 and is_sso_user = false for update`,
    [tokenHash],
  );
  return rows[0];
}

export interface NewUser {
  id?: string;
  aud: string;
  role: string;
  email: string | null;
  phone: string | null;
  encryptedPassword: string;
  appMetadata: Metadata;
  userMetadata: Metadata;
}

/** Inserts a user with GoTrue's column defaults (empty token strings, not NULL). */
export async function insertUser(db: Db, user: NewUser): Promise<UserRow> {
  const { rows } = await db.query<UserRow>(
    `insert into auth.users (
       instance_id, id, aud, role, email, phone, encrypted_password,
       raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
       confirmation_token, recovery_token, email_change_token_new, email_change,
       email_change_token_current, phone_change, phone_change_token, reauthentication_token,
       is_sso_user, is_anonymous
     ) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, clock_timestamp(), clock_timestamp(),
       '', '', '', '', '', '', '', '', false, false)
     returning *`,
    [
      AUTH.nilUuid,
      user.id ?? randomUUID(),
      user.aud,
      user.role,
      user.email,
      user.phone,
      user.encryptedPassword,
      user.appMetadata,
      user.userMetadata,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error("insert into auth.users returned no row");
  return row;
}

/** Updates the given columns (and updated_at, as GoTrue's ORM does); returns the new row. */
export async function updateUser(db: Db, id: string, patch: UserPatch): Promise<UserRow> {
  const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
  for (const [column] of entries) {
    if (!(PATCHABLE as readonly string[]).includes(column))
      throw new Error(`auth.users.${column} is not patchable`);
  }
  const sets = entries.map(([column], index) => `${column} = $${index + 2}`);
  sets.push("updated_at = clock_timestamp()");
  const { rows } = await db.query<UserRow>(
    `update auth.users set ${sets.join(", ")} where id = $1 returning *`,
    [id, ...entries.map(([, value]) => value)],
  );
  const row = rows[0];
  if (!row) throw new Error("user vanished during update");
  return row;
}

export async function deleteUser(db: Db, id: string): Promise<void> {
  await db.query("delete from auth.users where id = $1", [id]);
}

/** GoTrue's IsDuplicatedEmail: the other user of the audience that already owns the address. */
export async function duplicateEmailUser(
  db: Db,
  email: string,
  aud: string,
  exceptUserId?: string,
): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(
    `select u.* from auth.users u
     where u.aud = $2 and u.id is distinct from $3::uuid
       and (lower(u.email) = $1
            or u.id in (select user_id from auth.identities where email = $1))
     limit 1`,
    [email.toLowerCase(), aud, exceptUserId ?? null],
  );
  return rows[0];
}

export async function emailTaken(
  db: Db,
  email: string,
  aud: string,
  exceptUserId?: string,
): Promise<boolean> {
  return (await duplicateEmailUser(db, email, aud, exceptUserId)) !== undefined;
}

export async function phoneTaken(db: Db, phone: string, aud: string): Promise<boolean> {
  const { rows } = await db.query(
    "select 1 from auth.users where phone = $1 and aud = $2 and is_sso_user = false",
    [phone, aud],
  );
  return rows.length > 0;
}

/** Merges updates into metadata; a null value deletes its key (GoTrue's UpdateUserMetaData). */
export function mergeMetadata(current: Metadata | null, updates: Metadata): Metadata {
  const merged: Metadata = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export interface UserPage {
  users: UserRow[];
  total: number;
}

export async function listUsers(
  db: Db,
  options: { aud: string; filter: string; ascending: boolean; limit: number; offset: number },
): Promise<UserPage> {
  const where =
    "aud = $1 and ($2 = '' or email like '%' || $2 || '%' or raw_user_meta_data->>'full_name' ilike '%' || $2 || '%')";
  const params = [options.aud, options.filter];
  const direction = options.ascending ? "asc" : "desc";
  const [page, count] = await Promise.all([
    db.query<UserRow>(
      `select * from auth.users where ${where} order by created_at ${direction}, id ${direction} limit $3 offset $4`,
      [...params, options.limit, options.offset],
    ),
    db.query<{ total: string }>(`select count(*) as total from auth.users where ${where}`, params),
  ]);
  return { users: page.rows, total: Number(count.rows[0]?.total ?? 0) };
}
