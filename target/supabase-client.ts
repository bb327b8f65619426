import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import WebSocket from "ws";

/**
 * A supabase-js client for server-side use: no persisted session, no timers,
 * and the `ws` transport, since Node 20 has no global WebSocket and
 * supabase-js refuses to build its realtime client without one.
 */
/**
 * supabase-js's default storage key for a project URL, which @supabase/ssr
 * also uses as its cookie name: `sb-<first label of the host>-auth-token`.
 */
export function supabaseStorageKey(supabaseUrl: string): string {
  return `sb-${new URL(supabaseUrl).hostname.split(".")[0]}-auth-token`;
}

export function newSupabaseClient(
  url: string,
  key: string,
  options: { fetch?: typeof fetch } = {},
): SupabaseClient {
  return createClient(url, key, {
    ...(options.fetch ? { global: { fetch: options.fetch } } : {}),
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}
