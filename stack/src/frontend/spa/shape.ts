// The spa shape: static pages whose one script signs in through the backend's
// /api/auth endpoints and keeps the session in localStorage.
import {
  EMAIL_FIELD,
  type FrontendShape,
  notFoundPage,
  type Page,
  passwordField,
  scriptedForm,
} from "../document.ts";

export const APP_NAME = "Reference App";

type PageName =
  | "home"
  | "register"
  | "check-email"
  | "login"
  | "forgot-password"
  | "auth-callback"
  | "reset-password"
  | "dashboard";

const PAGES: Record<PageName, Omit<Page, "name">> = {
  home: {
    title: APP_NAME,
    body: `
    <h1>Welcome to ${APP_NAME}</h1>
    <p>Keep your profile in one place.</p>
    <p><a href="/register">Create an account</a></p>
    <p><a href="/login">Log in</a></p>`,
  },
  register: {
    title: `Create account · ${APP_NAME}`,
    body: `
    <h1>Create your account</h1>${scriptedForm(
      "register-form",
      [
        {
          id: "full_name",
          label: "Full name",
          attributes: 'autocomplete="name" maxlength="100" required',
        },
        EMAIL_FIELD,
        passwordField("new-password", { extra: ' minlength="8"' }),
      ],
      "Create account",
    )}
    <p>Already have an account? <a href="/login">Log in</a></p>`,
  },
  login: {
    title: `Log in · ${APP_NAME}`,
    body: `
    <h1>Log in</h1>${scriptedForm("login-form", [EMAIL_FIELD, passwordField("current-password")], "Log in")}
    <p>New here? <a href="/register">Create an account</a></p>
    <p><a href="/forgot-password">Forgot your password?</a></p>`,
  },
  "check-email": {
    title: `Confirm your email · ${APP_NAME}`,
    body: `
    <h1>Almost there</h1>
    <p>Check your email to confirm your account.</p>
    <p>Then <a href="/login">log in</a>.</p>`,
  },
  "forgot-password": {
    title: `Reset your password · ${APP_NAME}`,
    body: `
    <h1>Reset your password</h1>${scriptedForm("forgot-password-form", [EMAIL_FIELD], "Send reset link")}
    <p data-sent="Check your email for a link to reset your password." hidden></p>`,
  },
  // Emailed links land here with the session (or the error) in the fragment.
  "auth-callback": {
    title: `Signing you in · ${APP_NAME}`,
    body: `
    <h1>Signing you in…</h1>
    <p role="alert" hidden></p>`,
  },
  "reset-password": {
    title: `Choose a new password · ${APP_NAME}`,
    body: `
    <h1>Choose a new password</h1>${scriptedForm(
      "reset-password-form",
      [passwordField("new-password", { label: "New password", extra: ' minlength="8"' })],
      "Save password",
    )}`,
  },
  dashboard: {
    title: `Dashboard · ${APP_NAME}`,
    body: `
    <h1>Dashboard</h1>
    <p role="alert" hidden></p>
    <section data-profile aria-busy="true" aria-label="Your profile">
      <h2>Your profile</h2>
      <p data-testid="profile-name"></p>
      <p data-testid="profile-email"></p>
    </section>
    <button type="button" id="logout">Log out</button>`,
  },
};

const ROUTES: Record<string, PageName> = {
  "/": "home",
  "/register": "register",
  "/login": "login",
  "/check-email": "check-email",
  "/forgot-password": "forgot-password",
  "/auth/callback": "auth-callback",
  "/reset-password": "reset-password",
  "/dashboard": "dashboard",
};

/** The spa app; its script reads the backend URL from the meta tag. */
export function spaShape(backendUrl: string): FrontendShape {
  return {
    appName: APP_NAME,
    meta: { "backend-url": backendUrl },
    connectTo: [backendUrl],
    bundle: {
      main: new URL("./app.js", import.meta.url),
      modules: [new URL("../static/forms.js", import.meta.url)],
    },
    pages: Object.fromEntries(
      Object.entries(ROUTES).map(([path, name]) => [path, { name, ...PAGES[name] }]),
    ),
    notFound: notFoundPage(APP_NAME),
  };
}
