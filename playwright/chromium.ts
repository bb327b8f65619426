import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import path from "node:path";
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

/**
 * Whether Playwright's own ffmpeg, which it needs to record video, is
 * installed. It comes with `npx playwright install` where downloads work; a
 * system ffmpeg does not replace it, so without it runs keep traces and
 * screenshots only.
 */
export function videoRecordingAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    const require = createRequire(import.meta.url);
    const manifest = path.join(
      path.dirname(require.resolve("playwright-core/package.json")),
      "browsers.json",
    );
    const { browsers } = JSON.parse(readFileSync(manifest, "utf8")) as {
      browsers: Array<{ name: string; revision: string }>;
    };
    const revision = browsers.find((browser) => browser.name === "ffmpeg")?.revision;
    const root = env.PLAYWRIGHT_BROWSERS_PATH || path.join(homedir(), ".cache", "ms-playwright");
    return revision !== undefined && existsSync(path.join(root, `ffmpeg-${revision}`));
  } catch {
    return false;
  }
}
