import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runProcess } from "../../scripts/process.ts";
import policy from "../policy.ts";
import { FileStateStore } from "../store/file-store.ts";
import { ConcurrentWriteError, type StateStore } from "../store/state-store.ts";
import { emptyState } from "../types.ts";
import { check, critical, EngineHarness, MINUTE, T0 } from "./support/engine-harness.ts";
import { type Rig, startRig } from "./support/rig.ts";

const CHILD = fileURLToPath(new URL("./support/child-run.ts", import.meta.url));

describe("file state store", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "alerts-state-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test("a save from a stale revision is detected as a concurrent write", async () => {
    const path = join(dir, "state.json");
    const a = new FileStateStore(path, "run-a");
    const b = new FileStateStore(path, "run-b");
    const [seenByA, seenByB] = [await a.load(), await b.load()];
    assert.equal(await a.save(emptyState(), seenByA.revision), 1);
    await assert.rejects(b.save(emptyState(), seenByB.revision), (error: Error) => {
      assert.ok(error instanceof ConcurrentWriteError);
      assert.match(error.message, /revision 0 → 1, by run-a/);
      return true;
    });
  });

  test("a held lock means another run is writing; a stale one is taken over", async () => {
    const path = join(dir, "state.json");
    const store = new FileStateStore(path, "run-a");
    await writeFile(`${path}.lock`, "run-z pid 4242");
    await assert.rejects(store.save(emptyState(), 0), /being written by run-z pid 4242/);
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, old, old);
    assert.equal(
      await store.save(emptyState(), 0),
      1,
      "a lock older than 30 s belongs to a dead run",
    );
    assert.deepEqual(await readdir(dir), ["state.json"], "no lock and no temp file left behind");
  });

  test("a damaged file is set aside and the run starts afresh instead of crashing", async () => {
    const path = join(dir, "state.json");
    await writeFile(path, '{"revision": 3, "state": {"vers');
    const snapshot = await new FileStateStore(path, "run-a").load();
    assert.deepEqual(snapshot.state, emptyState());
    assert.match(snapshot.warning ?? "", /moved to .*state\.json\.damaged-/);
  });
});

describe("state across runs", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(() => rig.close());

  test("state reloaded by a new process gives the same decisions", async () => {
    const env = { ...rig.env, SYNTHETIC_RUN_KIND: "scheduled" };
    const results = [
      critical("backend › /health answers 200", "failed"),
      check("profile page", "failed"),
    ];
    const expected = new EngineHarness(policy, "scheduled", [
      "email",
      "slack",
      "sms",
      "webhook",
      "pagerduty",
    ]);
    expected.run(results, T0);
    const want = expected
      .run(results, T0 + 5 * MINUTE)
      .sent.map((n) => `${n.channel}:${n.reason}:${n.firing.map((v) => v.title).join("+")}`);

    const first = await rig.run(results, T0, { env });
    assert.equal(first.delivered.length, 0, "critical N=2 in scheduled runs: nothing yet");
    const child = await runProcess(process.execPath, [
      "--import",
      "tsx",
      CHILD,
      JSON.stringify({ env, results, now: T0 + 5 * MINUTE }),
    ]);
    assert.equal(child.code, 0, child.stderr);
    const got = JSON.parse(child.stdout) as { ok: boolean; sent: string[] };
    assert.equal(got.ok, true);
    assert.deepEqual(got.sent.sort(), want.sort());
    assert.equal(want.length, 5, "every channel hears about the critical check");
  });

  test("two runs saving at once: the later one replays its changes onto the other's state", async () => {
    const inner = new FileStateStore(rig.env.ALERT_STATE_PATH as string, "slow-run");
    let raced = false;
    const racing: StateStore = {
      description: "file store racing another run",
      load: () => inner.load(),
      close: () => inner.close(),
      save: async (state, expected) => {
        if (!raced) {
          raced = true;
          await rig.run(
            [check("search", "failed", { tier: "frontend", project: "browser" })],
            T0 + 1,
          );
        }
        return inner.save(state, expected);
      },
    };
    const slow = await rig.run([critical("backend › /health answers 200", "failed")], T0, {
      store: racing,
    });
    assert.equal(slow.ok, true, slow.problems.join("\n"));
    const saved = JSON.parse(await readFile(rig.env.ALERT_STATE_PATH as string, "utf8"));
    assert.equal(saved.revision, 2);
    type Stored = Record<string, { labels: { title: string; tier: string } }>;
    const titles = Object.values(saved.state.checks as Stored)
      .filter((c) => c.labels.tier !== "notifier")
      .map((c) => c.labels.title);
    assert.deepEqual(
      titles.sort(),
      ["backend › /health answers 200", "search"],
      "neither run's checks were lost",
    );
    assert.ok(
      saved.state.notifications["synthetic/local/backend|sms"],
      "the slow run's sends are logged",
    );
    assert.ok(
      saved.state.notifications["synthetic/local/frontend|email"],
      "and so are the other run's",
    );
    const journal = await rig.journal();
    assert.ok(
      journal.some((e) => e.type === "state.concurrent-write"),
      "the race is in the journal",
    );
  });
});
