// The app shapes the reference stack can serve. `spa` is the original app:
// a static frontend whose script calls the backend's /api/auth/* endpoints.
// `ssr` stands for a typical Next.js + Supabase starter (Supabase's
// "with-supabase" template): the page talks to Supabase Auth itself, the
// session rides in @supabase/ssr cookies, a server-rendered page is
// protected, and the backend has no auth endpoints.
//
// Names and parsing only: stack/index.ts re-exports this for processes that
// never boot a stack (playwright.config.ts), so it imports nothing heavy.

export const APP_NAMES = ["spa", "ssr"] as const;

export type AppName = (typeof APP_NAMES)[number];

export const DEFAULT_APP: AppName = "spa";

export const APP_DESCRIPTIONS: Record<AppName, string> = {
  spa: "static pages whose script signs in through the backend's /api/auth (default)",
  ssr: "Next.js + Supabase starter: Supabase Auth from the page, @supabase/ssr cookies, a server-rendered /protected",
};

export function isAppName(name: string): name is AppName {
  return (APP_NAMES as readonly string[]).includes(name);
}

/** Checks an app name; `source` (STACK_APP, --app) is named in the error. */
export function parseAppName(value: string, source = "STACK_APP"): AppName {
  const name = value.trim();
  if (isAppName(name)) return name;
  throw new Error(`${source}: unknown app "${name}"; known apps: ${APP_NAMES.join(", ")}`);
}

/** The shape STACK_APP asks for (spa when unset or empty); throws naming the variable. */
export function appFromEnv(env: NodeJS.ProcessEnv = process.env): AppName {
  const raw = env.STACK_APP;
  return raw === undefined || raw.trim() === "" ? DEFAULT_APP : parseAppName(raw);
}
