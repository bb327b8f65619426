// `npm test`: set up what is missing, then type-check, lint, and run every
// own test (reference stack, suite, alerts) with node's test runner.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { ensureChromium, ensureDependencies, ROOT } from "./bootstrap.mjs";

const TEST_DIRS = ["suite/test", "stack/test", "alerts/test"];

function step(title, command, args) {
  process.stdout.write(`\n== ${title}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  const ok = result.status === 0;
  process.stdout.write(
    `== ${title}: ${ok ? "ok" : "FAILED"} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`,
  );
  return ok;
}

try {
  ensureDependencies();
  ensureChromium();
} catch (error) {
  process.stderr.write(`npm test: ${error.message}\n`);
  process.exit(1);
}

const only = process.argv.slice(2);
const files =
  only.length > 0
    ? only
    : TEST_DIRS.flatMap((dir) =>
        existsSync(path.join(ROOT, dir))
          ? readdirSync(path.join(ROOT, dir))
              .filter((file) => file.endsWith(".test.ts"))
              .sort()
              .map((file) => path.join(dir, file))
          : [],
      );

let checks = true;
if (only.length === 0) {
  const typed = step("type-check (tsc)", "npx", ["tsc", "--noEmit"]);
  const linted = step("lint and format (biome)", "npx", ["biome", "check", "."]);
  checks = typed && linted;
}
// Two files at a time, also on 2 cores (node's default there is one): most of
// a file's time is spent waiting on a stack, a browser or a load run.
const tests = step(`tests (${files.length} files)`, process.execPath, [
  "--import",
  "tsx",
  "--test",
  "--test-concurrency=2",
  ...files,
]);
process.exit(checks && tests ? 0 : 1);
