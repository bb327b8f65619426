import { randomUUID } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { Db } from "./db.ts";

/** How a session was authenticated, as GoTrue records it for the `amr` claim. */
export type AuthMethod = "password" | "otp" | "email/signup" | "recovery" | "magiclink";

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  updated_at: Date;
  aal: string | null;
}

export interface AmrEntry {
  method: string;
  timestamp: number;
}

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>(
    "select id, user_id, created_at, updated_at, aal from auth.sessions where id = $1",
    [id],
  );
  return rows[0];
}

export async function createSession(
  db: Db,
  userId: string,
  method: AuthMethod,
  request: FastifyRequest,
): Promise<SessionRow> {
  const { rows } = await db.query<SessionRow>(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
     values ($1, $2, now(), now(), 'aal1', $3, $4)
     returning id, user_id, created_at, updated_at, aal`,
    [randomUUID(), userId, request.headers["user-agent"] ?? null, request.ip || null],
  );
  const session = rows[0];
  if (!session) throw new Error("insert into auth.sessions returned no row");
  await db.query(
    `insert into auth.mfa_amr_claims (id, session_id, created_at, updated_at, authentication_method)
     values ($1, $2, now(), now(), $3)`,
    [randomUUID(), session.id, method],
  );
  return session;
}

/** Records a refresh on the session, as GoTrue's UpdateOnlyRefreshInfo. */
export async function touchSession(db: Db, id: string, request: FastifyRequest): Promise<void> {
  await db.query(
    `update auth.sessions
     set refreshed_at = now() at time zone 'utc', updated_at = now(), user_agent = $2, ip = $3
     where id = $1`,
    [id, request.headers["user-agent"] ?? null, request.ip || null],
  );
}

/** The session's authentication methods, most recent first. */
export async function sessionAmr(db: Db, sessionId: string): Promise<AmrEntry[]> {
  const { rows } = await db.query<{ method: string; updated_at: Date }>(
    `select authentication_method as method, updated_at from auth.mfa_amr_claims
     where session_id = $1 order by updated_at desc`,
    [sessionId],
  );
  return rows.map((row) => ({
    method: row.method,
    timestamp: Math.floor(row.updated_at.getTime() / 1000),
  }));
}

/** Ends every session of the user; their refresh tokens go with them (FK cascade). */
export async function endAllSessions(db: Db, userId: string): Promise<void> {
  await db.query("delete from auth.sessions where user_id = $1", [userId]);
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.query("delete from auth.sessions where id = $1", [sessionId]);
}

export async function endOtherSessions(db: Db, userId: string, keepId: string): Promise<void> {
  await db.query("delete from auth.sessions where user_id = $1 and id <> $2", [userId, keepId]);
}
