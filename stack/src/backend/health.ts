import type { FastifyInstance } from "fastify";

export const HEALTH_CHECK_TIMEOUT_MS = 2000;

export interface HealthOptions {
  supabaseUrl: string;
  supabaseAnonKey: string;
  supabaseServiceRoleKey: string;
  version: string;
  /** The commit running now (a new deploy changes it). */
  commit: () => string;
}

interface CheckResult {
  ok: boolean;
  latency_ms: number;
}

async function probe(url: string, headers: Record<string, string>): Promise<CheckResult> {
  const started = performance.now();
  let ok = false;
  try {
    const response = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(HEALTH_CHECK_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    ok = response.ok;
  } catch {
    ok = false;
  }
  return { ok, latency_ms: Math.round(performance.now() - started) };
}

/**
 * GET /health: the database check asks PostgREST's root, which answers only
 * when Postgres does; the auth check asks Supabase Auth's own health endpoint.
 */
export function registerHealth(app: FastifyInstance, options: HealthOptions): void {
  const startedAt = Date.now();
  const base = options.supabaseUrl.replace(/\/+$/, "");
  app.get("/health", async (request, reply) => {
    const requestId = request.id;
    const [database, auth] = await Promise.all([
      probe(`${base}/rest/v1/`, {
        apikey: options.supabaseServiceRoleKey,
        authorization: `Bearer ${options.supabaseServiceRoleKey}`,
        "x-request-id": requestId,
      }),
      probe(`${base}/auth/v1/health`, {
        apikey: options.supabaseAnonKey,
        "x-request-id": requestId,
      }),
    ]);
    const healthy = database.ok && auth.ok;
    reply.code(healthy ? 200 : 503);
    return {
      status: healthy ? "ok" : "degraded",
      version: options.version,
      commit: options.commit(),
      uptime_s: Math.floor((Date.now() - startedAt) / 1000),
      checks: { database, auth },
    };
  });
}
