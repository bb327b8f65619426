// `npm start`: set up what is missing, then run every project of the suite
// (booting the reference stack when no target is configured).
import { spawnSync } from "node:child_process";
import { ensureChromium, ensureDependencies, ROOT } from "./bootstrap.mjs";

try {
  ensureDependencies();
  ensureChromium();
} catch (error) {
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(1);
}
const result = spawnSync("npx", ["playwright", "test", ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
