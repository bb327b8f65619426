import type { FastifyInstance } from "fastify";
import type { SupabaseContext } from "../../context.ts";
import { AUTH } from "../config.ts";

const EXTERNAL_PROVIDERS = [
  "anonymous_users",
  "apple",
  "azure",
  "bitbucket",
  "discord",
  "facebook",
  "snapchat",
  "figma",
  "fly",
  "github",
  "gitlab",
  "google",
  "keycloak",
  "kakao",
  "linkedin",
  "linkedin_oidc",
  "notion",
  "spotify",
  "slack",
  "slack_oidc",
  "workos",
  "twitch",
  "twitter",
  "email",
  "phone",
  "zoom",
];

/** GET /health and GET /settings: email sign-up on, autoconfirm as configured, nothing else. */
export function metaRoutes(app: FastifyInstance, context: SupabaseContext): void {
  app.get("/health", async () => ({
    version: AUTH.version,
    name: "GoTrue",
    description: "GoTrue is a user registration and authentication API",
  }));

  app.get("/settings", async () => ({
    external: Object.fromEntries(EXTERNAL_PROVIDERS.map((name) => [name, name === "email"])),
    disable_signup: false,
    mailer_autoconfirm: context.email.autoconfirm,
    phone_autoconfirm: false,
    sms_provider: "",
    saml_enabled: false,
    saml_private_key_next_configured: false,
    passkeys_enabled: false,
  }));
}
