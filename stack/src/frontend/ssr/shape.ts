// The ssr shape: the pages of a Next.js + Supabase starter (Supabase's
// "with-supabase" template). The page's script signs up and in at Supabase
// Auth itself and keeps the session in @supabase/ssr's cookie; /protected is
// rendered by the server from that cookie.
import {
  EMAIL_FIELD,
  escapeHtml,
  type FrontendShape,
  notFoundPage,
  type Page,
  passwordField,
  scriptedForm,
} from "../document.ts";
import { protectedRoute, type SupabaseForPages } from "./protected.ts";

export type { SupabaseForPages } from "./protected.ts";

export const SSR_APP_NAME = "Acme Notes";

const PAGES: Record<string, Page> = {
  "/": {
    name: "home",
    title: SSR_APP_NAME,
    body: `
    <h1>${SSR_APP_NAME}</h1>
    <p>Your notes, kept private.</p>
    <p><a href="/auth/login">Sign in</a></p>
    <p><a href="/auth/sign-up">Sign up</a></p>`,
  },
  "/auth/sign-up": {
    name: "sign-up",
    title: `Sign up · ${SSR_APP_NAME}`,
    body: `
    <h1>Sign up</h1>${scriptedForm(
      "sign-up-form",
      [
        EMAIL_FIELD,
        passwordField("new-password"),
        passwordField("new-password", { id: "repeat-password", label: "Repeat Password" }),
      ],
      "Sign up",
    )}
    <p>Already have an account? <a href="/auth/login">Login</a></p>`,
  },
  "/auth/sign-up-success": {
    name: "sign-up-success",
    title: `Thank you for signing up · ${SSR_APP_NAME}`,
    body: `
    <h1>Thank you for signing up!</h1>
    <p>Check your email to confirm your account before signing in.</p>`,
  },
  "/auth/login": {
    name: "login",
    title: `Login · ${SSR_APP_NAME}`,
    body: `
    <h1>Login</h1>${scriptedForm("login-form", [EMAIL_FIELD, passwordField("current-password")], "Login")}
    <p><a href="/auth/forgot-password">Forgot your password?</a></p>
    <p><a href="/auth/magic-link">Email me a sign-in link</a></p>
    <p>Don't have an account? <a href="/auth/sign-up">Sign up</a></p>`,
  },
  "/auth/forgot-password": {
    name: "forgot-password",
    title: `Reset your password · ${SSR_APP_NAME}`,
    body: `
    <h1>Reset Your Password</h1>${scriptedForm("forgot-password-form", [EMAIL_FIELD], "Send reset email")}
    <p data-sent="Check your email for a password reset link." hidden></p>`,
  },
  "/auth/magic-link": {
    name: "magic-link",
    title: `Sign in by email · ${SSR_APP_NAME}`,
    body: `
    <h1>Sign in by email</h1>${scriptedForm("magic-link-form", [EMAIL_FIELD], "Send sign-in link")}
    <p data-sent="Check your email for a sign-in link." hidden></p>`,
  },
  // Emailed links land here with the session (or the error) in the fragment.
  "/auth/callback": {
    name: "auth-callback",
    title: `Signing you in · ${SSR_APP_NAME}`,
    body: `
    <h1>Signing you in…</h1>
    <p role="alert" hidden></p>`,
  },
  "/auth/update-password": {
    name: "update-password",
    title: `Update password · ${SSR_APP_NAME}`,
    body: `
    <h1>Reset Your Password</h1>${scriptedForm(
      "update-password-form",
      [passwordField("new-password", { label: "New password" })],
      "Save new password",
    )}`,
  },
};

const protectedPage = (email: string): Page => ({
  name: "protected",
  title: `Protected · ${SSR_APP_NAME}`,
  body: `
    <h1>Your user details</h1>
    <p data-testid="user-email">${escapeHtml(email)}</p>
    <button type="button" id="logout">Logout</button>`,
});

/** The ssr app; its script reads the Supabase URL and anon key from meta tags. */
export function ssrShape(supabase: SupabaseForPages): FrontendShape {
  return {
    appName: SSR_APP_NAME,
    meta: { "supabase-url": supabase.url, "supabase-anon-key": supabase.anonKey },
    connectTo: [supabase.url],
    bundle: {
      main: new URL("./app.js", import.meta.url),
      modules: [
        new URL("../static/forms.js", import.meta.url),
        new URL("./session-cookie.js", import.meta.url),
      ],
    },
    pages: PAGES,
    notFound: notFoundPage(SSR_APP_NAME),
    serverRoutes: (app, send) => protectedRoute(app, send, supabase, protectedPage),
  };
}
