import { randomUUID } from "node:crypto";
import { after, before } from "node:test";
import pg from "pg";
import { apiFetch, supabaseClient } from "./clients.ts";
import { startTestProject, type TestProject } from "./supabase.ts";

export { supabaseClient };

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

export const anonClient = (project: TestProject) => supabaseClient(project, project.keys.anonKey);

/** A password sign-in from a fresh client: supabase-js's answer. */
export const passwordSignIn = (project: TestProject, email: string, password: string) =>
  anonClient(project).auth.signInWithPassword({ email, password });

/** A recognisable, unique address per call. */
export function uniqueEmail(label: string): string {
  return `auth-test-${label}-${randomUUID().slice(0, 8)}@example.test`;
}

/** A raw request to the Auth API with the anon key, as a non-supabase-js client would send it. */
export const authFetch = (
  project: TestProject,
  path: string,
  init?: RequestInit & { headers?: Record<string, string> },
) => apiFetch(project, "/auth/v1", path, init);

export const JSON_HEADERS = { "content-type": "application/json" };
export const API_VERSION = { "X-Supabase-Api-Version": "2024-01-01" };

/** Decodes a JWT's payload without verifying it (to look at the claims we issued). */
export function jwtPayload(token: string): Record<string, unknown> {
  const [, payload = ""] = token.split(".");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
}
