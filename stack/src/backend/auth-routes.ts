import { AuthApiError } from "@supabase/supabase-js";
import type { FastifyInstance } from "fastify";
import type { FaultSwitches } from "../faults.ts";
import { ApiError, internalError, upstreamUnavailable } from "./errors.ts";
import { SUPABASE_TIMEOUT_MS, type SupabaseFactory } from "./supabase-client.ts";
import { fromAuthError } from "./supabase-errors.ts";
import { loginInput, parseBody, passwordInput, recoverInput, registerInput } from "./validation.ts";

export interface AuthRouteOptions {
  /** Where emailed links lead: the frontend's /auth/callback page. */
  frontendOrigin: string;
  supabaseUrl: string;
  supabaseAnonKey: string;
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * POST /api/auth/register, /api/auth/login and /api/auth/recover, and PUT
 * /api/auth/password, through Supabase Auth with the anon key.
 */
export function registerAuthRoutes(
  app: FastifyInstance,
  supabaseFor: SupabaseFactory,
  faults: FaultSwitches,
  options: AuthRouteOptions,
): void {
  const callback = `${options.frontendOrigin}/auth/callback`;
  app.post("/api/auth/register", async (request, reply) => {
    if (faults.on("register-500")) throw internalError("fault register-500");
    const input = parseBody(registerInput, request.body);
    const supabase = supabaseFor({ requestId: request.id });
    const { data, error } = await supabase.auth.signUp({
      email: input.email,
      password: input.password,
      options: { data: { full_name: input.full_name }, emailRedirectTo: callback },
    });
    if (error) throw fromAuthError(error);
    const user = data.user;
    if (!user) throw internalError("sign-up returned no user");
    // With email confirmation on, Supabase hides a taken email behind a user without identities.
    if (user.identities?.length === 0) {
      throw new ApiError(409, "email_taken", "That email is already registered", "email");
    }
    const fullName = user.user_metadata?.full_name;
    reply.code(201);
    return {
      user: {
        id: user.id,
        email: user.email ?? input.email,
        full_name: typeof fullName === "string" ? fullName : input.full_name,
      },
      // "Confirm email" on: no session until the emailed link is followed.
      confirmation_required: data.session === null,
    };
  });

  app.post("/api/auth/recover", async (request, reply) => {
    const input = parseBody(recoverInput, request.body);
    const supabase = supabaseFor({ requestId: request.id });
    const { error } = await supabase.auth.resetPasswordForEmail(input.email, {
      redirectTo: callback,
    });
    if (error) throw fromAuthError(error);
    reply.code(202);
    return { sent: true };
  });

  // supabase-js's updateUser needs a stored session; the backend has only the
  // bearer token, so it calls Auth's PUT /user as updateUser would.
  app.put("/api/auth/password", async (request) => {
    const token = request.headers.authorization?.match(BEARER)?.[1];
    if (!token) throw new ApiError(401, "unauthorized", "Sign in first");
    const input = parseBody(passwordInput, request.body);
    let response: Response;
    try {
      response = await fetch(`${options.supabaseUrl}/auth/v1/user`, {
        method: "PUT",
        headers: {
          apikey: options.supabaseAnonKey,
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "x-request-id": request.id,
        },
        body: JSON.stringify({ password: input.password }),
        signal: AbortSignal.timeout(SUPABASE_TIMEOUT_MS),
      });
    } catch (error) {
      throw upstreamUnavailable(error);
    }
    const answer = (await response.json().catch(() => ({}))) as {
      code?: string;
      error_code?: string;
      msg?: string;
      message?: string;
    };
    if (response.status === 401 || response.status === 403) {
      throw new ApiError(401, "unauthorized", "The reset link has expired, request a new one");
    }
    if (!response.ok) {
      throw fromAuthError(
        new AuthApiError(
          answer.msg ?? answer.message ?? `Auth answered ${response.status}`,
          response.status,
          answer.error_code ?? answer.code,
        ),
      );
    }
    return { updated: true };
  });

  app.post("/api/auth/login", async (request) => {
    const input = parseBody(loginInput, request.body);
    const supabase = supabaseFor({ requestId: request.id });
    const { data, error } = await supabase.auth.signInWithPassword({
      email: input.email,
      password: input.password,
    });
    if (error) throw fromAuthError(error);
    const { session, user } = data;
    return {
      access_token: session.access_token,
      refresh_token: session.refresh_token,
      expires_at: session.expires_at,
      token_type: "bearer",
      user: { id: user.id, email: user.email },
    };
  });
}
