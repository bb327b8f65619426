import type { FieldValue } from "../../contract/profile.ts";
import { supabaseStorageKey } from "../../target/supabase-client.ts";
import type { FoundField, FoundForm } from "./forms.ts";
import { passwordForms, type SeenPage } from "./pages.ts";

// A starting app profile from the forms the pages' HTML shows: each field
// located by its label (or placeholder), its value guessed from the label and
// type, the submit button by its text. What the HTML cannot tell (where a
// submit lands, what proves who is signed in, the tables) is left as TODOs.

export interface ProposedField {
  locator: { label: string } | { placeholder: string } | undefined;
  value: FieldValue | undefined;
  /** How the field was named in the HTML, for the TODO when it has no locator or value. */
  described: string;
}

export interface ProposedForm {
  path: string;
  fields: ProposedField[];
  submit: string | undefined;
  unfillable: string[];
}

export interface Proposal {
  signUp: ProposedForm | undefined;
  login: ProposedForm | undefined;
  /** A guess: what the pages' HTML says of how the app is built. */
  session: { kind: "cookies" | "localStorage"; because: string | undefined };
}

export function propose(pages: readonly SeenPage[]): Proposal {
  const forms = passwordForms(pages).map(({ path, form }) => ({
    kind: formKind(form),
    form: proposeForm(path, form),
  }));
  return {
    signUp: forms.find((item) => item.kind === "signUp")?.form,
    login: forms.find((item) => item.kind === "login")?.form,
    session: guessSession(pages),
  };
}

const SIGN_UP_BUTTON = /sign[\s_-]?up|register|create/i;
const LOGIN_BUTTON = /log[\s_-]?in|sign[\s_-]?in/i;

/**
 * Told apart by the form, never by its path (a middleware may serve the
 * login form at /register): two password fields (password and repeat), a
 * name field, or a submit that says sign up, register or create make the
 * sign-up form; one password field and a submit that says log in or sign in
 * the login form. Any other form is neither.
 */
export function formKind(form: FoundForm): "signUp" | "login" | undefined {
  const passwords = form.fields.filter((field) => field.type === "password").length;
  const submit = form.buttons[0] ?? "";
  if (passwords > 1) return "signUp";
  if (form.fields.some((field) => guessValue(field) === "fullName")) return "signUp";
  if (SIGN_UP_BUTTON.test(submit)) return "signUp";
  if (passwords === 1 && LOGIN_BUTTON.test(submit)) return "login";
  return undefined;
}

/**
 * Cookies when the pages look like Next.js or name @supabase/ssr (its
 * server-rendered pages read the session from `sb-<ref>-auth-token`
 * cookies), localStorage (supabase-js's default in the browser) otherwise.
 */
function guessSession(pages: readonly SeenPage[]): Proposal["session"] {
  const hints = pages.flatMap((seen) => (seen.page ? [seen.page.hints] : []));
  if (hints.some((hint) => hint.supabaseSsr))
    return { kind: "cookies", because: "the pages name @supabase/ssr" };
  if (hints.some((hint) => hint.nextjs))
    return { kind: "cookies", because: "the pages look like a Next.js app" };
  return { kind: "localStorage", because: undefined };
}

function proposeForm(path: string, form: FoundForm): ProposedForm {
  return {
    path,
    fields: form.fields.map((field) => ({
      locator: field.label
        ? { label: field.label }
        : field.placeholder
          ? { placeholder: field.placeholder }
          : undefined,
      value: guessValue(field),
      described:
        field.label ?? field.placeholder ?? `${field.type} input name="${field.name ?? ""}"`,
    })),
    submit: form.buttons[0],
    unfillable: form.unfillable,
  };
}

export function guessValue(field: FoundField): FieldValue | undefined {
  const words = [field.label, field.placeholder, field.name, field.autocomplete].join(" ");
  if (field.type === "password" || /password/i.test(words)) return "password";
  if (field.type === "email" || /e-?mail|user\s?name/i.test(words)) return "email";
  if (/name/i.test(words)) return "fullName";
  return undefined;
}

export interface SkeletonContext {
  frontendUrl: string;
  supabaseUrl: string;
  backend: { health: string } | undefined;
  /** The import of defineApp as the file will write it. */
  profileImport: string;
}

/** The proposal as the source of a profile module; it validates as written, TODOs and all. */
export function renderSkeleton(proposal: Proposal, context: SkeletonContext): string {
  const host = new URL(context.frontendUrl).host;
  const storageKey = supabaseStorageKey(context.supabaseUrl);
  const loginPath = proposal.login?.path ?? "/login";
  const lines = [
    `// Proposed by \`npm run doctor\` from the HTML of ${new URL(context.frontendUrl).origin}.`,
    "// Check each TODO, then point SYNTHETIC_APP at this file.",
    `import { defineApp } from ${JSON.stringify(context.profileImport)};`,
    "",
    "export default defineApp({",
    `  name: ${JSON.stringify(host)},`,
    `  // TODO: "backend" when sign-up and sign-in go through the backend's own endpoints.`,
    `  auth: "supabase",`,
    ...renderSession(proposal.session, storageKey),
    `  home: { path: "/" },`,
    "  forms: {",
    ...renderForm("signUp", "sign-up", proposal.signUp),
    ...renderForm("login", "login", proposal.login),
    "  },",
    "  // TODO: the page a signed-in user sees, and what on it shows who they are.",
    "  signedIn: {",
    `    path: "/",`,
    `    proofs: [{ locator: { text: "TODO" }, shows: "email" }],`,
    `    signOut: { locator: { role: "button", name: "TODO" }, lands: { path: ${JSON.stringify(loginPath)} } },`,
    `    signedOutLands: { path: ${JSON.stringify(loginPath)} },`,
    "  },",
    ...(context.backend
      ? [`  backend: { health: ${JSON.stringify(context.backend.health)} },`]
      : []),
    "  // TODO: the tables the app keeps per user. The expected schema comes from the",
    "  // migrations: run npm run schema:snapshot (migrations default: supabase/migrations).",
    "  tables: [],",
    "});",
  ];
  return `${lines.join("\n")}\n`;
}

function renderSession(session: Proposal["session"], storageKey: string): string[] {
  const tell =
    `  //   to tell, sign in in a browser: an \`${storageKey}\` cookie after signing in means` +
    ` "cookies", a localStorage entry of that name "localStorage".`;
  if (session.kind === "cookies") {
    return [
      `  // TODO: a guess (${session.because}, which with Supabase usually means @supabase/ssr's cookies);`,
      tell,
      `  session: { kind: "cookies" },`,
    ];
  }
  return [
    "  // TODO: a guess (nothing in the pages' HTML points to cookies; supabase-js's default key shown);",
    tell,
    `  session: { kind: "localStorage", key: ${JSON.stringify(storageKey)} },`,
  ];
}

function renderForm(key: string, title: string, form: ProposedForm | undefined): string[] {
  if (!form) {
    return [
      `    // TODO: no ${title} form was found in the pages' HTML (rendered in the browser?).`,
      `    ${key}: {`,
      `      path: "/TODO",`,
      "      fields: [",
      `        { locator: { label: "Email" }, value: "email" },`,
      `        { locator: { label: "Password" }, value: "password" },`,
      "      ],",
      `      submit: { role: "button", name: "TODO" },`,
      `      lands: { path: "/" },`,
      "    },",
    ];
  }
  const fields = form.fields.flatMap((field) => {
    const gaps = [
      field.locator ? undefined : "no label or placeholder: give it one, or use a testId",
      field.value ? undefined : "what to type",
    ].filter(Boolean);
    const locator = field.locator ?? { label: `TODO ${field.described}` };
    const value = field.value ?? { constant: "TODO" };
    return [
      ...(gaps.length > 0 ? [`        // TODO (${field.described}): ${gaps.join("; ")}.`] : []),
      `        { locator: ${literal(locator)}, value: ${literal(value)} },`,
    ];
  });
  return [
    `    ${key}: {`,
    `      path: ${JSON.stringify(form.path)},`,
    ...form.unfillable.map(
      (name) => `      // TODO: the form also has "${name}", which a profile cannot fill.`,
    ),
    "      fields: [",
    ...fields,
    "      ],",
    ...(form.submit ? [] : ["      // TODO: no submit button was found."]),
    `      submit: { role: "button", name: ${JSON.stringify(form.submit ?? "TODO")} },`,
    `      // TODO: where a successful ${title} lands.`,
    `      lands: { path: "/" },`,
    "    },",
  ];
}

/** A small object literal as TypeScript source: `{ label: "Email" }`. */
function literal(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const entries = Object.entries(value).map(([key, item]) => `${key}: ${JSON.stringify(item)}`);
  return `{ ${entries.join(", ")} }`;
}
