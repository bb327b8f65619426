import { z } from "zod";
import type { SupabaseAccess } from "./env.ts";
import { type ApiTarget, requestJson } from "./http.ts";
import type { SupabaseData } from "./types.ts";

// The Supabase project as its Management API sees it: status, each service's
// health and the Auth rate limits.

/**
 * The services the health endpoint is asked about. Its `services` parameter
 * also takes db_postgres_user and pg_bouncer (the latter superseded by pooler).
 */
export const SUPABASE_HEALTH_SERVICES = [
  "auth",
  "db",
  "pooler",
  "storage",
  "rest",
  "realtime",
] as const;
export type SupabaseHealthService =
  | (typeof SUPABASE_HEALTH_SERVICES)[number]
  | "db_postgres_user"
  | "pg_bouncer";

const projectShape = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  region: z.string().optional(),
  status: z.string(),
});

const healthShape = z.array(
  z.looseObject({
    name: z.string(),
    healthy: z.boolean(),
    status: z.string(),
    error: z.string().nullish(),
  }),
);

const authConfigShape = z.record(z.string(), z.unknown());

export interface SupabaseProject {
  ref: string;
  name?: string;
  region?: string;
  /** ACTIVE_HEALTHY, INACTIVE (paused), COMING_UP, … */
  status: string;
}

export class SupabaseManagementClient {
  private readonly api: ApiTarget;

  constructor(
    private readonly access: SupabaseAccess,
    timeoutMs: number,
  ) {
    this.api = {
      platform: "supabase",
      label: "Supabase",
      apiUrl: access.apiUrl,
      token: access.token,
      tokenVariable: "SUPABASE_ACCESS_TOKEN",
      timeoutMs,
    };
  }

  get ref(): string {
    return this.access.ref;
  }

  /**
   * The project and its status.
   * GET /v1/projects/{ref} — https://supabase.com/docs/reference/api/v1-get-project
   */
  async project(): Promise<SupabaseProject> {
    const reply = await requestJson(this.api, {
      path: this.projectPath(""),
      what: "the project",
      idVariable: this.access.refVariable,
      schema: projectShape,
    });
    const project: SupabaseProject = { ref: reply.id, status: reply.status };
    if (reply.name) project.name = reply.name;
    if (reply.region) project.region = reply.region;
    return project;
  }

  /**
   * Each service's health, in the order asked.
   * GET /v1/projects/{ref}/health — https://supabase.com/docs/reference/api/v1-get-services-health
   */
  async health(
    services: readonly SupabaseHealthService[] = SUPABASE_HEALTH_SERVICES,
  ): Promise<SupabaseData["services"]> {
    const reply = await requestJson(this.api, {
      path: this.projectPath("/health"),
      query: { services: services.join(",") },
      what: "the services' health",
      idVariable: this.access.refVariable,
      schema: healthShape,
    });
    return reply.map((service) => {
      const entry: SupabaseData["services"][number] = {
        name: service.name,
        healthy: service.healthy,
        status: service.status,
      };
      if (service.error) entry.error = service.error;
      return entry;
    });
  }

  /**
   * The Auth rate limits: every numeric `rate_limit_*` of the auth config.
   * GET /v1/projects/{ref}/config/auth — https://supabase.com/docs/reference/api/v1-get-auth-service-config
   */
  async authConfig(): Promise<Record<string, number>> {
    const reply = await requestJson(this.api, {
      path: this.projectPath("/config/auth"),
      what: "the auth config",
      idVariable: this.access.refVariable,
      schema: authConfigShape,
    });
    // Only the limits leave: the rest of the auth config holds provider secrets and SMTP passwords.
    return Object.fromEntries(
      Object.entries(reply).filter(
        (entry): entry is [string, number] =>
          entry[0].startsWith("rate_limit_") && typeof entry[1] === "number",
      ),
    );
  }

  private projectPath(rest: string): string {
    return `/v1/projects/${encodeURIComponent(this.access.ref)}${rest}`;
  }
}
