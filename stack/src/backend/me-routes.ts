import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError, unauthorized } from "./errors.ts";
import type { SupabaseFactory } from "./supabase-client.ts";
import { fromDataError, fromTokenError } from "./supabase-errors.ts";
import { parseBody, profileUpdateInput } from "./validation.ts";

const PROFILE_COLUMNS = "id, email, full_name, created_at, updated_at";
const BEARER = /^Bearer\s+(\S+)$/i;

function bearerToken(request: FastifyRequest): string {
  const match = request.headers.authorization?.match(BEARER);
  if (!match?.[1]) throw unauthorized();
  return match[1];
}

/** Checks the token with Supabase Auth and returns the user with a client acting as them. */
async function signedInUser(request: FastifyRequest, supabaseFor: SupabaseFactory) {
  const token = bearerToken(request);
  const { data, error } = await supabaseFor({ requestId: request.id }).auth.getUser(token);
  if (error) throw fromTokenError(error);
  const asUser = supabaseFor({ requestId: request.id, accessToken: token });
  return { user: data.user, asUser };
}

/** The ssr shape's GET /api/me: the user the Supabase access token belongs to, nothing more. */
export function registerTokenUserRoute(app: FastifyInstance, supabaseFor: SupabaseFactory): void {
  app.get("/api/me", async (request) => {
    const { user } = await signedInUser(request, supabaseFor);
    return { user: { id: user.id, email: user.email } };
  });
}

/** GET and PATCH /api/me: the signed-in user and their profile, read under RLS. */
export function registerMeRoutes(app: FastifyInstance, supabaseFor: SupabaseFactory): void {
  app.get("/api/me", async (request) => {
    const { user, asUser } = await signedInUser(request, supabaseFor);
    const { data, error, status } = await asUser
      .from("profiles")
      .select(PROFILE_COLUMNS)
      .eq("id", user.id)
      .maybeSingle()
      .retry(false);
    if (error) throw fromDataError(error, status);
    return { user: { id: user.id, email: user.email }, profile: data };
  });

  app.patch("/api/me", async (request) => {
    const { user, asUser } = await signedInUser(request, supabaseFor);
    const input = parseBody(profileUpdateInput, request.body);
    const { data, error, status } = await asUser
      .from("profiles")
      // updated_at is the database's job (a trigger in the app's migration).
      .update({ full_name: input.full_name })
      .eq("id", user.id)
      .select(PROFILE_COLUMNS)
      .maybeSingle();
    if (error) throw fromDataError(error, status);
    if (!data) throw new ApiError(404, "not_found", "There is no profile for this user");
    return { user: { id: user.id, email: user.email }, profile: data };
  });
}
