import assert from "node:assert/strict";
import { test } from "node:test";
import { needsUpdate, type UpdateQuestion } from "../needs-update.ts";

const HOUR = 3_600_000;
const NOW = Date.parse("2026-11-26T12:00:00Z");
const entry = (firing: string[], sentAgoMs = 0, reminders = 0) => ({
  firing,
  sentAt: NOW - sentAgoMs,
  reminders,
});
const ask = (q: Partial<UpdateQuestion>) =>
  needsUpdate({
    entry: undefined,
    firing: new Set(),
    resolved: new Set(),
    sendResolved: true,
    reminders: { intervalMinutes: 60, amount: 2 },
    now: NOW,
    ...q,
  });

const cases: Array<[string, Partial<UpdateQuestion>, ReturnType<typeof needsUpdate>]> = [
  [
    "never told, something fires → send (new)",
    { firing: new Set(["a"]) },
    { action: "send", reason: "new" },
  ],
  ["never told, nothing fires → none", {}, { action: "none", reason: "nothing-firing" }],
  [
    "told about nothing, something fires → send (new)",
    { entry: entry([]), firing: new Set(["a"]) },
    { action: "send", reason: "new" },
  ],
  [
    "firing set grew → send (grown)",
    { entry: entry(["a"]), firing: new Set(["a", "b"]) },
    { action: "send", reason: "grown" },
  ],
  [
    "firing set replaced by another → send (grown)",
    { entry: entry(["a"]), firing: new Set(["b"]) },
    { action: "send", reason: "grown" },
  ],
  [
    "same set, inside the repeat interval → none",
    { entry: entry(["a"], HOUR / 2), firing: new Set(["a"]) },
    { action: "none", reason: "unchanged" },
  ],
  [
    "same set, repeat interval passed → reminder",
    { entry: entry(["a"], HOUR), firing: new Set(["a"]) },
    { action: "send", reason: "reminder" },
  ],
  [
    "same set, reminders used up → none",
    { entry: entry(["a"], 5 * HOUR, 2), firing: new Set(["a"]) },
    { action: "none", reason: "reminders-exhausted" },
  ],
  [
    "set shrank without a resolve (muted) → none",
    { entry: entry(["a", "b"], 0), firing: new Set(["a"]) },
    { action: "none", reason: "unchanged" },
  ],
  [
    "one resolved, others still firing → send (resolved)",
    { entry: entry(["a", "b"]), firing: new Set(["a"]), resolved: new Set(["b"]) },
    { action: "send", reason: "resolved" },
  ],
  [
    "all resolved → send (resolved)",
    { entry: entry(["a"]), resolved: new Set(["a"]) },
    { action: "send", reason: "resolved" },
  ],
  [
    "resolved, channel wants no resolved notices → record only",
    { entry: entry(["a"]), resolved: new Set(["a"]), sendResolved: false },
    { action: "record", reason: "resolved" },
  ],
  [
    "everything announced is muted now → none",
    { entry: entry(["a"]) },
    { action: "none", reason: "muted" },
  ],
  [
    "grown wins over resolved",
    { entry: entry(["a"]), firing: new Set(["b"]), resolved: new Set(["a"]) },
    { action: "send", reason: "grown" },
  ],
];

for (const [name, question, expected] of cases) {
  test(`needsUpdate: ${name}`, () => {
    assert.deepEqual(ask(question), expected);
  });
}
