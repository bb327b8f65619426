import { randomUUID } from "node:crypto";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import pg from "pg";
import WebSocket from "ws";
import { secretBytes } from "../src/supabase/keys.ts";
import { startTestProject, type TestProject } from "./support/supabase.ts";

/** One test file's project, a superuser connection for setup and checks, and clients per key. */
export interface RestBed {
  readonly project: TestProject;
  readonly db: pg.Client;
  readonly anon: SupabaseClient;
  readonly service: SupabaseClient;
  /** A client for `user`: the anon key plus the user's access token. */
  as(user: TestUser): Promise<SupabaseClient>;
  close(): Promise<void>;
}

/** Boots the stand-in and runs `setupSql` (scratch tables, functions) as the superuser. */
export async function startRestBed(setupSql = ""): Promise<RestBed> {
  const project = await startTestProject();
  const db = new pg.Client(project.postgres.url);
  try {
    await db.connect();
    if (setupSql) await db.query(setupSql);
  } catch (error) {
    await db.end().catch(() => {});
    await project.close();
    throw error;
  }
  return {
    project,
    db,
    anon: restClient(project, project.keys.anonKey),
    service: restClient(project, project.keys.serviceRoleKey),
    as: async (user) =>
      restClient(project, project.keys.anonKey, await accessToken(project.keys.jwtSecret, user)),
    async close() {
      await db.end().catch(() => {});
      await project.close();
    },
  };
}

/**
 * An unmodified supabase-js client. `accessToken` plays a signed-in user;
 * Node 20 lacks the WebSocket realtime wants at construction, so it gets `ws`
 * (realtime is never used here).
 */
export function restClient(
  project: TestProject,
  key: string,
  accessToken?: string,
): SupabaseClient {
  return createClient(project.api.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
    ...(accessToken ? { global: { headers: { Authorization: `Bearer ${accessToken}` } } } : {}),
  });
}

export interface TestUser {
  readonly id: string;
  readonly email: string;
}

/**
 * A user made the way the Auth API's sign-up ends: a row in auth.users, which
 * the app's trigger turns into a profile. Independent of the Auth API.
 */
export async function createUser(
  db: pg.ClientBase,
  label: string,
  fullName: string,
): Promise<TestUser> {
  const id = randomUUID();
  const email = `rest-test-${label}-${id.slice(0, 8)}@example.test`;
  await db.query(
    `insert into auth.users (id, aud, role, email, raw_user_meta_data, email_confirmed_at, created_at, updated_at)
     values ($1, 'authenticated', 'authenticated', $2, $3, now(), now(), now())`,
    [id, email, { full_name: fullName }],
  );
  return { id, email };
}

/** An access token as Supabase Auth signs them (HS256 with the project's JWT secret). */
export async function accessToken(
  jwtSecret: string,
  user: TestUser,
  options: { expiresInS?: number; role?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: user.id,
    role: options.role ?? "authenticated",
    aud: "authenticated",
    email: user.email,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInS ?? 3600))
    .sign(secretBytes(jwtSecret));
}

/** A raw Data API request with the anon key (or other headers), as curl would send it. */
export function restFetch(
  project: TestProject,
  path: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${project.api.url}/rest/v1${path}`, {
    ...init,
    headers: { apikey: project.keys.anonKey, ...init.headers },
  });
}
