import { defineApp } from "../profile.ts";

// A Next.js + @supabase/ssr starter, as the reference stack serves it with
// STACK_APP=ssr: sign-up and sign-in straight through Supabase Auth from the
// page, the session in `sb-<ref>-auth-token` cookies, a server-rendered
// protected page, a backend with no auth endpoints of its own, profiles that
// everyone may read next to notes that only their owner may.
//   STACK_APP=ssr SYNTHETIC_APP=contract/examples/ssr.ts npm start

export default defineApp({
  name: "Next.js + @supabase/ssr starter (ssr)",
  auth: "supabase",
  session: { kind: "cookies" },
  home: { path: "/", heading: "Acme Notes" },
  forms: {
    signUp: {
      path: "/auth/sign-up",
      fields: [
        { locator: { label: "Email" }, value: "email" },
        { locator: { label: "Password" }, value: "password" },
        { locator: { label: "Repeat Password" }, value: "password" },
      ],
      submit: { role: "button", name: "Sign up" },
      // Email confirmation is on by default in a Supabase project: sign-up ends on this page.
      lands: { text: "Check your email to confirm your account before signing in." },
    },
    login: {
      path: "/auth/login",
      fields: [
        { locator: { label: "Email" }, value: "email" },
        { locator: { label: "Password" }, value: "password" },
      ],
      submit: { role: "button", name: "Login" },
      lands: { path: "/protected" },
    },
  },
  signedIn: {
    path: "/protected",
    proofs: [{ locator: { testId: "user-email" }, shows: "email" }],
    signOut: { locator: { role: "button", name: "Logout" }, lands: { path: "/auth/login" } },
    signedOutLands: { path: "/auth/login" },
  },
  email: {
    // forms.signUp.lands already is the "check your email" page, as the starter's.
    confirmSignUp: {
      pending: { text: "Check your email to confirm your account before signing in." },
      lands: { path: "/protected" },
    },
    recovery: {
      request: {
        path: "/auth/forgot-password",
        fields: [{ locator: { label: "Email" }, value: "email" }],
        submit: { role: "button", name: "Send reset email" },
        lands: { text: "Check your email for a password reset link." },
      },
      reset: {
        fields: [{ locator: { label: "New password" }, value: "password" }],
        submit: { role: "button", name: "Save new password" },
        lands: { path: "/protected" },
      },
    },
    magicLink: {
      request: {
        path: "/auth/magic-link",
        fields: [{ locator: { label: "Email" }, value: "email" }],
        submit: { role: "button", name: "Send sign-in link" },
        lands: { text: "Check your email for a sign-in link." },
      },
      lands: { path: "/protected" },
    },
  },
  nameMetadataKey: "full_name",
  signUpRow: { table: "profiles", nameColumn: "full_name" },
  backend: {
    health: "/health",
    protected: {
      path: "/api/me",
      unauthorized: { status: 401, code: "unauthorized" },
      shows: { "user.id": "id", "user.email": "email" },
    },
  },
  tables: [
    // Child tables first: cleanup deletes a user's rows in this order.
    {
      name: "notes",
      access: "owner",
      ownerColumn: "user_id",
      seed: { body: "synthetic note" },
      writableColumn: "body",
    },
    { name: "profiles", access: "public-read", ownerColumn: "id", writableColumn: "full_name" },
  ],
  migrations: "stack/apps/ssr/migrations",
});
