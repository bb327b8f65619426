import { app } from "../contract/app.ts";
import { asRecord, errorSummary, type JourneyRequest, type Problem } from "./request.ts";

// Backend (Render) journeys shared by the `api` project (tests/api) and the
// load scenarios (load/processor.ts): the same request, judged the same way.

export function healthRequest(): JourneyRequest {
  return { method: "GET", path: app.api.health };
}

export function healthProblem(status: number, body: unknown): Problem {
  if (status !== 200) return `backend /health answered ${status}: ${JSON.stringify(body)}`;
  const checks = asRecord(asRecord(body).checks);
  if (asRecord(checks.database).ok !== true)
    return "backend /health says the database is unreachable";
  return undefined;
}

export function loginRequest(user: { email: string; password: string }): JourneyRequest {
  return {
    method: "POST",
    path: app.api.login,
    json: { email: user.email, password: user.password },
  };
}

export function loginProblem(status: number, body: unknown): Problem {
  if (status !== 200) return `login answered ${status}: ${errorSummary(body)}`;
  if (!asRecord(body).access_token) return "login returned no access token";
  return undefined;
}

export function registerRequest(person: {
  email: string;
  password: string;
  fullName: string;
}): JourneyRequest {
  return {
    method: "POST",
    path: app.api.register,
    json: { email: person.email, password: person.password, full_name: person.fullName },
  };
}

export function registerProblem(status: number, body: unknown): Problem {
  if (status !== 201) return `register answered ${status}: ${errorSummary(body)}`;
  if (!asRecord(asRecord(body).user).id) return "register returned no user";
  return undefined;
}
