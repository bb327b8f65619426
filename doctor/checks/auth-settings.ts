import { asRecord } from "../../journeys/request.ts";
import type { TargetConfig } from "../../target/config.ts";
import { type Row, rowsOf } from "../check.ts";
import { jsonObject, type Probe, probe } from "../http.ts";

// Supabase Auth's public settings (GET /auth/v1/settings, GoTrue's
// internal/api/settings.go): whether sign-ups are open, whether email sign-up
// waits for a confirmation link, and which providers are on.

export interface AuthSettings {
  disableSignup: boolean;
  /** False: "Confirm email" is on; sign-up returns no session and sends an email. */
  mailerAutoconfirm: boolean;
  phoneAutoconfirm: boolean;
  /** Providers switched on (`external`), e.g. email, google. */
  providers: string[];
}

export function observeAuthSettings(config: TargetConfig): Promise<Probe> {
  return probe(`${config.supabaseUrl}/auth/v1/settings`, { headers: { apikey: config.anonKey } });
}

/** The settings, or undefined when the answer is not GoTrue's settings object. */
export function readAuthSettings(answer: Probe): AuthSettings | undefined {
  if (!("answer" in answer) || answer.answer.status !== 200) return undefined;
  const body = jsonObject(answer.answer.body);
  if (typeof body.disable_signup !== "boolean" || typeof body.mailer_autoconfirm !== "boolean")
    return undefined;
  const external = asRecord(body.external);
  return {
    disableSignup: body.disable_signup,
    mailerAutoconfirm: body.mailer_autoconfirm,
    phoneAutoconfirm: body.phone_autoconfirm === true,
    providers: Object.keys(external)
      .filter((name) => external[name] === true)
      .sort(),
  };
}

export function judgeAuthSettings(answer: Probe): Row {
  const row = rowsOf("Auth settings");
  const settings = readAuthSettings(answer);
  if (!settings) {
    const why =
      "error" in answer
        ? `no answer (${answer.error})`
        : `GET /auth/v1/settings answered ${answer.answer.status}`;
    return row(
      "warn",
      `not read: ${why}`,
      "whether sign-up works as the journeys expect is unknown; see the Supabase row",
    );
  }
  const providers = settings.providers.map((name) =>
    name === "phone" ? `phone (autoconfirm ${settings.phoneAutoconfirm ? "on" : "off"})` : name,
  );
  const found = [
    settings.disableSignup ? "sign-ups disabled" : "sign-ups open",
    settings.mailerAutoconfirm ? "email confirmation off" : "email confirmation on",
    `providers: ${providers.join(", ") || "none"}`,
  ].join(" · ");
  const problems: Array<{ status: Row["status"]; means: string }> = [];
  if (settings.disableSignup)
    problems.push({ status: "fail", means: "registration journeys cannot pass" });
  if (!settings.providers.includes("email"))
    problems.push({
      status: "fail",
      means: "the email provider is off: email sign-up and sign-in cannot pass",
    });
  if (!settings.mailerAutoconfirm)
    problems.push({
      status: "warn",
      means:
        "sign-up returns no session: the user must follow an email link, so a sign-up journey cannot land signed in, and each sign-up sends an email",
    });
  if (problems.length === 0)
    return row("ok", found, "sign-up returns a session: registration journeys can land signed in");
  const status = problems.some((problem) => problem.status === "fail") ? "fail" : "warn";
  return row(status, found, problems.map((problem) => problem.means).join("; "));
}
