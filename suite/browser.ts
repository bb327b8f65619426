import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

export const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/**
 * Which Chromium to launch: CHROMIUM_PATH when set; Playwright's own build
 * when it was installed (undefined = let Playwright use it); else a system
 * Chromium. Undefined with nothing installed, and Playwright then says so.
 */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  if (existsSync(chromium.executablePath())) return undefined;
  return SYSTEM_CHROMIUM.find((candidate) => existsSync(candidate));
}

/** Flags that keep Chromium off the network beyond the pages under test. */
export const CHROMIUM_ARGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-default-apps",
];
