import {
  createClient,
  type SupabaseClient,
  type SupabaseClientOptions,
} from "@supabase/supabase-js";

type RealtimeTransport = NonNullable<
  NonNullable<SupabaseClientOptions<"public">["realtime"]>["transport"]
>;

/**
 * supabase-js builds its realtime client eagerly and, on Node 20 (no global
 * WebSocket), throws unless given a transport. The backend never opens a
 * realtime channel, so it hands over one that refuses to connect.
 */
class RealtimeNotUsed {
  constructor() {
    throw new Error("the backend does not use Supabase Realtime");
  }
}

export const SUPABASE_TIMEOUT_MS = 5000;

/** Abandons a Supabase call that hangs, so the caller gets upstream_unavailable. */
const fetchWithTimeout: typeof fetch = (input, init) => {
  const timeout = AbortSignal.timeout(SUPABASE_TIMEOUT_MS);
  const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  return fetch(input, { ...init, signal });
};

export interface ClientFor {
  requestId: string;
  /** The user's access token: Data API calls then run as that user, under RLS. */
  accessToken?: string;
}

export type SupabaseFactory = (options: ClientFor) => SupabaseClient;

/** One client per request, carrying the request id (and the user's token) to Supabase. */
export function supabaseFactory(url: string, anonKey: string): SupabaseFactory {
  return ({ requestId, accessToken }) => {
    const headers: Record<string, string> = { "x-request-id": requestId };
    if (accessToken !== undefined) headers.Authorization = `Bearer ${accessToken}`;
    return createClient(url, anonKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { headers, fetch: fetchWithTimeout },
      realtime: { transport: RealtimeNotUsed as unknown as RealtimeTransport },
    });
  };
}
