import { randomUUID } from "node:crypto";
import { after, before } from "node:test";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import pg from "pg";
import WebSocket from "ws";
import { startTestProject, type TestProject } from "./support/supabase.ts";

export interface ProjectUnderTest {
  readonly project: TestProject;
  /** A direct connection to the project's Postgres, to look at what the API stored. */
  readonly db: pg.Client;
}

/**
 * Boots one stand-in project (and a database connection to it) for the
 * enclosing describe block, and stops both after it. Read the fields inside tests.
 */
export function useProject(options: { smtpUrl?: () => string } = {}): ProjectUnderTest {
  let project: TestProject | undefined;
  let db: pg.Client | undefined;
  before(async () => {
    project = await startTestProject({ smtpUrl: options.smtpUrl?.() });
    db = new pg.Client(project.postgres.url);
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await project?.close();
  });
  return {
    get project() {
      if (!project) throw new Error("the project is not running (outside a test?)");
      return project;
    },
    get db() {
      if (!db) throw new Error("the database is not connected (outside a test?)");
      return db;
    },
  };
}

/**
 * An unmodified supabase-js client for the project. Node 20 has no global
 * WebSocket, which supabase-js's realtime part insists on at construction,
 * so it gets the `ws` package (realtime is never used here).
 */
export function supabaseClient(project: TestProject, key: string): SupabaseClient {
  return createClient(project.api.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  });
}

export const anonClient = (project: TestProject) => supabaseClient(project, project.keys.anonKey);

/** A password sign-in from a fresh client: supabase-js's answer. */
export const passwordSignIn = (project: TestProject, email: string, password: string) =>
  anonClient(project).auth.signInWithPassword({ email, password });

/** A recognisable, unique address per call. */
export function uniqueEmail(label: string): string {
  return `auth-test-${label}-${randomUUID().slice(0, 8)}@example.test`;
}

/** A raw request to the Auth API with the anon key, as a non-supabase-js client would send it. */
export function authFetch(
  project: TestProject,
  path: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${project.api.url}/auth/v1${path}`, {
    ...init,
    headers: { apikey: project.keys.anonKey, ...init.headers },
  });
}

export const JSON_HEADERS = { "content-type": "application/json" };
export const API_VERSION = { "X-Supabase-Api-Version": "2024-01-01" };

/** Decodes a JWT's payload without verifying it (to look at the claims we issued). */
export function jwtPayload(token: string): Record<string, unknown> {
  const [, payload = ""] = token.split(".");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
}
