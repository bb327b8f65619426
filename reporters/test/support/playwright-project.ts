import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess } from "../../../scripts/process.ts";

/**
 * A throwaway Playwright project on disk with the alert reporter configured,
 * run through the real CLI — the way Playwright tests its own reporters.
 */

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const REPORTER = join(ROOT, "reporters/alerts.ts");
const CLI = join(ROOT, "node_modules/@playwright/test/cli.js");

function config(projects: string[]) {
  return `
import { defineConfig } from "@playwright/test";
export default defineConfig({
  testDir: "tests",
  retries: Number(process.env.RETRIES ?? 0),
  fullyParallel: true,
  workers: process.env.WORKERS ? Number(process.env.WORKERS) : undefined,
  reporter: [["dot"], [${JSON.stringify(REPORTER)}]],
  projects: ${JSON.stringify(projects.map((name) => ({ name })))},
});
`;
}

export async function writeProject(dir: string, specs: Record<string, string>, projects = ["api"]) {
  await mkdir(join(dir, "tests"), { recursive: true });
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"));
  await writeFile(join(dir, "package.json"), '{ "type": "module" }');
  await writeFile(join(dir, "playwright.config.ts"), config(projects));
  for (const [name, source] of Object.entries(specs))
    await writeFile(join(dir, "tests", name), source);
}

/** Resolves once the `playwright test` process has exited. */
export async function runPlaywright(cwd: string, env: Record<string, string>) {
  const ran = await runProcess(process.execPath, [CLI, "test"], {
    cwd,
    env: { ...process.env, ...env, CI: "1", FORCE_COLOR: "0" },
  });
  return { code: ran.code ?? 1, output: ran.output };
}
