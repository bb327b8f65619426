// startPostgres: throw-away clusters leave nothing behind; a cluster in
// `dataDir` keeps its data across stop and start and is never deleted.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { startPostgres } from "../src/postgres.ts";

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("startPostgres", () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "stack-pg-"));
    // As root the cluster runs as `postgres`, which must be able to enter it.
    await chmod(dir, 0o755);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("a throw-away cluster's data directory goes on stop", async () => {
    const server = await startPostgres();
    assert.ok(existsSync(path.join(server.dataDir, "PG_VERSION")));
    await server.stop();
    assert.equal(existsSync(server.dataDir), false);
  });

  test("a cluster in dataDir keeps its data across stop and start", async () => {
    const dataDir = path.join(dir, "pg");
    const password = "persistent-pw";
    const first = await startPostgres({ dataDir, password });
    try {
      await query(first.url, "create table kept (n int); insert into kept values (42)");
    } finally {
      await first.stop();
    }
    assert.ok(existsSync(path.join(dataDir, "PG_VERSION")), "stop leaves the cluster");
    const second = await startPostgres({ dataDir, password });
    try {
      assert.equal(second.dataDir, dataDir);
      assert.deepEqual(await query(second.url, "select n from kept"), [{ n: 42 }]);
    } finally {
      await second.stop();
    }
    assert.ok(existsSync(path.join(dataDir, "PG_VERSION")));
  });

  test("a cluster another process runs in dataDir is refused with Postgres's reason", async () => {
    const dataDir = path.join(dir, "busy");
    const running = await startPostgres({ dataDir, password: "pw" });
    try {
      await assert.rejects(startPostgres({ dataDir, password: "pw" }), /postmaster\.pid/);
      assert.ok(existsSync(path.join(dataDir, "PG_VERSION")), "a failed start deletes nothing");
    } finally {
      await running.stop();
    }
  });

  test("as root, a dataDir the postgres user cannot reach is refused with the directory named", {
    skip: userInfo().uid !== 0 ? "only root runs Postgres as another user" : false,
  }, async () => {
    const closed = await mkdtemp(path.join(tmpdir(), "stack-pg-closed-"));
    try {
      await assert.rejects(
        startPostgres({ dataDir: path.join(closed, "pg") }),
        new RegExp(`under ${closed}: the postgres user .* cannot enter it \\(mode 700\\)`),
      );
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  });
});
