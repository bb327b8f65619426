import type { FastifyInstance } from "fastify";
import type { Page, PageSender } from "../document.ts";
import { readSession, storageKey } from "./session-cookie.js";

/** The Supabase project the ssr pages talk to. */
export interface SupabaseForPages {
  /** What the browser calls; the session cookie's name derives from it. */
  readonly url: string;
  readonly anonKey: string;
  /** What the frontend's server calls (the same project, maybe by another address). */
  readonly internalUrl: string;
}

const CHECK_TIMEOUT_MS = 5000;
/** A page for one user: no shared cache may keep it. */
const PRIVATE_CACHE_CONTROL = "private, no-cache, no-store, max-age=0, must-revalidate";

/** The user Supabase Auth says the access token belongs to, or undefined. */
async function userOf(
  supabase: SupabaseForPages,
  accessToken: string,
): Promise<{ email?: string } | undefined> {
  try {
    const response = await fetch(`${supabase.internalUrl}/auth/v1/user`, {
      headers: { apikey: supabase.anonKey, authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.arrayBuffer();
      return undefined;
    }
    return (await response.json()) as { email?: string };
  } catch {
    return undefined;
  }
}

/**
 * GET /protected, rendered on the server as the starter's protected page is:
 * the session from the @supabase/ssr cookie (whole or chunked), checked with
 * Supabase Auth; anyone without a valid one is sent to /auth/login.
 */
export function protectedRoute(
  app: FastifyInstance,
  send: PageSender,
  supabase: SupabaseForPages,
  page: (email: string) => Page,
): void {
  const cookieName = storageKey(supabase.url);
  app.get("/protected", async (request, reply) => {
    const accessToken = readSession(request.headers.cookie, cookieName)?.access_token;
    const user = typeof accessToken === "string" ? await userOf(supabase, accessToken) : undefined;
    if (!user) {
      return reply.header("cache-control", PRIVATE_CACHE_CONTROL).redirect("/auth/login", 302);
    }
    return send(reply, page(user.email ?? ""), { cacheControl: PRIVATE_CACHE_CONTROL });
  });
}
