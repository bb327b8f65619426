// The history database when none is configured: a persistent embedded
// Postgres under the monitor's directory (`.monitor/` by default), data in
// `<dir>/pg`, its password in `<dir>/pg-password` (0600, made once).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { startPostgres } from "../../stack/index.ts";

export interface EmbeddedHistory {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedHistory(
  dir: string,
  options: { onLog?: (line: string) => void } = {},
): Promise<EmbeddedHistory> {
  const root = path.resolve(dir);
  const created = await mkdir(root, { recursive: true });
  // As root, Postgres runs as the `postgres` user, which must be able to enter it.
  if (created) await chmod(root, 0o755);
  const dataDir = path.join(root, "pg");
  const password = await passwordOf(root, existsSync(path.join(dataDir, "PG_VERSION")));
  const server = await startPostgres({ dataDir, password, onLog: options.onLog ?? (() => {}) });
  return { url: server.url, stop: () => server.stop() };
}

async function passwordOf(root: string, clusterExists: boolean): Promise<string> {
  const file = path.join(root, "pg-password");
  const stored = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (stored !== undefined) return stored.trim();
  if (clusterExists) {
    throw new Error(
      `${file} is missing but ${path.join(root, "pg")} holds a database made with it: restore the file, or move the pg directory away to start a new history`,
    );
  }
  const password = randomBytes(18).toString("base64url");
  try {
    await writeFile(file, `${password}\n`, { mode: 0o600, flag: "wx" });
    return password;
  } catch (error) {
    // Another monitor made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      return (await readFile(file, "utf8")).trim();
    throw error;
  }
}
