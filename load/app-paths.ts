import type { AppProfile } from "../contract/profile.ts";
import { pagePaths } from "../journeys/frontend.ts";

// The app's paths the scenarios send to, from the profile, handed to
// Artillery's processor in one variable: the processor runs inside
// Artillery (through a CommonJS hook, or bundled on a distributed worker)
// and cannot load the profile itself.

export const APP_PATHS_VAR = "LOAD_APP_PATHS";

export interface AppPaths {
  pages: string[];
  /** Absent where the app has no such endpoint: its scenario is skipped (load/needs.ts). */
  health?: string;
  login?: string;
  register?: string;
  /** The sign-up body's key for the display name (the profile's nameMetadataKey). */
  nameKey?: string;
}

export function appPaths(
  app: Pick<AppProfile, "home" | "forms" | "signedIn" | "backend" | "nameMetadataKey">,
): AppPaths {
  return {
    pages: pagePaths(app),
    ...(app.backend ? { health: app.backend.health } : {}),
    ...(app.backend?.login ? { login: app.backend.login.path } : {}),
    ...(app.backend?.register ? { register: app.backend.register.path } : {}),
    ...(app.nameMetadataKey ? { nameKey: app.nameMetadataKey } : {}),
  };
}

/** The paths `npm run load` (or --write-dotenv) put in the environment. */
export function readAppPaths(env: NodeJS.ProcessEnv = process.env): AppPaths {
  const raw = env[APP_PATHS_VAR];
  if (!raw)
    throw new Error(
      `${APP_PATHS_VAR} is unset: npm run load (or --write-dotenv) passes the app's paths`,
    );
  return JSON.parse(raw) as AppPaths;
}

/** One path a scenario needs; a scenario the app lacks stops naming the profile field. */
export function requirePath(paths: AppPaths, name: "health" | "login" | "register"): string {
  const found = paths[name];
  if (found === undefined)
    throw new Error(
      `${APP_PATHS_VAR} has no ${name} path: the app profile declares no backend ${name}, so npm run load skips this scenario`,
    );
  return found;
}
