import type { PageAssets } from "./assets.ts";

export const APP_NAME = "Reference App";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

export type PageName = "home" | "register" | "login" | "dashboard" | "not-found";

interface Page {
  title: string;
  body: string;
}

const PAGES: Record<PageName, Page> = {
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
    <h1>Create your account</h1>
    <form id="register-form" novalidate>
      <label for="full_name">Full name</label>
      <input id="full_name" name="full_name" autocomplete="name" maxlength="100" required>
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="email" required>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required>
      <p role="alert" hidden></p>
      <button type="submit">Create account</button>
    </form>
    <p>Already have an account? <a href="/login">Log in</a></p>`,
  },
  login: {
    title: `Log in · ${APP_NAME}`,
    body: `
    <h1>Log in</h1>
    <form id="login-form" novalidate>
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="email" required>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <p role="alert" hidden></p>
      <button type="submit">Log in</button>
    </form>
    <p>New here? <a href="/register">Create an account</a></p>`,
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
  "not-found": {
    title: `Page not found · ${APP_NAME}`,
    body: `
    <h1>Page not found</h1>
    <p>There is nothing at this address.</p>
    <p><a href="/">Go to the home page</a></p>`,
  },
};

/** A full HTML document; the bundle reads the backend URL from the meta tag. */
export function renderPage(name: PageName, assets: PageAssets, backendUrl: string): string {
  const page = PAGES[name];
  const scripts = assets.scripts
    .map((script) => `  <script type="module" src="${script.path}"></script>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="backend-url" content="${escapeHtml(backendUrl)}">
  <title>${escapeHtml(page.title)}</title>
  <link rel="icon" href="${assets.icon.path}" type="image/svg+xml">
  <link rel="stylesheet" href="${assets.style.path}">
${scripts}
</head>
<body data-page="${name}">
  <header><a href="/">${APP_NAME}</a></header>
  <main>${page.body}
  </main>
</body>
</html>
`;
}
