import { errorSummary } from "../../journeys/request.ts";
import {
  type ApiKeyClaims,
  describeApiKey,
  projectRefOf,
  readApiKey,
  type TargetConfig,
} from "../../target/config.ts";
import { type Row, rowsOf } from "../check.ts";
import { type Answer, jsonObject, type Probe, probe } from "../http.ts";

// Supabase: is Auth there (a paused project answers 540 or 503), and are the
// keys what their variables say, by their claims and by the admin API's word.

export async function observeSupabase(config: TargetConfig): Promise<Probe> {
  return probe(`${config.supabaseUrl}/auth/v1/health`, { headers: { apikey: config.anonKey } });
}

export function judgeSupabase(health: Probe): Row {
  const row = rowsOf("Supabase");
  if ("error" in health) {
    return row(
      "fail",
      `GET /auth/v1/health got no answer: ${health.error}`,
      "paused or wrong URL: nothing that signs in or reads data can pass",
    );
  }
  const { status, ms } = health.answer;
  if (status === 540 || status === 503 || status === 502) {
    return row(
      "fail",
      `Supabase Auth answered ${status} to GET /auth/v1/health`,
      "a paused project (free projects pause after a week idle: restore it in the dashboard) or an outage; every journey with a user fails",
    );
  }
  if (status === 401) {
    return row(
      "fail",
      `GET /auth/v1/health answered 401: ${errorText(health.answer)}`,
      "SUPABASE_ANON_KEY is not a key of this project: every Supabase request is refused",
    );
  }
  if (status !== 200) {
    return row(
      "fail",
      `GET /auth/v1/health answered ${status}`,
      "SUPABASE_URL does not look like a project URL (https://<ref>.supabase.co)",
    );
  }
  const version = jsonObject(health.answer.body).version;
  const named =
    typeof version === "string" && /^[\w.+-]{1,60}$/.test(version) ? `, ${version}` : "";
  return row("ok", `Auth answered 200 in ${ms} ms${named}`, "Supabase Auth is up");
}

export interface KeysSeen {
  anon: ApiKeyClaims;
  service: ApiKeyClaims;
  urlRef: string | undefined;
  /** GET /auth/v1/admin/users?per_page=1 with the service-role key: read-only. */
  admin: Probe;
}

export async function observeKeys(config: TargetConfig): Promise<KeysSeen> {
  const admin = await probe(`${config.supabaseUrl}/auth/v1/admin/users?page=1&per_page=1`, {
    headers: {
      apikey: config.serviceRoleKey,
      authorization: `Bearer ${config.serviceRoleKey}`,
    },
  });
  return {
    anon: readApiKey(config.anonKey),
    service: readApiKey(config.serviceRoleKey),
    urlRef: projectRefOf(config.supabaseUrl),
    admin,
  };
}

/**
 * A swapped key or one of another project never gets here: parseConfig refuses
 * it, naming the variable. This row says what the keys are and whether the
 * admin API takes the service-role key, which is what setup needs.
 */
export function judgeKeys({ anon, service, urlRef, admin }: KeysSeen): Row {
  const row = rowsOf("API keys");
  const refs = [anon, service].flatMap((claims) =>
    claims.form === "jwt" && claims.ref ? [claims.ref] : [],
  );
  const project =
    urlRef === undefined
      ? "projects not compared (SUPABASE_URL is not <ref>.supabase.co)"
      : refs.length > 0
        ? `project ${urlRef}, as SUPABASE_URL`
        : "opaque keys: their project is not readable";
  const found = `SUPABASE_ANON_KEY is ${describeApiKey(anon)}, SUPABASE_SERVICE_ROLE_KEY ${describeApiKey(service)}; ${project}`;
  if ("error" in admin) {
    return row(
      "warn",
      `${found}; the admin API did not answer (${admin.error})`,
      "the service-role key is not confirmed; see the Supabase row",
    );
  }
  const { status } = admin.answer;
  if (status === 200) {
    return row(
      "ok",
      `${found}; the admin API accepts the service-role key`,
      "setup can create and delete synthetic users",
    );
  }
  if (status === 401 || status === 403) {
    return row(
      "fail",
      `${found}; the admin API refuses SUPABASE_SERVICE_ROLE_KEY (${status} ${errorText(admin.answer)})`,
      "setup cannot create users, so every journey with a user fails: use this project's service_role or sb_secret_ key",
    );
  }
  return row(
    "warn",
    `${found}; the admin API answered ${status}`,
    "the service-role key is not confirmed; see the Supabase row",
  );
}

/** Supabase's error code, cut short (error codes and messages never hold a key). */
function errorText(answer: Answer): string {
  return errorSummary(jsonObject(answer.body)).slice(0, 80);
}
