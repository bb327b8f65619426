import { asRecord, errorSummary, type JourneyRequest, type Problem } from "./request.ts";

// Backend (Render) journeys shared by the `api` project (tests/api) and the
// load scenarios (load/processor.ts): the same request, judged the same way.

// Paths come from the app profile (`app.backend`), handed in: Artillery's
// processor loads this file through a CommonJS hook and cannot await the profile.

export function healthRequest(path: string): JourneyRequest {
  return { method: "GET", path };
}

export function healthProblem(status: number, body: unknown): Problem {
  if (status !== 200) return `backend /health answered ${status}: ${JSON.stringify(body)}`;
  const checks = asRecord(asRecord(body).checks);
  if (asRecord(checks.database).ok !== true)
    return "backend /health says the database is unreachable";
  return undefined;
}

export function loginRequest(
  path: string,
  user: { email: string; password: string },
): JourneyRequest {
  return {
    method: "POST",
    path,
    json: { email: user.email, password: user.password },
  };
}

export function loginProblem(status: number, body: unknown): Problem {
  if (status !== 200) return `login answered ${status}: ${errorSummary(body)}`;
  if (!asRecord(body).access_token) return "login returned no access token";
  return undefined;
}

/** The backend's own sign-up; the display name travels under the profile's `nameMetadataKey`. */
export function registerRequest(
  path: string,
  person: { email: string; password: string; fullName: string },
  nameKey = "full_name",
): JourneyRequest {
  return {
    method: "POST",
    path,
    json: { email: person.email, password: person.password, [nameKey]: person.fullName },
  };
}

export function registerProblem(status: number, body: unknown): Problem {
  if (status !== 201) return `register answered ${status}: ${errorSummary(body)}`;
  if (!asRecord(asRecord(body).user).id) return "register returned no user";
  return undefined;
}
