// `npm run monitor`: set up what is missing (packages, a browser), then run the
// monitor (monitor/cli.ts) in the foreground. The monitor gets a process group
// of its own, so Ctrl-C in a terminal (SIGINT to the terminal's group) does not
// also hit the Postgres servers and the stack it runs before it has stopped
// them in order; this wrapper passes SIGINT and SIGTERM on to it, once, and
// exits with its exit code.
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
  { cwd: ROOT, stdio: "inherit", detached: true },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 143)));
