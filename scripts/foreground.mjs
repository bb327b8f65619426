// The wrapper of the long-running commands (`npm run monitor`, `npm run
// on-deploy`): set up what is missing (packages, a browser), then run the
// command's entry in the foreground. It gets a process group of its own, so
// Ctrl-C in a terminal (SIGINT to the terminal's group) does not also hit the
// servers and the stack it runs before it has stopped them in order; this
// wrapper passes SIGINT and SIGTERM on to it, once, and exits with its exit code.
import { spawn } from "node:child_process";
import { ensureChromium, ensureDependencies, ROOT } from "./bootstrap.mjs";

/** `name` for messages ("npm run monitor"), `entry` the TypeScript file to run. */
export function runInForeground(name, entry) {
  try {
    ensureDependencies();
    ensureChromium();
  } catch (error) {
    process.stderr.write(`${name}: ${error.message}\n`);
    process.exit(1);
  }
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: "inherit",
    detached: true,
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 143)));
}
