import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type AppProfile, ProfileError, parseProfile } from "./profile.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_PROFILE = "contract/app.ts";

/** The profile module SYNTHETIC_APP names (a path from the project root), default contract/app.ts. */
export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(ROOT, env.SYNTHETIC_APP?.trim() || DEFAULT_PROFILE);
}

/**
 * Loads and validates the app profile. Throws ProfileError naming the file
 * and each bad field; never a bare import error.
 */
export async function loadAppProfile(env: NodeJS.ProcessEnv = process.env): Promise<AppProfile> {
  const file = profilePath(env);
  const shown = path.relative(process.cwd(), file) || file;
  if (!existsSync(file)) {
    throw new ProfileError(shown, [
      `SYNTHETIC_APP: no such file (a path to a profile module, default ${DEFAULT_PROFILE})`,
    ]);
  }
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  } catch (error) {
    throw new ProfileError(shown, [`cannot be loaded: ${(error as Error).message.split("\n")[0]}`]);
  }
  if (exported === undefined)
    throw new ProfileError(shown, ["has no default export (export default defineApp({ … }))"]);
  return parseProfile(exported, shown);
}
