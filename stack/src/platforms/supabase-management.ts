// A stand-in for the Supabase Management API (https://api.supabase.com/api/v1,
// reference: https://supabase.com/docs/reference/api): the stack's project
// (v1-get-project), its services' health (v1-get-services-health), measured
// against the stand-in itself, and its Auth settings (v1-get-auth-service-config,
// rate limits as https://supabase.com/docs/guides/auth/rate-limits names them).
// Errors are {message}; a missing or wrong access token is 401.
import Fastify, { type FastifyReply } from "fastify";
import pg from "pg";
import type { FaultSwitches } from "../faults.ts";
import type { RunningServer } from "../running.ts";
import { AUTH } from "../supabase/auth/config.ts";
import { AUTH_MAIL_SENDER } from "../supabase/mail-sender.ts";
import { SUPABASE_ORGANIZATION_ID, SUPABASE_PROJECT_REF } from "./ids.ts";
import { hasBearer } from "./secrets.ts";
import { answerErrorsAsMessages, listenOn } from "./server.ts";

export interface SupabaseManagementOptions {
  host: string;
  port: number;
  accessToken: string;
  /** The project's API (the stand-in's gateway) and its database. */
  projectUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  dbUrl: string;
  bootedAt: number;
  faults: FaultSwitches;
  /** What the project's Auth runs with, as the stack configured it. */
  auth: { siteUrl: string; autoconfirm: boolean; smtpUrl: string };
}

/** The services v1-get-services-health knows. */
const SERVICES = [
  "auth",
  "db",
  "db_postgres_user",
  "pg_bouncer",
  "pooler",
  "realtime",
  "rest",
  "storage",
] as const;
type Service = (typeof SERVICES)[number];

const PROBE_TIMEOUT_MS = 2000;
const isService = (name: string): name is Service => (SERVICES as readonly string[]).includes(name);

interface ServiceHealth {
  name: Service;
  healthy: boolean;
  status: "ACTIVE_HEALTHY" | "UNHEALTHY";
  info?: unknown;
  error?: string;
}

export async function startSupabaseManagement(
  options: SupabaseManagementOptions,
): Promise<RunningServer> {
  const ref = SUPABASE_PROJECT_REF;
  const dbHost = new URL(options.dbUrl).hostname;
  const dbVersion = await serverVersion(options.dbUrl);
  const paused = () => options.faults.on("supabase-paused");
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });

  app.addHook("onRequest", async (request, reply) => {
    if (!hasBearer(request.headers.authorization, options.accessToken)) {
      return reply.code(401).send({ message: "Unauthorized" });
    }
  });
  answerErrorsAsMessages(app);

  const projectOr404 = (given: string, reply: FastifyReply) => {
    if (given === ref) return true;
    reply.code(404).send({ message: `Project ${given} not found` });
    return false;
  };

  app.get<{ Params: { ref: string } }>("/v1/projects/:ref", async (request, reply) => {
    if (!projectOr404(request.params.ref, reply)) return reply;
    return {
      id: ref,
      ref,
      organization_id: SUPABASE_ORGANIZATION_ID,
      name: "reference-stack",
      region: "us-east-1",
      created_at: new Date(options.bootedAt - 30 * 24 * 3600_000).toISOString(),
      status: paused() ? "INACTIVE" : "ACTIVE_HEALTHY",
      database: {
        host: dbHost,
        version: dbVersion,
        postgres_engine: dbVersion.split(".")[0],
        release_channel: "ga",
      },
    };
  });

  const probe = async (service: Service): Promise<ServiceHealth> => {
    if (paused()) {
      return { name: service, healthy: false, status: "UNHEALTHY", error: "project is paused" };
    }
    const failed = (error: string): ServiceHealth => ({
      name: service,
      healthy: false,
      status: "UNHEALTHY",
      error,
    });
    const healthy = (info?: unknown): ServiceHealth => ({
      name: service,
      healthy: true,
      status: "ACTIVE_HEALTHY",
      ...(info === undefined ? {} : { info }),
    });
    try {
      if (service === "auth") {
        const answer = await fetch(`${options.projectUrl}/auth/v1/health`, {
          headers: { apikey: options.anonKey },
          signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        });
        const body = await answer.json().catch(() => undefined);
        return answer.ok ? healthy(body) : failed(`auth answered ${answer.status}`);
      }
      if (service === "rest") {
        const answer = await fetch(`${options.projectUrl}/rest/v1/`, {
          headers: {
            apikey: options.serviceRoleKey,
            authorization: `Bearer ${options.serviceRoleKey}`,
          },
          signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        });
        await answer.arrayBuffer();
        return answer.ok ? healthy() : failed(`rest answered ${answer.status}`);
      }
      if (service === "db" || service === "db_postgres_user") {
        await serverVersion(options.dbUrl);
        return healthy();
      }
      // Realtime, Storage and the poolers are not run by the stand-in; the
      // project it plays has them, and they are well.
      return healthy();
    } catch (error) {
      return failed(error instanceof Error ? error.message : String(error));
    }
  };

  app.get<{ Params: { ref: string }; Querystring: { services?: string | string[] } }>(
    "/v1/projects/:ref/health",
    async (request, reply) => {
      if (!projectOr404(request.params.ref, reply)) return reply;
      const raw = request.query.services;
      const names = (Array.isArray(raw) ? raw : [raw ?? ""])
        .flatMap((item) => item.split(","))
        .map((item) => item.trim())
        .filter((item) => item !== "");
      if (names.length === 0) {
        return reply.code(400).send({ message: "services is required" });
      }
      const unknown = names.filter((name) => !isService(name));
      if (unknown.length > 0) {
        return reply.code(400).send({
          message: `services must be among ${SERVICES.join(", ")}; got ${unknown.join(", ")}`,
        });
      }
      return Promise.all([...new Set(names as Service[])].map(probe));
    },
  );

  app.get<{ Params: { ref: string } }>("/v1/projects/:ref/config/auth", async (request, reply) => {
    if (!projectOr404(request.params.ref, reply)) return reply;
    const smtp = new URL(options.auth.smtpUrl);
    return {
      site_url: options.auth.siteUrl,
      uri_allow_list: "",
      jwt_exp: AUTH.jwtExpirySeconds,
      disable_signup: false,
      external_email_enabled: true,
      external_phone_enabled: false,
      external_anonymous_users_enabled: false,
      mailer_autoconfirm: options.auth.autoconfirm,
      mailer_otp_exp: AUTH.emailOtpExpirySeconds,
      mailer_otp_length: AUTH.emailOtpLength,
      mailer_secure_email_change_enabled: true,
      password_min_length: AUTH.passwordMinLength,
      refresh_token_rotation_enabled: true,
      security_refresh_token_reuse_interval: AUTH.refreshTokenReuseIntervalSeconds,
      smtp_admin_email: AUTH_MAIL_SENDER,
      smtp_host: smtp.hostname,
      smtp_port: smtp.port,
      smtp_max_frequency: AUTH.emailMaxFrequencySeconds,
      // Per hour (email, SMS, anonymous sign-ups) or per 5 minutes per IP (the
      // rest), the hosted defaults for a project with its own SMTP server.
      rate_limit_email_sent: 30,
      rate_limit_sms_sent: 30,
      rate_limit_verify: 30,
      rate_limit_token_refresh: 150,
      rate_limit_otp: 30,
      rate_limit_anonymous_users: 30,
      rate_limit_web3: 30,
    };
  });

  return listenOn(app, options.host, options.port);
}

/** `SHOW server_version`, which also proves the database answers. */
async function serverVersion(dbUrl: string): Promise<string> {
  const client = new pg.Client({
    connectionString: dbUrl,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>("show server_version");
    return rows[0]?.server_version.split(" ")[0] ?? "unknown";
  } finally {
    await client.end();
  }
}
