import type { FastifyInstance } from "fastify";
import type { FaultSwitches } from "../faults.ts";
import { ApiError, internalError } from "./errors.ts";
import type { SupabaseFactory } from "./supabase-client.ts";
import { fromAuthError } from "./supabase-errors.ts";
import { loginInput, parseBody, registerInput } from "./validation.ts";

/** POST /api/auth/register and /api/auth/login, through Supabase Auth with the anon key. */
export function registerAuthRoutes(
  app: FastifyInstance,
  supabaseFor: SupabaseFactory,
  faults: FaultSwitches,
): void {
  app.post("/api/auth/register", async (request, reply) => {
    if (faults.on("register-500")) throw internalError("fault register-500");
    const input = parseBody(registerInput, request.body);
    const supabase = supabaseFor({ requestId: request.id });
    const { data, error } = await supabase.auth.signUp({
      email: input.email,
      password: input.password,
      options: { data: { full_name: input.full_name } },
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
    };
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
