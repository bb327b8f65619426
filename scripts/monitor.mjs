// `npm run monitor`: set up what is missing (packages, a browser), then run the
// monitor (monitor/cli.ts) in the foreground. Ctrl-C reaches it directly (same
// process group); a SIGTERM sent to this wrapper (a platform stopping the
// service) is passed on, and the monitor's exit code is this one's.
import { spawn } from "node:child_process";
import { ensureChromium, ensureDependencies, ROOT } from "./bootstrap.mjs";

try {
  ensureDependencies();
  ensureChromium();
} catch (error) {
  process.stderr.write(`npm run monitor: ${error.message}\n`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ["--import", "tsx", "monitor/cli.ts", ...process.argv.slice(2)],
  {
    cwd: ROOT,
    stdio: "inherit",
  },
);
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
