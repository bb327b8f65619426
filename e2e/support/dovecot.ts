// A real IMAP server for the imap mailbox's tests: Debian's Dovecot, started
// in the foreground with its own config in a temp dir (never /etc/dovecot),
// its own base_dir and loopback ports, so a system Dovecot on 143/993 neither
// serves these tests nor is disturbed. Users come from a passwd-file; mail
// arrives over LMTP (plus-addressing on: monitor+tag@… lands in monitor@…'s
// INBOX) and is read over plain IMAP, which Dovecot allows on loopback here.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";

const BINARY = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"];
const HELPERS = ["/usr/lib/dovecot/imap", "/usr/lib/dovecot/lmtp"];
export const DOVECOT_MISSING =
  "Dovecot is not installed: the imap mailbox tests need a real IMAP server. Install Debian's " +
  "dovecot-imapd and dovecot-lmtpd (apt-get install dovecot-imapd dovecot-lmtpd; npm test does it as root)";

/** As root, mail belongs to nobody: Dovecot refuses to keep mail as uid 0. */
const NOBODY = 65_534;
const START_TIMEOUT_MS = 10_000;

export interface DovecotUser {
  user: string;
  /** No ':' (the passwd-file's separator). */
  password: string;
}

export interface RunningDovecot {
  readonly host: string;
  readonly imapPort: number;
  /** Where Auth delivers: lmtp://127.0.0.1:port. */
  readonly lmtpUrl: string;
  /** imap://user:password@host:port/mailbox, credentials percent-encoded. */
  imapUrl(user: string, password: string, mailbox?: string): string;
  /** What Dovecot logged (logins, deliveries), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export async function startDovecot(options: { users: DovecotUser[] }): Promise<RunningDovecot> {
  const binary = BINARY.find((file) => existsSync(file));
  const missing = HELPERS.filter((file) => !existsSync(file));
  if (!binary || missing.length > 0) throw new Error(DOVECOT_MISSING);
  const dir = await mkdtemp(path.join(tmpdir(), "dovecot-"));
  try {
    await prepare(dir, options.users);
    for (let attempt = 1; ; attempt += 1) {
      const ports = { imap: await freePort(), lmtp: await freePort() };
      try {
        return await launch(binary, dir, ports);
      } catch (error) {
        // Another process may take a picked port before Dovecot binds it.
        if (attempt === 3 || !/Address already in use/.test(String(error))) throw error;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function prepare(dir: string, users: DovecotUser[]): Promise<void> {
  const root = process.getuid?.() === 0;
  // Dovecot's unprivileged processes must reach the sockets and mail below it.
  await chmod(dir, 0o755);
  const mail = path.join(dir, "mail");
  await mkdir(mail, { mode: 0o700 });
  if (root) await chown(mail, NOBODY, NOBODY);
  const lines = users.map(({ user, password }) => {
    if (/[:\n]/.test(user) || /[:\n]/.test(password)) {
      throw new Error(
        `Dovecot's passwd-file cannot hold ${user}: no ':' or newline in user or password`,
      );
    }
    return `${user}:{PLAIN}${password}::::::`;
  });
  await writeFile(path.join(dir, "users"), `${lines.join("\n")}\n`, { mode: 0o644 });
}

function config(dir: string, ports: { imap: number; lmtp: number }): string {
  const root = process.getuid?.() === 0;
  const uid = root ? NOBODY : (process.getuid?.() ?? NOBODY);
  const gid = root ? NOBODY : (process.getgid?.() ?? NOBODY);
  // Not root: every process runs as the caller, and nothing can chroot.
  const self = root
    ? ""
    : `default_login_user = ${userInfo().username}
default_internal_user = ${userInfo().username}
service imap-login {
  chroot =
}
service anvil {
  chroot =
}
`;
  return `base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = test-${path.basename(dir)}
protocols = imap lmtp
listen = 127.0.0.1
log_path = /dev/stderr
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A refused login is the point of one test: no delay, and no penalty on the next login.
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 1
${self}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${ports.lmtp}
  }
}
`;
}

async function launch(
  binary: string,
  dir: string,
  ports: { imap: number; lmtp: number },
): Promise<RunningDovecot> {
  const file = path.join(dir, "dovecot.conf");
  await writeFile(file, config(dir, ports));
  const child = spawn(binary, ["-F", "-c", file], { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  // A test process that dies without its after() hook leaves no Dovecot behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  await ready(child, exited, () => output).catch(async (error) => {
    process.off("exit", killOnExit);
    child.kill("SIGKILL");
    await exited;
    throw error;
  });
  const host = "127.0.0.1";
  return {
    host,
    imapPort: ports.imap,
    lmtpUrl: `lmtp://${host}:${ports.lmtp}`,
    imapUrl: (user, password, mailbox = "INBOX") =>
      `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${ports.imap}/${encodeURIComponent(mailbox)}`,
    log: () => output,
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the master has bound its listeners and says it is starting up. */
function ready(
  child: ChildProcess,
  exited: Promise<number | null>,
  output: () => string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Dovecot did not start in ${START_TIMEOUT_MS} ms:\n${output()}`)),
      START_TIMEOUT_MS,
    );
    const onData = () => {
      if (!/starting up for/.test(output())) return;
      clearTimeout(timer);
      child.stderr?.off("data", onData);
      resolve();
    };
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Dovecot exited (${code}) while starting:\n${output()}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
