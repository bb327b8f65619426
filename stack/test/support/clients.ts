import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import WebSocket from "ws";
import type { TestProject } from "./supabase.ts";

/**
 * An unmodified supabase-js client for the project. `accessToken` plays a
 * signed-in user. Node 20 has no global WebSocket, which supabase-js's
 * realtime part insists on at construction, so it gets the `ws` package
 * (realtime is never used here). `fetch` lets a test see the requests it sends.
 */
export function supabaseClient(
  project: TestProject,
  key: string,
  accessToken?: string,
  options: { fetch?: typeof fetch } = {},
): SupabaseClient {
  return createClient(project.api.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
    global: {
      ...(accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
  });
}

/**
 * A raw request under one of the project's APIs (`/auth/v1`, `/rest/v1`) with
 * the anon key unless the headers say otherwise, as curl or a non-supabase-js
 * client would send it.
 */
export function apiFetch(
  project: TestProject,
  api: "/auth/v1" | "/rest/v1",
  path: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${project.api.url}${api}${path}`, {
    ...init,
    headers: { apikey: project.keys.anonKey, ...init.headers },
  });
}
