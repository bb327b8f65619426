import { loadAppProfile } from "../../contract/load.ts";
import { type AppProfile, ProfileError } from "../../contract/profile.ts";

// Which profile the doctor judges the target against: the one SYNTHETIC_APP
// names, or none while it is unset. The default (contract/app.ts) describes
// the reference app, not the user's: judging their target against its forms
// would only print the reference app's labels as findings.

/** The chosen profile, why it cannot be used, or undefined when SYNTHETIC_APP is unset or empty. */
export async function readProfileState(
  env: NodeJS.ProcessEnv = process.env,
): Promise<AppProfile | { problem: string } | undefined> {
  if (!env.SYNTHETIC_APP?.trim()) return undefined;
  return loadAppProfile(env).catch((error: unknown) => {
    if (!(error instanceof ProfileError)) throw error;
    return { problem: `${error.file}: ${error.problems[0]}` };
  });
}
