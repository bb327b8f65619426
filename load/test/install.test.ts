import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

/**
 * Artillery depends on @playwright/browser-chromium, whose install script
 * downloads a browser: installing must stay offline-safe. package.json's
 * allowScripts denies that script, and npm must see no install script left
 * undecided (an undecided one is where a new download would slip in).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

test("installing Artillery runs no browser download", () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    allowScripts?: Record<string, boolean>;
  };
  assert.equal(
    pkg.allowScripts?.["@playwright/browser-chromium"],
    false,
    "package.json allowScripts must deny @playwright/browser-chromium's install script",
  );
  const result = spawnSync("npm", ["install-scripts", "ls"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 30_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  assert.equal(result.status, 0, output);
  assert.match(
    output,
    /No packages with unreviewed install scripts/,
    `every dependency's install script must be allowed or denied in package.json:\n${output}`,
  );
});
