// A project's own email templates (STACK_AUTH_TEMPLATES=<dir>), as a Supabase
// project sets them in the dashboard or the CLI's config.toml
// ([auth.email.template.<name>] content_path): `<name>.html` replaces the
// body of that mail and `<name>.subject`, if there, its subject. Names as
// Supabase's: confirmation, recovery, magic_link, email_change. Apps whose
// own route verifies `token_hash` (an @supabase/ssr `/auth/confirm`) need
// this: Supabase's docs tell them to link `{{ .SiteURL }}/auth/confirm?
// token_hash={{ .TokenHash }}&type=email`. The stand-in renders GoTrue's
// template variables ({{ .ConfirmationURL }}, {{ .Token }}, {{ .TokenHash }},
// {{ .SiteURL }}, {{ .RedirectTo }}, {{ .Email }}, {{ .NewEmail }},
// {{ .Data.<key> }}) and nothing else of Go's template language: any other
// action stops the boot naming its file and line.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const TEMPLATE_NAMES = ["confirmation", "recovery", "magic_link", "email_change"] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface CustomTemplate {
  subject?: string;
  /** The HTML with `{{ .Name }}` actions; rendered by renderTemplate. */
  html: string;
}

export type CustomTemplates = Partial<Record<TemplateName, CustomTemplate>>;

export interface TemplateValues {
  ConfirmationURL: string;
  Token: string;
  TokenHash: string;
  SiteURL: string;
  RedirectTo: string;
  Email: string;
  NewEmail: string;
  Data: Record<string, unknown>;
}

const ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
const VARIABLE = /^\.(ConfirmationURL|Token|TokenHash|SiteURL|RedirectTo|Email|NewEmail)$/;
const DATA_KEY = /^\.Data\.([A-Za-z_][A-Za-z0-9_]*)$/;

export class TemplateError extends Error {}

/** Reads and checks a templates folder; throws a TemplateError naming `name` (the variable or flag). */
export function loadAuthTemplates(dir: string, name: string): CustomTemplates {
  const folder = path.resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new TemplateError(`${name}: ${dir} is not a folder`);
  }
  const files = readdirSync(folder);
  const templates: CustomTemplates = {};
  for (const template of TEMPLATE_NAMES) {
    const htmlFile = `${template}.html`;
    if (!files.includes(htmlFile)) continue;
    const html = readFileSync(path.join(folder, htmlFile), "utf8");
    checkActions(html, path.join(dir, htmlFile));
    const subjectFile = `${template}.subject`;
    const subject = files.includes(subjectFile)
      ? readFileSync(path.join(folder, subjectFile), "utf8").trim()
      : undefined;
    if (subject !== undefined) checkActions(subject, path.join(dir, subjectFile));
    templates[template] = { html, ...(subject ? { subject } : {}) };
  }
  const known = new Set(TEMPLATE_NAMES.flatMap((t) => [`${t}.html`, `${t}.subject`]));
  const stray = files.filter((file) => /\.(html|subject)$/.test(file) && !known.has(file));
  if (Object.keys(templates).length === 0 || stray.length > 0) {
    throw new TemplateError(
      `${name}: ${dir} ${stray.length > 0 ? `has ${stray.join(", ")}, which is no template` : "has no template"}; ` +
        `expected ${TEMPLATE_NAMES.map((t) => `${t}.html`).join(", ")} (and optional <name>.subject)`,
    );
  }
  return templates;
}

function checkActions(text: string, file: string): void {
  for (const match of text.matchAll(ACTION)) {
    const action = match[1] ?? "";
    if (VARIABLE.test(action) || DATA_KEY.test(action)) continue;
    const line = text.slice(0, match.index).split("\n").length;
    throw new TemplateError(
      `${file}:${line}: {{ ${action} }} is not supported; the stand-in renders only ` +
        "{{ .ConfirmationURL }}, {{ .Token }}, {{ .TokenHash }}, {{ .SiteURL }}, {{ .RedirectTo }}, " +
        "{{ .Email }}, {{ .NewEmail }} and {{ .Data.<key> }}",
    );
  }
}

/** The template with its actions replaced, each value escaped by `escapeValue` (HTML for bodies). */
export function renderTemplate(
  text: string,
  values: TemplateValues,
  escapeValue: (value: string) => string,
): string {
  return text.replace(ACTION, (_whole, action: string) => {
    const variable = VARIABLE.exec(action)?.[1] as keyof Omit<TemplateValues, "Data"> | undefined;
    if (variable) return escapeValue(values[variable]);
    const key = DATA_KEY.exec(action)?.[1];
    const value = key === undefined ? undefined : values.Data[key];
    return value === undefined || value === null ? "" : escapeValue(String(value));
  });
}
