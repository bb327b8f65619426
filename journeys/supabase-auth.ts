import { asRecord, errorSummary, type JourneyRequest, type Problem } from "./request.ts";

/** Supabase Auth's password grant, as a browser's supabase-js sends it for signInWithPassword. */
export function passwordGrantRequest(
  anonKey: string,
  user: { email: string; password: string },
): JourneyRequest {
  return {
    method: "POST",
    path: "/auth/v1/token?grant_type=password",
    headers: { apikey: anonKey },
    json: { email: user.email, password: user.password },
  };
}

export function passwordGrantProblem(status: number, body: unknown): Problem {
  if (status !== 200) return `password grant answered ${status}: ${errorSummary(body)}`;
  if (!asRecord(body).access_token) return "password grant returned no access token";
  return undefined;
}
