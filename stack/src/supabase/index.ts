import cors from "@fastify/cors";
import Fastify, { type FastifyRequest } from "fastify";
import type { FaultName, FaultSwitches } from "../faults.ts";
import { freePort } from "../ports.ts";
import type { RunningServer } from "../running.ts";
import { AUTH } from "./auth/config.ts";
import { AuthError, internalError, sendAuthError } from "./auth/errors.ts";
import { authPlugin } from "./auth/index.ts";
import type { CustomTemplates } from "./auth/templates.ts";
import type { SupabaseContext } from "./context.ts";
import { createPool } from "./database.ts";
import { gatewayBearer, type ProjectKeys } from "./keys.ts";
import { smtpMailer } from "./mailer.ts";
import { restPlugin } from "./rest/index.ts";
import type { SigningKey } from "./signing-key.ts";

export interface SupabaseOptions {
  host: string;
  port: number;
  dbUrl: string;
  keys: ProjectKeys;
  signingKey: SigningKey;
  faults: FaultSwitches;
  siteUrl: string;
  smtpUrl: string;
  /** A fault that makes POST /auth/v1/signup fail with 500 (where an app signs up through Auth). */
  signupFault?: FaultName;
  /** Sign-ups wait for an emailed confirmation ("Confirm email" on); default off. */
  confirmEmail?: boolean;
  /** Lifetime of emailed links and codes; default AUTH.emailOtpExpirySeconds. */
  otpExpirySeconds?: number;
  /** The project's own email templates (loadAuthTemplates); default GoTrue's. */
  templates?: CustomTemplates;
}

const EXPOSED_HEADERS = [
  "Content-Range",
  "X-Total-Count",
  "Link",
  "X-Supabase-Api-Version",
  "x-sb-error-code",
];

/** Routes the gateway lets through without an API key (links clicked in emails, the JWKS). */
const OPEN_ROUTES = [/^\/auth\/v1\/(verify|callback|\.well-known\/jwks\.json)(\?|$)/];

/** Auth routes that send mail; GoTrue's email rate limit counts them. */
const EMAIL_ROUTES = ["/auth/v1/signup", "/auth/v1/recover", "/auth/v1/otp", "/auth/v1/resend"];
/** Auth routes no rate limit covers. */
const UNLIMITED_ROUTES = ["/auth/v1/health", "/auth/v1/settings", "/auth/v1/.well-known/jwks.json"];

/** The Supabase stand-in: a gateway in front of the Auth and Data APIs. */
export async function startSupabase(options: SupabaseOptions): Promise<RunningServer> {
  // The public URL is part of the context (token issuer, links), so the port is fixed first.
  const port = options.port || (await freePort(options.host));
  const pool = createPool(options.dbUrl, 20);
  const app = Fastify({ bodyLimit: 1024 * 1024, logger: false });
  const publicUrl = `http://${options.host}:${port}`;
  const context: SupabaseContext = {
    pool,
    keys: options.keys,
    signingKey: options.signingKey,
    faults: options.faults,
    publicUrl,
    siteUrl: options.siteUrl,
    mailer: smtpMailer(options.smtpUrl),
    email: {
      autoconfirm: !options.confirmEmail,
      otpExpirySeconds: options.otpExpirySeconds ?? AUTH.emailOtpExpirySeconds,
      ...(options.templates ? { templates: options.templates } : {}),
    },
  };
  app.decorateRequest("supabaseBearer", undefined);

  await app.register(cors, {
    origin: "*",
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 86_400,
  });

  app.addHook("onRequest", async (request, reply) => {
    // A paused project answers everything with Supabase's own status 540
    // (https://supabase.com/docs/guides/troubleshooting/http-status-codes).
    if (options.faults.on("supabase-paused")) {
      return reply.code(540).send({
        message: "Project paused",
        hint: "This project is paused; restore it from the dashboard (fault supabase-paused).",
      });
    }
    if (request.method === "OPTIONS") return;
    if (OPEN_ROUTES.some((route) => route.test(request.url))) return;
    const apikey = request.headers.apikey;
    const authorization = request.headers.authorization;
    const presented =
      (Array.isArray(apikey) ? apikey[0] : apikey) ??
      authorization?.match(/^Bearer\s+(sb_\S+)$/i)?.[1];
    if (!presented) {
      return reply.code(401).send({
        message: "No API key found in request",
        hint: "No `apikey` request header or url param was found.",
      });
    }
    const known = [
      options.keys.anonKey,
      options.keys.serviceRoleKey,
      options.keys.publishableKey,
      options.keys.secretKey,
    ];
    if (!known.includes(presented)) {
      return reply.code(401).send({
        message: "Invalid API key",
        hint: "Double check your Supabase `anon` or `service_role` API key.",
      });
    }
    request.supabaseBearer = gatewayBearer(options.keys, request.headers);
  });

  await app.register(
    async (auth) => {
      auth.addHook("onRequest", async (request, reply) => {
        if (options.faults.on("auth-503")) {
          return reply
            .code(503)
            .send({ message: "Service Unavailable: auth is down (fault auth-503)" });
        }
        const { signupFault } = options;
        if (
          signupFault &&
          options.faults.on(signupFault) &&
          request.method === "POST" &&
          request.routeOptions.url === "/auth/v1/signup"
        ) {
          // What GoTrue answers when the database refuses the new user.
          const error = internalError(`Database error saving new user (fault ${signupFault})`);
          sendAuthError(request, reply, error);
          return reply;
        }
        if (options.faults.on("supabase-rate-limited") && !withServiceRole(request, options.keys)) {
          const route = request.routeOptions.url ?? "";
          if (!UNLIMITED_ROUTES.includes(route)) {
            const error = EMAIL_ROUTES.includes(route)
              ? new AuthError(429, "over_email_send_rate_limit", "email rate limit exceeded")
              : new AuthError(429, "over_request_rate_limit", "Request rate limit reached");
            sendAuthError(request, reply, error);
            return reply;
          }
        }
      });
      await authPlugin(auth, context);
    },
    { prefix: "/auth/v1" },
  );
  await app.register(async (rest) => restPlugin(rest, context), { prefix: "/rest/v1" });

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send({ message: "no Route matched with those values" });
  });

  await app.listen({ host: options.host, port });
  return {
    url: publicUrl,
    port,
    async close() {
      await app.close();
      await pool.end();
    },
  };
}

/** Whether the request is the project's own server (the service role), which rate limits spare. */
function withServiceRole(request: FastifyRequest, keys: ProjectKeys): boolean {
  const apikey = request.headers.apikey;
  const presented = Array.isArray(apikey) ? apikey[0] : apikey;
  return (
    request.supabaseBearer === keys.serviceRoleKey ||
    presented === keys.serviceRoleKey ||
    presented === keys.secretKey
  );
}
