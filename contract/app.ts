import { defineApp } from "./profile.ts";

// The reference stack's app (`STACK_APP=spa`, the default) as its profile:
// sign-up and sign-in through the backend's own endpoints, the session in
// localStorage, a dashboard that shows the signed-in user. Adapting the suite
// to another app means writing a file like this one (see contract/examples/)
// and pointing SYNTHETIC_APP at it, not editing specs.

export default defineApp({
  name: "reference app (spa)",
  auth: "backend",
  session: { kind: "localStorage", key: "session" },
  home: { path: "/", heading: /./ },
  forms: {
    submitTimeoutMs: 15_000,
    signUp: {
      path: "/register",
      fields: [
        { locator: { label: "Full name" }, value: "fullName" },
        { locator: { label: "Email" }, value: "email" },
        { locator: { label: "Password" }, value: "password" },
      ],
      submit: { role: "button", name: "Create account" },
      lands: { path: "/dashboard" },
    },
    login: {
      path: "/login",
      fields: [
        { locator: { label: "Email" }, value: "email" },
        { locator: { label: "Password" }, value: "password" },
      ],
      submit: { role: "button", name: "Log in" },
      lands: { path: "/dashboard" },
    },
  },
  signedIn: {
    path: "/dashboard",
    proofs: [
      { locator: { testId: "profile-name" }, shows: "fullName" },
      { locator: { testId: "profile-email" }, shows: "email" },
    ],
    signOut: { locator: { role: "button", name: "Log out" }, lands: { path: "/login" } },
    signedOutLands: { path: "/login" },
  },
  email: {
    // With "Confirm email" on, sign-up ends on /check-email until the link is followed.
    confirmSignUp: {
      pending: { text: "Check your email to confirm your account." },
      lands: { path: "/dashboard" },
    },
    recovery: {
      request: {
        path: "/forgot-password",
        fields: [{ locator: { label: "Email" }, value: "email" }],
        submit: { role: "button", name: "Send reset link" },
        lands: { text: "Check your email for a link to reset your password." },
      },
      reset: {
        fields: [{ locator: { label: "New password" }, value: "password" }],
        submit: { role: "button", name: "Save password" },
        lands: { path: "/dashboard" },
      },
    },
  },
  nameMetadataKey: "full_name",
  signUpRow: { table: "profiles", nameColumn: "full_name" },
  backend: {
    health: "/health",
    protected: {
      path: "/api/me",
      unauthorized: { status: 401, code: "unauthorized" },
      shows: { "user.id": "id", "profile.email": "email", "profile.full_name": "fullName" },
    },
    register: {
      path: "/api/auth/register",
      duplicateEmail: { status: 409, code: "email_taken" },
      invalidInput: { status: 400, code: "invalid_input" },
    },
    login: {
      path: "/api/auth/login",
      wrongCredentials: { status: 401, code: "invalid_credentials" },
    },
  },
  tables: [
    {
      name: "profiles",
      access: "owner",
      ownerColumn: "id",
      seed: { email: "{email}", full_name: "{fullName}" },
      writableColumn: "full_name",
    },
  ],
});
