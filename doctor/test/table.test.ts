import assert from "node:assert/strict";
import { test } from "node:test";
import { exitCode } from "../check.ts";
import { renderTable, wrap } from "../table.ts";

test("cells wrap within their column and the table fits the width", () => {
  const rows = [
    { check: "backend", status: "fail" as const, found: "word ".repeat(40), means: "x".repeat(90) },
    { check: "frontend", status: "ok" as const, found: "200", means: "pages open" },
  ];
  const table = renderTable(rows, 100);
  for (const line of table.split("\n")) assert.ok(line.length <= 100, `too wide: ${line}`);
  assert.match(table, /^check\s+status\s+found\s+what it means for the journeys\n/);
  assert.match(table, /\nfrontend {2}ok {6}200/);
});

test("wrap keeps words whole and cuts only a word longer than the line", () => {
  assert.deepEqual(wrap("aa bb cc", 5), ["aa bb", "cc"]);
  assert.deepEqual(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
  assert.deepEqual(wrap("", 3), [""]);
});

test("exit code: 0 when all ok, 1 with any warn or fail", () => {
  const row = { check: "c", found: "", means: "" };
  assert.equal(exitCode([{ ...row, status: "ok" }]), 0);
  assert.equal(
    exitCode([
      { ...row, status: "ok" },
      { ...row, status: "warn" },
    ]),
    1,
  );
});
