import { randomBytes } from "node:crypto";
import { AUTH } from "./config.ts";
import type { Db } from "./db.ts";

/** A row of auth.refresh_tokens (GoTrue's legacy, 12-character tokens). */
export interface RefreshTokenRow {
  id: string;
  token: string;
  user_id: string;
  revoked: boolean;
  parent: string | null;
  session_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** 12 random lower-case base32 characters, as GoTrue's SecureAlphanumeric(12). */
function newToken(): string {
  const bytes = randomBytes(12);
  let token = "";
  for (const byte of bytes) token += BASE32[byte & 31];
  return token;
}

export async function grantRefreshToken(
  db: Db,
  userId: string,
  sessionId: string,
  parent: string | null,
): Promise<RefreshTokenRow> {
  const { rows } = await db.query<RefreshTokenRow>(
    `insert into auth.refresh_tokens
       (instance_id, token, user_id, revoked, parent, session_id, created_at, updated_at)
     values ($1, $2, $3, false, $4, $5, now(), now())
     returning *`,
    [AUTH.nilUuid, newToken(), userId, parent, sessionId],
  );
  const row = rows[0];
  if (!row) throw new Error("insert into auth.refresh_tokens returned no row");
  return row;
}

export async function findRefreshToken(
  db: Db,
  token: string,
): Promise<RefreshTokenRow | undefined> {
  const { rows } = await db.query<RefreshTokenRow>(
    "select * from auth.refresh_tokens where token = $1 for update",
    [token],
  );
  return rows[0];
}

/** The session's newest token that is still valid. */
export async function activeRefreshToken(
  db: Db,
  sessionId: string,
): Promise<RefreshTokenRow | undefined> {
  const { rows } = await db.query<RefreshTokenRow>(
    `select * from auth.refresh_tokens where session_id = $1 and revoked = false
     order by updated_at desc, id desc limit 1`,
    [sessionId],
  );
  return rows[0];
}

export async function revokeRefreshToken(db: Db, id: string): Promise<void> {
  await db.query(
    "update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1",
    [id],
  );
}

/** GoTrue's RevokeTokenFamily for tokens bound to a session. */
export async function revokeSessionTokens(db: Db, sessionId: string): Promise<void> {
  await db.query(
    "update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and revoked = false",
    [sessionId],
  );
}
