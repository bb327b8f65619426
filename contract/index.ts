import { loadAppProfile } from "./load.ts";

// The app under test, as its profile describes it (SYNTHETIC_APP, default
// contract/app.ts). playwright.config.ts loads it first and stops the run
// with exit 2 on a bad profile, so here it is known to be valid.

export const app = await loadAppProfile();
export type { AppProfile, FormProfile, Landing, Locator, TableProfile } from "./profile.ts";
