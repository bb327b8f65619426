// `npm test`: set up what is missing, then type-check, lint, and run every
// own test with node's test runner: each folder's `<folder>/test/*.test.ts`
// and the end-to-end tests in `e2e/`. `npm run test:unit` runs only the fast
// ones (no e2e/), and `npm test -- FILE…` only the files named.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { ensureChromium, ensureDependencies, ensureDovecot, ROOT } from "./bootstrap.mjs";

// Folders that hold no tests of ours: dependencies and what runs write.
const SKIP = new Set([
  "node_modules",
  "test-results",
  "playwright-report",
  "allure-results",
  "allure-report",
  "blob-report",
]);

/** Every `*.test.ts` in a folder named `test` (at any depth) or in `e2e/`. */
function testFiles({ endToEnd }) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      if (entry.name.startsWith(".") || SKIP.has(entry.name)) continue;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".test.ts")) {
        const parent = path.basename(dir);
        const e2e = rel.startsWith("e2e/");
        if ((parent === "test" && !e2e) || (e2e && endToEnd)) found.push(rel);
      }
    }
  };
  walk("");
  return found.sort();
}

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
  ensureDovecot();
} catch (error) {
  process.stderr.write(`npm test: ${error.message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
const unitOnly = args.includes("--unit");
const only = args.filter((arg) => arg !== "--unit");
// The longest files first (each a few minutes of suite runs), so the two
// lanes end together instead of one waiting on a long file started last.
const LONGEST = [
  "e2e/faults-http.test.ts",
  "e2e/faults-database.test.ts",
  "e2e/profiles.test.ts",
  "e2e/load-run.test.ts",
  "e2e/faults-drift.test.ts",
];
const weight = (file) => (LONGEST.includes(file) ? LONGEST.indexOf(file) : LONGEST.length);
const files =
  only.length > 0 ? only : testFiles({ endToEnd: !unitOnly }).sort((a, b) => weight(a) - weight(b));

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
