import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fingerprintOf } from "../identity.ts";
import { applyQuorum, readQuorum } from "../quorum.ts";
import type { CheckResult } from "../types.ts";

const result = (title: string, outcome: CheckResult["outcome"]): CheckResult => ({
  labels: {
    environment: "production",
    project: "api",
    file: "tests/api/health.spec.ts",
    title,
    tier: "backend",
    severity: "critical",
    tags: [],
  },
  outcome,
});

test("a failure seen from fewer locations than the quorum is held back; passes always count", () => {
  const alone = result("alone", "failed");
  const shared = result("shared", "failed");
  const view = {
    required: 2,
    withinMinutes: 10,
    failingElsewhere: { [fingerprintOf(shared.labels)]: 1 },
  };
  const { counted, held } = applyQuorum([alone, shared, result("ok", "passed")], view);
  assert.deepEqual(
    counted.map((r) => r.labels.title),
    ["shared", "ok"],
  );
  assert.equal(held.length, 1);
  assert.match(held[0] ?? "", /alone: failing from 1 of the 2 locations/);
});

test("a degraded companion counts the locations that saw its check degraded", () => {
  const base = result("GET /health", "passed");
  const companion = result("GET /health › degraded", "failed");
  const view = {
    required: 2,
    withinMinutes: 10,
    failingElsewhere: {},
    degradedElsewhere: { [fingerprintOf(base.labels)]: 1 },
  };
  assert.deepEqual(applyQuorum([companion], view).counted, [companion]);
  assert.equal(applyQuorum([companion], { ...view, degradedElsewhere: {} }).held.length, 1);
});

test("no view (one location, or an unreadable file) counts every failure", async () => {
  const failing = result("x", "failed");
  assert.deepEqual(applyQuorum([failing], undefined).counted, [failing]);
  const dir = await mkdtemp(path.join(tmpdir(), "quorum-"));
  try {
    const file = path.join(dir, "quorum.json");
    await writeFile(file, "{not json");
    assert.equal(readQuorum({ SYNTHETIC_QUORUM_FILE: file }), undefined);
    await writeFile(file, JSON.stringify({ required: 1, withinMinutes: 5, failingElsewhere: {} }));
    assert.equal(
      readQuorum({ SYNTHETIC_QUORUM_FILE: file }),
      undefined,
      "a quorum of 1 is no quorum",
    );
    await writeFile(file, JSON.stringify({ required: 3, withinMinutes: 5, failingElsewhere: {} }));
    assert.equal(readQuorum({ SYNTHETIC_QUORUM_FILE: file })?.required, 3);
    assert.equal(readQuorum({}), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
