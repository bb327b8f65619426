import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { test } from "node:test";
import { FREE_PORTS, freePort, type StackPorts } from "../src/ports.ts";
import { bootStack } from "../src/stack.ts";

async function listen(port: number): Promise<Server> {
  const server = createServer().listen(port, "127.0.0.1");
  await once(server, "listening");
  return server;
}

// The boot retries when a picked port is taken before it binds; a part that did
// start in the failed attempt must be closed, or it keeps the process alive
// (a test file that never exited in CI: its frontend still listened).
/** A free port for every part of the stack. */
async function namedPorts(): Promise<StackPorts> {
  const keys = Object.keys(FREE_PORTS) as Array<keyof StackPorts>;
  const ports = await Promise.all(keys.map(() => freePort("127.0.0.1")));
  return Object.fromEntries(keys.map((key, index) => [key, ports[index]])) as StackPorts;
}

/** Boots on `ports` with `taken`'s port held by someone else; the boot must fail. */
async function bootWithTaken(ports: StackPorts, taken: keyof StackPorts): Promise<void> {
  const holder = await listen(ports[taken]);
  try {
    await assert.rejects(bootStack({ ports, envFile: false }), /EADDRINUSE|in use/i);
  } finally {
    holder.close();
  }
}

test("a boot that fails because the backend's port is taken closes the frontend it started", async () => {
  const ports = await namedPorts();
  await bootWithTaken(ports, "backend");
  const again = await listen(ports.frontend);
  again.close();
});

test("a boot that fails because Render's API port is taken closes the other platform APIs and the app", async () => {
  const ports = await namedPorts();
  await bootWithTaken(ports, "renderApi");
  for (const part of ["vercelApi", "supabaseManagement", "frontend", "backend"] as const) {
    const again = await listen(ports[part]);
    again.close();
  }
});
