/**
 * The app under test, as data: pages, form labels, texts and API paths.
 * Adapting the suite to another app means editing this file (and schema.ts),
 * not the specs.
 */
export const app = {
  pages: {
    home: { path: "/", heading: /./ },
    register: { path: "/register" },
    login: { path: "/login" },
    dashboard: { path: "/dashboard", heading: "Dashboard" },
  },
  forms: {
    /** How long a person may wait after submitting a form; slowness itself is the health budget's job. */
    submitTimeoutMs: 15_000,
    register: {
      fullName: "Full name",
      email: "Email",
      password: "Password",
      submit: "Create account",
    },
    login: { email: "Email", password: "Password", submit: "Log in" },
  },
  dashboard: {
    nameTestId: "profile-name",
    emailTestId: "profile-email",
    logout: "Log out",
  },
  /** Where the frontend keeps the session, so a test can sign in through the API and reuse it. */
  session: {
    storageKey: "session",
    fromLogin: (login: LoginResponse) =>
      JSON.stringify({
        access_token: login.access_token,
        refresh_token: login.refresh_token,
        expires_at: login.expires_at,
        user: login.user,
      }),
  },
  api: {
    health: "/health",
    register: "/api/auth/register",
    login: "/api/auth/login",
    me: "/api/me",
    /** Error codes the backend answers with. */
    errors: {
      duplicateEmail: { status: 409, code: "email_taken" },
      invalidInput: { status: 400, code: "invalid_input" },
      wrongCredentials: { status: 401, code: "invalid_credentials" },
      unauthorized: { status: 401, code: "unauthorized" },
    },
  },
  /** The Supabase table that holds one row per user, keyed by the auth user id. */
  profiles: { table: "profiles", nameColumn: "full_name", emailColumn: "email" },
  /** Where users' metadata carries the display name at sign-up. */
  signUpNameField: "full_name",
} as const;

export interface LoginResponse {
  access_token: string;
  refresh_token: string;
  expires_at: number;
  user: { id: string; email: string };
}
