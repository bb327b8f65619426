import type { FastifyInstance, FastifyReply } from "fastify";
import type { BundleFiles, PageAssets } from "./assets.ts";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** One page: `name` marks the body (data-page) for the script; `body` is trusted HTML. */
export interface Page {
  readonly name: string;
  readonly title: string;
  readonly body: string;
}

/** An app the frontend can serve: its pages, its script and whom that script may call. */
export interface FrontendShape {
  /** Shown in every page's header. */
  readonly appName: string;
  /** `<meta name content>` pairs the script reads its configuration from (never inline script). */
  readonly meta: Readonly<Record<string, string>>;
  /** Origins the script fetches from (the CSP's connect-src). */
  readonly connectTo: readonly string[];
  readonly bundle: BundleFiles;
  /** Pages that are the same for everyone, by path. */
  readonly pages: Readonly<Record<string, Page>>;
  readonly notFound: Page;
  /** Routes the server renders per request. */
  serverRoutes?(app: FastifyInstance, send: PageSender): void;
}

export type PageSender = (
  reply: FastifyReply,
  page: Page,
  options?: { status?: number; cacheControl?: string },
) => FastifyReply;

/** The whole HTML document of `page` with the assets the current faults serve. */
export function renderDocument(shape: FrontendShape, page: Page, assets: PageAssets): string {
  const meta = Object.entries(shape.meta)
    .map(([name, content]) => `\n  <meta name="${name}" content="${escapeHtml(content)}">`)
    .join("");
  const scripts = assets.scripts
    .map((script) => `  <script type="module" src="${script.path}"></script>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">${meta}
  <title>${escapeHtml(page.title)}</title>
  <link rel="icon" href="${assets.icon.path}" type="image/svg+xml">
  <link rel="stylesheet" href="${assets.style.path}">
${scripts}
</head>
<body data-page="${page.name}">
  <header><a href="/">${escapeHtml(shape.appName)}</a></header>
  <main>${page.body}
  </main>
</body>
</html>
`;
}

/** One labelled input; `attributes` is trusted HTML. */
export interface Field {
  readonly id: string;
  readonly label: string;
  readonly attributes: string;
}

export const EMAIL_FIELD: Field = {
  id: "email",
  label: "Email",
  attributes: 'type="email" autocomplete="email" required',
};

export const passwordField = (
  autocomplete: "new-password" | "current-password",
  { id = "password", label = "Password", extra = "" } = {},
): Field => ({
  id,
  label,
  attributes: `type="password" autocomplete="${autocomplete}"${extra} required`,
});

/** A form the page's script handles: labelled inputs, the page's alert, one submit button. */
export function scriptedForm(id: string, fields: readonly Field[], submit: string): string {
  const inputs = fields.map(
    (field) => `
      <label for="${field.id}">${field.label}</label>
      <input id="${field.id}" name="${field.id}" ${field.attributes}>`,
  );
  return `
    <form id="${id}" novalidate>${inputs.join("")}
      <p role="alert" hidden></p>
      <button type="submit">${submit}</button>
    </form>`;
}

/** A not-found page in an app's words. */
export const notFoundPage = (appName: string): Page => ({
  name: "not-found",
  title: `Page not found · ${appName}`,
  body: `
    <h1>Page not found</h1>
    <p>There is nothing at this address.</p>
    <p><a href="/">Go to the home page</a></p>`,
});
