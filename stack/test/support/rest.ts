import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import pg from "pg";
import { secretBytes } from "../../src/supabase/keys.ts";
import { apiFetch, supabaseClient } from "./clients.ts";
import { startTestProject, type TestProject } from "./supabase.ts";

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

/** An unmodified supabase-js client; `accessToken` plays a signed-in user. */
export const restClient = supabaseClient;

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
export const restFetch = (
  project: TestProject,
  path: string,
  init?: RequestInit & { headers?: Record<string, string> },
) => apiFetch(project, "/rest/v1", path, init);
