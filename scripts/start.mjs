// `npm start`: set up what is missing, run every project of the suite
// (booting the reference stack when no target is configured), then a
// smoke-level load pass against the SLA (load/sla.json). The load pass runs
// only against loopback unless LOAD_ALLOW_REMOTE=1; LOAD_SMOKE=0 skips it, and
// so does naming Playwright options (`npm start -- --project=api`), which asks
// for part of the suite only.
import { spawnSync } from "node:child_process";
import { ensureChromium, ensureDependencies, ROOT } from "./bootstrap.mjs";

try {
  ensureDependencies();
  ensureChromium();
} catch (error) {
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(1);
}

// Ctrl-C reaches the children too (same process group): let them stop and
// clean up (Playwright's teardown, the load run's users), then report after them.
process.on("SIGINT", () => {});

const playwrightArgs = process.argv.slice(2);
const suite = spawnSync("npx", ["playwright", "test", ...playwrightArgs], {
  cwd: ROOT,
  stdio: "inherit",
});
const suiteStatus = suite.status ?? 1;

function loadSkippedBecause() {
  const smoke = (process.env.LOAD_SMOKE ?? "1").trim().toLowerCase();
  if (["0", "false", "no", "off"].includes(smoke)) return "LOAD_SMOKE is off";
  if (playwrightArgs.length > 0) return "Playwright options were given (part of the suite only)";
  // 2: bad configuration, which the load pass would only repeat.
  if (suiteStatus === 2) return "the suite's configuration is invalid";
  if (suite.signal || suiteStatus === 130) return "the suite was interrupted";
  return undefined;
}

const skipped = loadSkippedBecause();
if (skipped) {
  process.stdout.write(`\nLoad pass skipped: ${skipped}.\n`);
  process.exit(suiteStatus);
}
process.stdout.write("\n== Smoke-level load pass (npm run load, default profile)\n");
const load = spawnSync(process.execPath, ["--import", "tsx", "load/cli.ts", "--smoke"], {
  cwd: ROOT,
  stdio: "inherit",
});
const loadStatus = load.status ?? (load.signal === "SIGINT" ? 130 : 1);
const verdict = (status) =>
  status === 0 ? "passed" : status === 130 ? "interrupted" : `failed (exit ${status})`;
process.stdout.write(
  `\nnpm start: suite ${verdict(suiteStatus)}; load pass ${verdict(loadStatus)}.\n`,
);
process.exit(suiteStatus !== 0 ? suiteStatus : loadStatus);
