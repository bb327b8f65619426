// Makes a fresh clone runnable: dependencies and a Chromium. Plain JavaScript
// because it runs before `npm ci`, when TypeScript tooling is not there yet.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

function say(message) {
  process.stdout.write(`[setup] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", ...options });
  return result.status === 0;
}

/**
 * Runs an install attempt quietly: one line saying how it went, the reason in
 * a few words when it failed (not the tool's stack traces), then the next
 * attempt is tried.
 */
function attempt(title, command, args, options = {}) {
  say(`${title}…`);
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", ...options });
  if (result.status === 0) {
    say(`${title}: done`);
    return true;
  }
  const output = `${result.stderr ?? ""}\n${result.stdout ?? ""}`;
  const reason =
    result.error?.message ??
    output
      .split("\n")
      .map((line) => line.trim())
      .find(
        (line) => /error|failed|denied|not found|unable/i.test(line) && !line.startsWith("at "),
      ) ??
    `exit ${result.status ?? result.signal}`;
  say(`${title}: failed (${reason.slice(0, 160)})`);
  return false;
}

/** `npm ci` when node_modules is missing or older than the lock file. */
export function ensureDependencies() {
  const marker = path.join(ROOT, "node_modules", ".package-lock.json");
  const lock = path.join(ROOT, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say("installing dependencies (npm ci)…");
  const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" };
  if (!run("npm", ["ci", "--no-audit", "--no-fund"], { env })) {
    throw new Error("npm ci failed; see the output above");
  }
}

function playwrightChromium() {
  const probe = spawnSync(
    process.execPath,
    [
      "-e",
      "import('@playwright/test').then(m => process.stdout.write(m.chromium.executablePath()))",
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  const file = probe.stdout.trim();
  return file && existsSync(file) ? file : undefined;
}

function isDebianRoot() {
  return (
    process.getuid?.() === 0 && existsSync("/etc/debian_version") && existsSync("/usr/bin/apt-get")
  );
}

/**
 * A Chromium to drive: CHROMIUM_PATH, Playwright's own build, a system one;
 * failing those, Playwright's download where the network allows it, and on
 * Debian as root the `chromium` package.
 */
export function ensureChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (existsSync(process.env.CHROMIUM_PATH)) return;
    throw new Error(`CHROMIUM_PATH points at ${process.env.CHROMIUM_PATH}, which does not exist`);
  }
  if (playwrightChromium() || SYSTEM_CHROMIUM.some((file) => existsSync(file))) return;
  say("no Chromium found");
  if (
    attempt("downloading Playwright's Chromium", "npx", ["playwright", "install", "chromium"], {
      timeout: 180_000,
    }) &&
    playwrightChromium()
  )
    return;
  if (isDebianRoot()) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if (
      attempt("updating Debian's package lists", "apt-get", ["update", "-qq"], { env }) &&
      attempt(
        "installing Debian's chromium package",
        "apt-get",
        ["install", "-y", "-qq", "chromium"],
        {
          env,
        },
      )
    ) {
      return;
    }
  }
  throw new Error(
    "no Chromium available: install Playwright's (npx playwright install chromium) or a system one " +
      "(Debian: apt-get install chromium), or set CHROMIUM_PATH",
  );
}

const DOVECOT_PARTS = ["/usr/sbin/dovecot", "/usr/lib/dovecot/imap", "/usr/lib/dovecot/lmtp"];

/**
 * Dovecot for the imap mailbox's tests (they start their own instance):
 * installed on Debian as root when missing. Elsewhere nothing is installed,
 * and those tests fail saying what to install.
 */
export function ensureDovecot() {
  if (DOVECOT_PARTS.every((file) => existsSync(file)) || !isDebianRoot()) return;
  say("no Dovecot found (the imap mailbox tests need one)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (
    attempt("updating Debian's package lists", "apt-get", ["update", "-qq"], { env }) &&
    attempt(
      "installing Debian's dovecot-imapd and dovecot-lmtpd",
      "apt-get",
      ["install", "-y", "-qq", "dovecot-imapd", "dovecot-lmtpd"],
      { env },
    )
  )
    return;
  throw new Error("could not install Dovecot: apt-get install dovecot-imapd dovecot-lmtpd");
}

export function packageVersion() {
  return JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
}
