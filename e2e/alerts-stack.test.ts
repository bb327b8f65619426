import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runProcess } from "../scripts/process.ts";
import { bootStack, FREE_PORTS, type RunningStack } from "../stack/index.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

interface Mail {
  subject: string;
  to: string[];
  text: string;
}

/**
 * The whole chain against the reference stack: a fault, real scheduled
 * `playwright test` runs with the project's config (so the alert reporter is
 * the one users get), the default local channel (the stack's mail sink), and
 * the resolved notice once the fault is gone.
 */
describe("alerts end to end against the reference stack", () => {
  let stack: RunningStack;
  let dir: string;

  before(async () => {
    stack = await bootStack({ ports: FREE_PORTS, envFile: false });
    dir = await mkdtemp(path.join(tmpdir(), "alerts-e2e-"));
  });
  after(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function scheduledRun(): Promise<number> {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...stack.env,
      SYNTHETIC_ENV: "local",
      SYNTHETIC_RUN_KIND: "scheduled",
      ALERT_STATE_PATH: path.join(dir, "state.json"),
      ALERT_JOURNAL_PATH: path.join(dir, "journal.jsonl"),
      CI: "",
    };
    const ran = await runProcess(
      "npx",
      [
        "playwright",
        "test",
        "--project=security",
        "--retries=0",
        `--output=${path.join(dir, "results")}`,
      ],
      { cwd: ROOT, env },
    );
    return ran.code ?? 1;
  }

  async function mails(): Promise<Mail[]> {
    const response = await fetch(`${stack.urls.mailApi}/messages`);
    return ((await response.json()) as { messages: Mail[] }).messages;
  }

  test("a leaked key alerts once after two failed runs, and resolves after two good ones", async () => {
    await stack.faults.set("key-leaked");
    assert.notEqual(await scheduledRun(), 0);
    assert.deepEqual(await mails(), [], "scheduled monitoring waits for a second failed run");

    assert.notEqual(await scheduledRun(), 0);
    const firing = await mails();
    assert.equal(
      firing.length,
      1,
      `expected exactly one alert, got ${firing.map((m) => m.subject)}`,
    );
    assert.match(firing[0]?.subject ?? "", /FIRING.*critical local · security/);
    assert.match(firing[0]?.text ?? "", /contains the service-role key/);
    assert.ok(
      !firing[0]?.text.includes(stack.keys.serviceRoleKey),
      "the alert body carries the leaked key",
    );

    await stack.faults.clear("key-leaked");
    assert.equal(await scheduledRun(), 0);
    assert.equal(await scheduledRun(), 0);
    const all = await mails();
    assert.equal(
      all.length,
      2,
      `expected the alert and one resolved notice, got ${all.map((m) => m.subject)}`,
    );
    assert.match(all[0]?.subject ?? "", /RESOLVED/);
  });
});
