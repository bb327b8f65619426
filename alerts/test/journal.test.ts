import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FOR_MESSAGES, Redactor } from "../../secrets/redactor.ts";
import { Journal } from "../journal.ts";

test("journal lines are JSON, redacted, stamped with the run; a full journal rotates", async () => {
  const dir = await mkdtemp(join(tmpdir(), "alerts-journal-"));
  try {
    const path = join(dir, "nested", "journal.jsonl");
    const first = new Journal(path, new Redactor(["hunter2-secret"], FOR_MESSAGES), "run-1", 200);
    first.write({ type: "attempt", reason: "login failed for hunter2-secret" });
    first.write({ type: "run.end", ok: true });
    await first.flush();
    const lines = (await readFile(path, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => [l.type, l.runId]),
      [
        ["attempt", "run-1"],
        ["run.end", "run-1"],
      ],
    );
    assert.equal(lines[0].reason, "login failed for [redacted]");
    assert.match(lines[0].ts, /^\d{4}-\d\d-\d\dT/);

    const second = new Journal(path, new Redactor([], FOR_MESSAGES), "run-2", 200);
    second.write({ type: "run.start", padding: "x".repeat(300) });
    await second.flush();
    const third = new Journal(path, new Redactor([], FOR_MESSAGES), "run-3", 200);
    third.write({ type: "run.start" });
    await third.flush();
    assert.match(
      await readFile(`${path}.1`, "utf8"),
      /"runId":"run-2"/,
      "the full journal moved aside",
    );
    assert.doesNotMatch(await readFile(path, "utf8"), /run-2/, "and a fresh one started");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
